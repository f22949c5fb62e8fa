/**
 * What the figures of a quarter cover, as an accessibility officer must be able to state it
 * to the monitoring body: services whose scans saw nothing, services added or stopped during
 * the quarter, services of the last quarter no longer watched, and runs near the turn of the
 * quarter, which counts in Berlin time. Each on a small real store.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectReport } from '../../src/report/collect.ts';
import { renderHtml } from '../../src/report/html.ts';
import type { ReportModel } from '../../src/report/model.ts';
import { tableCsv } from '../../src/report/outputs.ts';
import { berlinMidnight } from '../../src/report/period.ts';
import { buildTables } from '../../src/report/tables.ts';
import { TEXTS } from '../../src/report/texts.ts';
import type { A11yPage, Result } from '../../src/results/result.ts';
import { openSqliteStore, type SqliteStore } from '../../src/store/sqlite.ts';
import { at, DAY, HOUR, runBuilder } from './runs.ts';
import { Q4 } from './seed.ts';

const result = runBuilder('cov');

/** A scan of one page: with a critical `image-alt` finding, clean, or failing to load. */
function scan(probeId: string, startedAt: number, page: 'finding' | 'clean' | 'down'): Result {
  const url = `https://${probeId}.example/`;
  const pages: A11yPage[] = [
    page === 'down'
      ? {
          url,
          seconds: 0.1,
          violations: [],
          incomplete: [],
          error: 'status 503',
          reason: 'http_status',
        }
      : {
          url,
          seconds: 0.1,
          incomplete: [],
          violations:
            page === 'clean'
              ? []
              : [
                  {
                    ruleId: 'image-alt',
                    impact: 'critical',
                    tags: ['EN-301-549', 'wcag2a', 'wcag111'],
                    wcag: ['1.1.1'],
                    en301549: ['9.1.1.1'],
                    help: 'Images must have alternative text',
                    helpUrl: '',
                    nodes: [
                      {
                        target: ['img'],
                        ancestry: ['img'],
                        html: '<img src="logo.png">',
                        occurrence: `${probeId}-img`,
                        pattern: `${probeId}-img`,
                      },
                    ],
                  },
                ],
        },
  ];
  const failed = page !== 'clean';
  return result(probeId, 'a11y', startedAt, failed ? 'fail' : 'pass', {
    ...(page === 'down' ? { reason: 'http_status' as const } : {}),
    a11y: { engine: { name: 'axe-core', version: '4.14.1' }, profile: 'en-301-549', pages },
  });
}

/**
 * lk-test: `down` had a critical finding in Q3, and its start page answered 503 at every
 * scan of Q4; `broken` has scans that ozgwatch could not carry out (`error`) all through Q4;
 * `ok` is clean all through both quarters; `late` begins on 1 December; `stopped` ends on
 * 14 October; `left` ran in Q3 only. `edge` has one run at 00:30 on 1 October in Berlin
 * (22:30 UTC on 30 September) and one an hour before it: the first is Q4's, the second Q3's.
 */
async function seed(store: SqliteStore): Promise<void> {
  const probe = (id: string, kind = 'a11y') => ({
    probeId: id,
    name: id,
    kind,
    service: id,
    county: 'lk-test',
  });
  await store.registerProbes(
    [
      probe('down'),
      probe('broken'),
      probe('ok'),
      probe('late'),
      probe('stopped'),
      probe('left', 'http'),
      probe('edge', 'http'),
    ],
    Q4.to,
  );
  for (let d = 0; ; d++) {
    const t = berlinMidnight(2026, 7, 1 + d) + 9 * HOUR;
    if (t >= Q4.to) break;
    const q4 = t >= Q4.from;
    store.save(scan('down', t, q4 ? 'down' : 'finding'));
    if (q4) store.save(result('broken', 'a11y', t, 'error', { reason: 'internal' }));
    store.save(scan('ok', t, 'clean'));
    if (t >= at(12, 1, 0)) store.save(scan('late', t, 'finding'));
    if (t < at(10, 15, 0)) store.save(scan('stopped', t, 'finding'));
    if (!q4) store.save(result('left', 'http', t, 'pass'));
  }
  store.save(result('edge', 'http', Date.UTC(2026, 8, 30, 21, 30), 'pass'));
  store.save(result('edge', 'http', Date.UTC(2026, 8, 30, 22, 30), 'pass'));
  await store.flush();
}

let dir: string;
let store: SqliteStore;
let model: ReportModel;
let html: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'ozgwatch-report-coverage-'));
  store = openSqliteStore({
    path: path.join(dir, 'ozgwatch.db'),
    logger: pino({ level: 'silent' }),
  });
  await seed(store);
  model = await collectReport(store, { period: Q4, now: Q4.to + 30 * DAY });
  html = renderHtml({
    model,
    tables: buildTables(model, TEXTS.de, 'de'),
    charts: new Map(),
    texts: TEXTS.de,
    lang: 'de',
  });
}, 60_000);

afterAll(async () => {
  await store?.close();
  await rm(dir, { recursive: true, force: true });
});

const service = (name: string) => model.services.find((s) => s.service === name);
/** The HTML's text, tags and soft hyphens taken out. */
const text = (): string =>
  html
    .replace(/<[^>]+>/g, '')
    .replace(/\u00ad/g, '')
    .replace(/&#(\d+);/g, (_, c: string) => String.fromCharCode(Number(c)));

describe('a service whose accessibility scans saw no page in the quarter', () => {
  it('is "ohne Ergebnis", not 0 open patterns, whether its pages failed or ozgwatch did', () => {
    for (const name of ['down', 'broken']) {
      expect(service(name), name).toMatchObject({ scan: 'failed', openPatterns: null });
    }
    expect(service('ok')).toMatchObject({ scan: 'scanned', openPatterns: { critical: 0 } });
    const rows = buildTables(model, TEXTS.de, 'de').get('services')!.rows;
    expect(rows.find((r) => r.service === 'down')).toMatchObject({
      open_patterns: null,
      a11y_scan: 'failed',
    });
    expect(text()).toContain(
      'Über offene Mängel dieser Dienste ist nichts bekannt (nicht 0): broken (lk-test); down (lk-test).',
    );
  });
});

describe('services watched for part of the quarter', () => {
  it('carry their first and last run, and the summary names them with the dates', () => {
    expect(service('ok')?.wholePeriod).toBe(true);
    expect(service('late')).toMatchObject({ wholePeriod: false, firstRun: at(12, 1) });
    expect(service('stopped')).toMatchObject({ wholePeriod: false, lastRun: at(10, 14) });
    expect(text()).toContain(
      'Nur einen Teil des Zeitraums überwacht; ihre Zahlen gelten für diese Zeit: edge (lk-test) bis 2026-10-01; late (lk-test) ab 2026-12-01; stopped (lk-test) bis 2026-10-14.',
    );
    const csv = tableCsv(buildTables(model, TEXTS.de, 'de').get('services')!).split('\r\n');
    expect(csv[0]).toContain(',first_run,last_run,a11y_scan,');
    expect(csv.find((r) => r.includes(',late,'))).toContain(',2026-12-01,2026-12-31,scanned,');
  });

  it('names the services of the previous quarter that are no longer watched', () => {
    expect(model.servicesDropped).toEqual([
      { county: 'lk-test', service: 'left', lastRun: at(9, 30) },
    ]);
    expect(model.kpis.find((k) => k.id === 'services')).toMatchObject({ previous: 5 });
    expect(text()).toContain(
      'Im Vorquartal überwacht, in diesem Zeitraum nicht mehr (in keiner Zahl dieses Zeitraums enthalten): left (lk-test), letzter Lauf 2026-09-30.',
    );
  });
});

describe('the turn of the quarter', () => {
  it('is midnight in Berlin: 22:30 UTC on 30 September is already the fourth quarter', () => {
    const edge = service('edge');
    expect(new Date(edge!.firstRun).toISOString()).toBe('2026-09-30T22:30:00.000Z');
    expect(edge?.lastRun).toBe(edge?.firstRun);
    expect(model.availability.find((a) => a.service === 'edge')?.runs).toBe(1);
  });
});
