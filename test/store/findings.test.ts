import { rmSync } from 'node:fs';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { beforeEach, describe, expect, it } from 'vitest';
import type { A11yPage, Result } from '../../src/results/result.ts';
import { APPLICATION_ID, MIGRATIONS } from '../../src/store/migrations.ts';
import type { Store } from '../../src/store/store.ts';
import { storeBackends, type Backend } from './backends.ts';

const T0 = Date.UTC(2026, 10, 23, 8, 0, 0);
const HOUR = 3_600_000;
const DAY = 86_400_000;
const backends = storeBackends();
let store: Store;

/** A scanned page with the given occurrences of `button-name` (all one pattern). */
function scanned(url: string, occurrences: string[], error?: string): A11yPage {
  return {
    url,
    seconds: 0.2,
    incomplete: [],
    ...(error ? { error } : {}),
    violations:
      occurrences.length === 0
        ? []
        : [
            {
              ruleId: 'button-name',
              impact: 'critical',
              tags: ['EN-301-549'],
              wcag: ['4.1.2'],
              en301549: ['9.4.1.2'],
              help: 'Buttons must have discernible text',
              helpUrl: 'https://dequeuniversity.com/rules/axe/4.14/button-name',
              nodes: occurrences.map((occurrence) => ({
                target: ['button'],
                ancestry: [`html > body > ${occurrence}`],
                html: '<button>',
                occurrence,
                pattern: 'search-button',
              })),
            },
          ],
  };
}

let seq = 0;
function scanResult(at: number, pages: A11yPage[]): Result {
  seq++;
  return {
    runId: `run-${seq}`,
    probeId: 'portal-a11y',
    kind: 'a11y',
    startedAt: at,
    duration: 1,
    attempts: 1,
    maintenance: false,
    status: 'fail',
    reportedStatus: 'fail',
    reason: 'a11y_violations',
    message: '…',
    assertions: [],
    a11y: { engine: { name: 'axe-core', version: '4.14.1' }, profile: 'en-301-549', pages },
  };
}

async function states(): Promise<Record<string, string>> {
  const rows = await store.findings('portal-a11y');
  return Object.fromEntries(rows.map((r) => [r.occurrence, `${r.state}/${r.reopened}`]));
}

describe.each(backends)('accessibility findings across runs ($name)', (backend) => {
  beforeEach(async () => {
    store = await backend.open();
  });

  it('tracks new, fixed and reopened findings per occurrence', async () => {
    const a = 'https://www.musterkreis.de/kfz?session=1';
    store.save(scanResult(T0, [scanned(a, ['o1', 'o2'])]));
    await store.flush();
    expect(await states()).toEqual({ o1: 'open/0', o2: 'open/0' });

    // o2 gone from a page that was scanned: fixed. Query strings do not make another page.
    store.save(
      scanResult(T0 + HOUR, [scanned('https://www.musterkreis.de/kfz?session=2', ['o1'])]),
    );
    await store.flush();
    expect(await states()).toEqual({ o1: 'open/0', o2: 'fixed/0' });
    const o2 = (await store.findings('portal-a11y')).find((f) => f.occurrence === 'o2')!;
    expect(o2).toMatchObject({
      fixedAt: T0 + HOUR,
      firstSeen: T0,
      lastSeen: T0,
      page: 'https://www.musterkreis.de/kfz',
    });

    // A page that could not be scanned proves nothing: its findings stay as they are.
    store.save(scanResult(T0 + 2 * HOUR, [scanned(a, [], 'status 503')]));
    await store.flush();
    expect(await states()).toEqual({ o1: 'open/0', o2: 'fixed/0' });

    // Back again: reopened.
    store.save(scanResult(T0 + 3 * HOUR, [scanned(a, ['o1', 'o2'])]));
    await store.flush();
    expect(await states()).toEqual({ o1: 'open/0', o2: 'open/1' });
    const o1 = (await store.findings('portal-a11y')).find((f) => f.occurrence === 'o1')!;
    expect(o1).toMatchObject({ firstSeen: T0, lastSeen: T0 + 3 * HOUR, fixedAt: null });
  });

  it('a scan of other pages leaves the findings of unscanned pages alone', async () => {
    store.save(scanResult(T0, [scanned('https://www.musterkreis.de/a', ['o1'])]));
    store.save(scanResult(T0 + HOUR, [scanned('https://www.musterkreis.de/b', ['o3'])]));
    await store.flush();
    expect(await states()).toEqual({ o1: 'open/0', o3: 'open/0' });
  });

  it('a late, older result does not undo a newer one', async () => {
    store.save(scanResult(T0 + HOUR, [scanned('https://www.musterkreis.de/a', ['o1'])]));
    store.save(scanResult(T0, [scanned('https://www.musterkreis.de/a', [])]));
    await store.flush();
    expect(await states()).toEqual({ o1: 'open/0' });
  });

  it('records every change of state, so the state at any past moment is known', async () => {
    const a = 'https://www.musterkreis.de/a';
    store.save(scanResult(T0, [scanned(a, ['o1'])]));
    store.save(scanResult(T0 + HOUR, [scanned(a, [])]));
    store.save(scanResult(T0 + 2 * HOUR, [scanned(a, ['o1'])]));
    await store.flush();
    const [all] = await store.findingHistory(['portal-a11y'], T0 + 3 * HOUR);
    expect(all?.events).toEqual([
      { at: T0, type: 'new' },
      { at: T0 + HOUR, type: 'fixed' },
      { at: T0 + 2 * HOUR, type: 'reopened' },
    ]);
    // Up to a moment: only what had happened by then.
    const [before] = await store.findingHistory(['portal-a11y'], T0 + 90 * 60_000);
    expect(before?.events.map((e) => e.type)).toEqual(['new', 'fixed']);
    expect(await store.findingHistory(['portal-a11y'], T0)).toEqual([]);
  });

  it('gives findings of a store from before the history their first sighting and last fix', async () => {
    await store.close();
    store = await openVersion3Store(backend);
    const history = await store.findingHistory(['p'], T0 + DAY);
    expect(Object.fromEntries(history.map((f) => [f.occurrence, f.events]))).toEqual({
      o1: [
        { at: T0, type: 'new' },
        { at: T0 + 2 * HOUR, type: 'fixed' },
      ],
      o2: [{ at: T0, type: 'new' }],
    });
  });
});

/**
 * A store as the release before the history wrote it: schema version 3, findings
 * without events. Then opened (and so migrated) by this build.
 */
async function openVersion3Store(backend: Backend): Promise<Store> {
  const rows = [
    ['o1', T0, T0 + HOUR, 'fixed', T0 + 2 * HOUR],
    ['o2', T0, T0 + HOUR, 'open', null],
  ] as const;
  const insert = (p: (n: number) => string) =>
    `INSERT INTO a11y_findings VALUES
       ('p', 'o1', 'pat', 'label', 'critical', 'x', 's', ${p(1)}, ${p(2)}, 'fixed', ${p(3)}, 0),
       ('p', 'o2', 'pat', 'label', 'critical', 'x', 's', ${p(4)}, ${p(5)}, 'open', NULL, 0)`;
  const values = [rows[0][1], rows[0][2], rows[0][4], rows[1][1], rows[1][2]];
  if (backend.postgres) {
    const server = backend.postgres.server();
    const db = new URL(backend.postgres.url()).pathname.slice(1);
    const steps = MIGRATIONS.slice(0, 3).map((m) => m.postgres);
    // Start over from an empty database (the test's store already created the schema).
    await server.query(db, 'DROP SCHEMA public CASCADE');
    await server.query(db, 'CREATE SCHEMA public');
    await server.query(
      db,
      `CREATE TABLE ozgwatch_schema (version INTEGER NOT NULL,
                                     applied_at TIMESTAMPTZ NOT NULL DEFAULT now())`,
    );
    for (const sql of steps) await server.query(db, sql);
    await server.query(db, 'INSERT INTO ozgwatch_schema (version) VALUES (1), (2), (3)');
    await server.query(
      db,
      insert((n) => `$${n}`),
      values,
    );
  } else {
    const file = path.join(backend.dir(), 'store.db');
    for (const suffix of ['', '-wal', '-shm']) rmSync(file + suffix, { force: true });
    const old = new DatabaseSync(file);
    for (const step of MIGRATIONS.slice(0, 3)) old.exec(step.sql);
    old.exec(`PRAGMA user_version = 3; PRAGMA application_id = ${APPLICATION_ID}`);
    old.prepare(insert(() => '?')).run(...values);
    old.close();
  }
  return backend.open();
}
