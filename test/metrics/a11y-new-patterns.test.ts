import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config/config.ts';
import { startDaemon, type Daemon } from '../../src/main.ts';
import { openSinceFromStore } from '../../src/metrics/a11y-novelty.ts';
import { probeSchema, type Probe } from '../../src/probes/schema.ts';
import type { A11yFinding, A11yPage, Result } from '../../src/results/result.ts';
import type { Store } from '../../src/store/store.ts';
import { openSqliteStore } from '../../src/store/sqlite.ts';
import { storeBackends } from '../store/backends.ts';
import { buildMetrics, has, valueOf } from './helpers.ts';

const T0 = Date.UTC(2026, 10, 20, 8, 0, 0);
const HOUR = 3_600_000;
const DAY = 86_400_000;
const PAGE = 'https://www.musterkreis.de/';

const a11yProbe: Probe = probeSchema.parse({
  id: 'portal-a11y',
  name: 'Bürgerservice barrierefrei',
  kind: 'a11y',
  every: '1d',
  labels: { service: 'portal', county: 'musterkreis' },
  a11y: { urls: [PAGE] },
});
const labels = { probe: 'portal-a11y', service: 'portal', county: 'musterkreis' };

/** One critical violation per pattern: `rule/pattern`, optionally waived. */
function violation(ruleId: string, pattern: string, waived = false): A11yFinding {
  return {
    ruleId,
    impact: 'critical',
    tags: ['EN-301-549'],
    wcag: ['4.1.2'],
    en301549: ['9.4.1.2'],
    help: ruleId,
    helpUrl: `https://dequeuniversity.com/rules/axe/4.14/${ruleId}`,
    nodes: [
      {
        target: [`#${pattern}`],
        ancestry: [`html > body > #${pattern}`],
        html: `<div id="${pattern}">`,
        occurrence: `${ruleId}/${pattern}/home`,
        pattern,
        ...(waived
          ? { waived: { reason: 'Anbieter liefert bis März', owner: 'web', expires: '2027-03-31' } }
          : {}),
      },
    ],
  };
}

let seq = 0;
function scan(at: number, violations: A11yFinding[], page: Partial<A11yPage> = {}): Result {
  seq++;
  return {
    runId: `scan-${seq}`,
    probeId: 'portal-a11y',
    kind: 'a11y',
    startedAt: at,
    duration: 10,
    attempts: 1,
    maintenance: false,
    status: 'fail',
    reportedStatus: 'fail',
    reason: 'a11y_violations',
    message: '…',
    assertions: [],
    a11y: {
      engine: { name: 'axe-core', version: '4.14.1' },
      profile: 'en-301-549',
      pages: [{ url: PAGE, seconds: 1, incomplete: [], violations, ...page }],
    },
  };
}

const newCritical = (text: string): number | undefined =>
  valueOf(text, 'ozgwatch_a11y_new_patterns', { ...labels, impact: 'critical' });

describe('ozgwatch_a11y_new_patterns from scans', () => {
  let clock = T0;
  const metrics = () => {
    const m = buildMetrics(() => clock);
    m.setProbes([a11yProbe]);
    return m;
  };

  it('counts the barrier a release brings though it fixed another the same day', async () => {
    const m = metrics();
    clock = T0;
    m.record(a11yProbe, scan(T0, [violation('button-name', 'search'), violation('label', 'plz')]));
    clock = T0 + DAY;
    m.record(
      a11yProbe,
      scan(T0 + DAY, [violation('button-name', 'search'), violation('aria-hidden-focus', 'menu')]),
    );
    const text = await m.render();
    // The pattern count stays at 2: the old alert saw nothing.
    expect(
      valueOf(text, 'ozgwatch_a11y_violation_patterns', { ...labels, impact: 'critical' }),
    ).toBe(2);
    expect(newCritical(text)).toBe(1);
    expect(valueOf(text, 'ozgwatch_a11y_new_patterns', { ...labels, impact: 'serious' })).toBe(0);
    expect(
      valueOf(text, 'ozgwatch_a11y_new_rules_info', {
        ...labels,
        impact: 'critical',
        rules: 'aria-hidden-focus',
      }),
    ).toBe(1);
  });

  it('stops counting a pattern 24 hours after it appeared, without another scan', async () => {
    const m = metrics();
    clock = T0;
    m.record(a11yProbe, scan(T0, [violation('button-name', 'search')]));
    clock = T0 + DAY - 1;
    expect(newCritical(await m.render())).toBe(1);
    clock = T0 + DAY;
    const text = await m.render();
    expect(newCritical(text)).toBe(0);
    expect(has(text, 'ozgwatch_a11y_new_rules_info', labels)).toBe(false);
  });

  it('stops counting a pattern when a scan finds it fixed, and counts it again when it comes back', async () => {
    const m = metrics();
    clock = T0;
    m.record(a11yProbe, scan(T0, [violation('button-name', 'search')]));
    clock = T0 + HOUR;
    m.record(a11yProbe, scan(T0 + HOUR, []));
    expect(newCritical(await m.render())).toBe(0);
    clock = T0 + 3 * DAY;
    m.record(a11yProbe, scan(T0 + 3 * DAY, [violation('button-name', 'search')]));
    expect(newCritical(await m.render())).toBe(1);
  });

  it('leaves waived patterns out, and a pattern whose waiver expired is not new', async () => {
    const m = metrics();
    clock = T0;
    m.record(a11yProbe, scan(T0, [violation('button-name', 'search', true)]));
    expect(newCritical(await m.render())).toBe(0);
    clock = T0 + 2 * DAY;
    m.record(a11yProbe, scan(T0 + 2 * DAY, [violation('button-name', 'search')]));
    expect(newCritical(await m.render())).toBe(0);
  });

  it('a page that could not be scanned does not make its barriers new the next time', async () => {
    const m = metrics();
    clock = T0;
    m.record(a11yProbe, scan(T0, [violation('button-name', 'search')]));
    clock = T0 + 2 * DAY;
    m.record(a11yProbe, scan(T0 + 2 * DAY, [], { error: 'status 503' }));
    clock = T0 + 3 * DAY;
    m.record(a11yProbe, scan(T0 + 3 * DAY, [violation('button-name', 'search')]));
    expect(newCritical(await m.render())).toBe(0);
  });

  it('names at most five rule ids', async () => {
    const m = metrics();
    clock = T0;
    const rules = ['a', 'b', 'c', 'd', 'e', 'f'].map((r) => violation(`rule-${r}`, r));
    m.record(a11yProbe, scan(T0, rules));
    const text = await m.render();
    expect(newCritical(text)).toBe(6);
    expect(text).toContain('rules="rule-a,rule-b,rule-c,rule-d,rule-e,…"');
  });
});

describe('openSinceFromStore', () => {
  const finding = (
    pattern: string,
    occurrence: string,
    state: 'open' | 'fixed',
    events: [number, 'new' | 'fixed' | 'reopened'][],
  ) => ({
    probeId: 'p',
    occurrence,
    pattern,
    ruleId: 'r',
    impact: 'critical',
    page: PAGE,
    selector: 's',
    firstSeen: events[0]![0],
    lastSeen: 0,
    state,
    fixedAt: null,
    reopened: 0,
    events: events.map(([at, type]) => ({ at, type })),
  });

  it('a pattern that moved from one page to another in one run goes on', () => {
    const since = openSinceFromStore([
      finding('w', 'w/a', 'fixed', [
        [T0, 'new'],
        [T0 + DAY, 'fixed'],
      ]),
      finding('w', 'w/b', 'open', [[T0 + DAY, 'new']]),
    ]);
    expect(since.get('w')).toBe(T0);
  });

  it('a pattern fixed everywhere and back starts anew; a fixed one is not open', () => {
    const since = openSinceFromStore([
      finding('w', 'w/a', 'open', [
        [T0, 'new'],
        [T0 + HOUR, 'fixed'],
        [T0 + DAY, 'reopened'],
      ]),
      finding('gone', 'gone/a', 'fixed', [
        [T0, 'new'],
        [T0 + HOUR, 'fixed'],
      ]),
    ]);
    expect([...since]).toEqual([['w', T0 + DAY]]);
  });
});

describe.each(storeBackends())('new patterns from the store ($name)', (backend) => {
  it('a restart counts the patterns the store has seen before as old', async () => {
    const store = await backend.open();
    const clock = { now: T0 + DAY + HOUR };
    const before = scan(T0, [violation('button-name', 'search'), violation('label', 'plz')]);
    const last = scan(T0 + DAY, [
      violation('button-name', 'search'),
      violation('aria-hidden-focus', 'menu'),
    ]);
    store.save(before);
    store.save(last);
    await store.flush();
    // What the daemon does with a probe new to it (main.ts, seedFromStore).
    const restarted = buildMetrics(() => clock.now);
    restarted.setProbes([a11yProbe]);
    restarted.seed(a11yProbe, last);
    restarted.seedFindings(
      a11yProbe,
      await store.findingHistory(['portal-a11y'], Number.MAX_SAFE_INTEGER),
    );
    expect(newCritical(await restarted.render())).toBe(1);
    // Its next scan finds the same barriers: still one new, until its day is over.
    clock.now = T0 + 2 * DAY - HOUR;
    restarted.record(a11yProbe, scan(clock.now, last.a11y!.pages[0]!.violations));
    expect(newCritical(await restarted.render())).toBe(1);
    clock.now = T0 + 2 * DAY;
    expect(newCritical(await restarted.render())).toBe(0);
  });
});

describe('the daemon reads the findings when it starts', () => {
  let dir = '';
  let daemon: Daemon | undefined;
  let store: Store | undefined;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'ozgwatch-a11y-new-'));
  });
  afterEach(async () => {
    await daemon?.stop();
    await store?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('after a restart, only the barrier of the last day is new', async () => {
    const now = Date.now();
    store = openSqliteStore({
      path: path.join(dir, 'ozgwatch.db'),
      logger: pino({ level: 'silent' }),
    });
    store.save(scan(now - 3 * DAY, [violation('button-name', 'search')]));
    store.save(
      scan(now - 2 * HOUR, [
        violation('button-name', 'search'),
        violation('aria-hidden-focus', 'menu'),
      ]),
    );
    await store.flush();
    await mkdir(path.join(dir, 'probes'));
    await writeFile(
      path.join(dir, 'probes/a.yaml'),
      `- id: portal-a11y
  name: Bürgerservice barrierefrei
  kind: a11y
  every: 1d
  labels: { service: portal, county: musterkreis }
  a11y: { urls: ["${PAGE}"] }
`,
    );
    daemon = await startDaemon(
      {
        ...configSchema.parse({
          probes: path.join(dir, 'probes'),
          dataDir: path.join(dir, 'data'),
        }),
        server: { host: '127.0.0.1', port: 0 },
        watch: false,
      },
      // The first scan is almost a day away: the series come from the store alone.
      { logger: pino({ level: 'silent' }), store, random: () => 0.99 },
    );
    const text = await (await fetch(`${daemon.server.url}/metrics`)).text();
    expect(newCritical(text)).toBe(1);
    expect(
      valueOf(text, 'ozgwatch_a11y_new_rules_info', {
        ...labels,
        impact: 'critical',
        rules: 'aria-hidden-focus',
      }),
    ).toBe(1);
  });
});
