/**
 * Data problems an accessibility officer found in the report, each on a small real store:
 * outages at the last check, services never scanned, pages no longer scanned, waivers,
 * unfinished quarters, document tiers, CSV keys, weeks across the change of summer time, and
 * the command's answer to a wrong store or scope.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { CliValues } from '../../src/cli/main.ts';
import { reportCommand } from '../../src/cli/report-command.ts';
import { loadConfig } from '../../src/config/config.ts';
import { collectReport } from '../../src/report/collect.ts';
import type { ReportModel } from '../../src/report/model.ts';
import { tableCsv } from '../../src/report/outputs.ts';
import { renderHtml } from '../../src/report/html.ts';
import { buildTables } from '../../src/report/tables.ts';
import { coverageMatrix } from '../../src/report/wcag.ts';
import { TEXTS } from '../../src/report/texts.ts';
import type { A11yFinding, A11yPage, Result } from '../../src/results/result.ts';
import { openSqliteStore, type SqliteStore } from '../../src/store/sqlite.ts';
import { at, DAY, HOUR, runBuilder } from './runs.ts';
import { Q3, Q4 } from './seed.ts';

const AFTER_Q4 = Q4.to + 30 * DAY;
const result = runBuilder('dp');

function finding(ruleId: string, impact: string, occurrence: string, waived = false): A11yFinding {
  return {
    ruleId,
    impact,
    tags: ['EN-301-549'],
    wcag: [],
    en301549: [],
    help: ruleId,
    helpUrl: '',
    nodes: [
      {
        target: [occurrence],
        ancestry: [occurrence],
        html: `<div class="${occurrence}">`,
        occurrence,
        pattern: occurrence,
        ...(waived ? { waived: { reason: 'Widget', owner: 'it', expires: '2027-12-31' } } : {}),
      },
    ],
  };
}

function scan(probeId: string, startedAt: number, pages: A11yPage[], documents = true): Result {
  const broken = pages.every((p) => p.error !== undefined);
  return result(probeId, 'a11y', startedAt, broken ? 'fail' : 'pass', {
    ...(broken ? { reason: 'http_status' } : {}),
    a11y: {
      engine: { name: 'axe-core', version: '4.14.1' },
      profile: 'en-301-549',
      pages,
      ...(documents && !broken
        ? {
            documents: [
              {
                url: 'https://a.example/antrag.pdf',
                format: 'pdf',
                bytes: 1000,
                class: 'pdfua',
                pages: 1,
                tagged: true,
                formFields: 0,
                fonts: 1,
                images: 0,
                pdfuaPart: 1,
                pdfuaProblems: [],
              },
            ],
          }
        : {}),
    },
  });
}

const page = (url: string, violations: A11yFinding[] = []): A11yPage => ({
  url,
  seconds: 0.1,
  violations,
  incomplete: [],
});

/**
 * Service a (lk-test): a daily scan of /start (F2 serious, F3 moderate, waived from
 * 1 December on) and, until the end of November, /alt (F1 critical); on 31 December /start
 * answers 503. Weekly BITV and media-break checks whose last run could not load the start
 * page. Service c: HTTP only, with one failed run late on 28 October (Berlin time). Service
 * d: scanned in Q4 only, no findings. Service e: F4 (moderate) open since September, waived
 * from 1 December on.
 */
async function seedServices(store: SqliteStore): Promise<void> {
  const probes = [
    { probeId: 'a-a11y', name: 'A scan', kind: 'a11y', service: 'a', county: 'lk-test' },
    { probeId: 'a-bitv', name: 'A BITV', kind: 'bitv', service: 'a', county: 'lk-test' },
    { probeId: 'a-media', name: 'A media', kind: 'media-breaks', service: 'a', county: 'lk-test' },
    { probeId: 'c-http', name: 'C up', kind: 'http', service: 'c', county: 'lk-test' },
    { probeId: 'd-a11y', name: 'D scan', kind: 'a11y', service: 'd', county: 'lk-test' },
    { probeId: 'e-a11y', name: 'E scan', kind: 'a11y', service: 'e', county: 'lk-test' },
  ];
  await store.registerProbes(probes, Q4.to);
  for (let t = at(9, 1); t < Q4.to; t += DAY) {
    const waived = t >= at(12, 1, 0);
    const start =
      t >= at(12, 31, 0)
        ? {
            ...page('https://a.example/start'),
            error: 'status 503',
            reason: 'http_status' as const,
          }
        : page('https://a.example/start', [
            finding('color-contrast', 'serious', 'F2'),
            finding('region', 'moderate', 'F3', waived),
          ]);
    const pages = [start];
    if (t < at(12, 1, 0)) {
      pages.push(page('https://a.example/alt', [finding('image-alt', 'critical', 'F1')]));
    }
    store.save(scan('a-a11y', t, pages));
    store.save(result('c-http', 'http', t + 3 * HOUR, 'pass'));
    store.save(
      scan(
        'e-a11y',
        t,
        [page('https://e.example/', [finding('region', 'moderate', 'F4', waived)])],
        false,
      ),
    );
    if (t >= Q4.from) store.save(scan('d-a11y', t, [page('https://d.example/')], false));
  }
  // 28 October 23:30 in Berlin (CET): still the week that began on 22 October.
  store.save(result('c-http', 'http', Date.UTC(2026, 9, 28, 22, 30), 'fail'));
  const weekly = [...Array(14).keys()].map((i) => Q4.from + 10 * HOUR + i * 7 * DAY);
  for (const t of weekly) {
    const lastOne = t === weekly.at(-1);
    if (lastOne) {
      for (const [id, kind] of [
        ['a-bitv', 'bitv'],
        ['a-media', 'media-breaks'],
      ] as const) {
        store.save(result(id, kind, t, 'fail', { reason: 'http_status' }));
      }
      continue;
    }
    store.save(
      result('a-bitv', 'bitv', t, 'pass', {
        bitv: {
          signals: { statement_link: { value: 1, evidence: 'x' }, dgs: { value: 0, evidence: '' } },
          statementAgeDays: 30,
        },
      }),
    );
    store.save(
      result('a-media', 'media-breaks', t, 'pass', {
        mediaBreaks: {
          lexicon: 'de',
          breaks: [],
          maturity: { level: 3, basis: 'estimated, citizen-side', base: 3, because: [] },
          endToEndDigital: true,
          signals: {
            info: true,
            assist: true,
            online: true,
            auth: true,
            upload: true,
            epayment: true,
            noFee: false,
            onceOnly: false,
            decisionDigital: true,
            pathSteps: 1,
          },
          path: { steps: 1, stoppedBecause: 'would-post' },
          pages: [],
          documents: [],
        },
      }),
    );
  }
  await store.flush();
}

let dir: string;
let store: SqliteStore;
let model: ReportModel;
const WEEKLY_LAST = Q4.from + 10 * HOUR + 13 * 7 * DAY;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'ozgwatch-report-data-'));
  store = openSqliteStore({
    path: path.join(dir, 'ozgwatch.db'),
    logger: pino({ level: 'silent' }),
  });
  await seedServices(store);
  model = await collectReport(store, { period: Q4, now: AFTER_Q4 });
}, 60_000);

afterAll(async () => {
  await store?.close();
  await rm(dir, { recursive: true, force: true });
});

const service = (name: string) => model.services.find((s) => s.service === name);

describe('a service whose last check could not load the start page', () => {
  it('keeps its BITV row from the last check that did, and says when it was not reachable', () => {
    expect(model.bitv).toHaveLength(1);
    expect(model.bitv[0]).toMatchObject({
      service: 'a',
      checkedAt: WEEKLY_LAST - 7 * DAY,
      notReachedAt: WEEKLY_LAST,
      signals: { statement_link: 1, dgs: 0, feedback: null },
    });
    expect(service('a')).toMatchObject({ bitvPassed: 1, bitvChecked: 2 });
    expect(model.kpis.find((k) => k.id === 'bitvCompliance')?.value).toBe(0.5);
    const csv = tableCsv(buildTables(model, TEXTS.de, 'de').get('bitv')!);
    expect(csv.split('\r\n')[0]).toMatch(/,checked_at,not_reached_at$/);
  });

  it('keeps its media breaks and documents from the last check that reached it', () => {
    expect(model.mediaBreaks).toEqual([
      expect.objectContaining({
        level: 3,
        checkedAt: WEEKLY_LAST - 7 * DAY,
        notReachedAt: WEEKLY_LAST,
      }),
    ]);
    // The scan of 31 December could not load /start; the documents are those of the 30th.
    expect(model.documents.map((d) => d.url)).toEqual(['https://a.example/antrag.pdf']);
  });
});

describe('services that were never scanned for accessibility', () => {
  it('are "not checked", not "0 open patterns", and have no previous quarter of their own', () => {
    expect(service('c')).toMatchObject({
      openPatterns: null,
      openPatternsBefore: null,
      waived: null,
    });
    // d was scanned in Q4 only: no figure for the quarter before.
    expect(service('d')).toMatchObject({
      openPatterns: { critical: 0, serious: 0, moderate: 0, minor: 0 },
      openPatternsBefore: null,
    });
    expect(service('a')?.openPatternsBefore).toBe(2);
    const rows = buildTables(model, TEXTS.de, 'de').get('services')!.rows;
    expect(rows.find((r) => r.service === 'c')).toMatchObject({
      open_patterns: null,
      open_severe: null,
    });
    expect(model.heatmap.some((c) => c.service === 'c')).toBe(false);
  });
});

describe('findings on pages that are no longer scanned', () => {
  it('are "no longer checked": neither open nor fixed, and no top action', () => {
    const f1 = model.appendix.find((r) => r.occurrence === 'F1');
    expect(f1?.state).toBe('unchecked');
    expect(model.changes).toMatchObject({ openAtStart: 2, fixed: 0, unchecked: 1, openAtEnd: 1 });
    expect(model.oldestOpen.map((o) => o.ruleId)).toEqual(['color-contrast']);
    expect(model.topRules.map((r) => r.ruleId)).not.toContain('image-alt');
    // /start failed once, on the last day: its findings are still open.
    expect(model.appendix.find((r) => r.occurrence === 'F2')?.state).toBe('open');
  });
});

describe('waivers', () => {
  it('are the same for the KPI of the previous quarter and the balance', () => {
    const open = model.kpis.find((k) => k.id === 'openPatterns');
    expect(open?.previous).toBe(model.changes?.openAtStart);
    expect(open?.value).toBe(model.changes?.openAtEnd);
    // The waivers of the last scan that loaded a page (a's scan of 31 December did not).
    expect(model.appendix.find((r) => r.occurrence === 'F3')?.state).toBe('waived');
    expect(model.appendix.find((r) => r.occurrence === 'F4')?.state).toBe('waived');
    expect(service('e')).toMatchObject({ waived: 1, openPatternsBefore: 0 });
  });
});

describe('weeks', () => {
  it('begin at midnight in Berlin, also after the clocks went back', () => {
    const c = model.availabilityWeekly.filter((w) => w.service === 'c');
    expect(c.find((w) => w.week === '2026-10-22')?.availability).toBeLessThan(1);
    expect(c.find((w) => w.week === '2026-10-29')?.availability).toBe(1);
  });
});

describe('a scope or period without accessibility scans', () => {
  it('says "not checked" for the open patterns and their changes, not 0', async () => {
    // Service c has HTTP checks only.
    const httpOnly = await collectReport(store, {
      period: Q4,
      scope: { service: 'c' },
      now: AFTER_Q4,
    });
    expect(httpOnly.byImpact).toBeNull();
    expect(httpOnly.byPrinciple).toBeNull();
    expect(httpOnly.changes).toBeNull();
    expect(httpOnly.trend).toEqual([]);
    for (const id of ['openPatterns', 'servicesWithSevereIssues'])
      expect(httpOnly.kpis.find((k) => k.id === id)).toMatchObject({ value: null, previous: null });
    expect(httpOnly.kpis.find((k) => k.id === 'availability')?.value).toBeGreaterThan(0.9);

    const tables = buildTables(httpOnly, TEXTS.de, 'de');
    for (const id of ['by-impact', 'by-principle', 'changes', 'median-days-to-fix', 'trend']) {
      expect(tables.get(id)?.rows, id).toEqual([]);
      expect(tables.get(id)?.none, id).toBe(TEXTS.de.notScanned);
    }
    const html = renderHtml({
      model: httpOnly,
      tables,
      charts: new Map(),
      texts: TEXTS.de,
      lang: 'de',
    });
    expect(html).toContain(`Offene Mängelmuster nach Schwere</strong>: ${TEXTS.de.notScanned}`);
    expect(html).toContain(TEXTS.de.summaryNoneScanned);
    // The availability of the same scope is reported as usual.
    expect(buildTables(httpOnly, TEXTS.de, 'de').get('availability')?.rows).toHaveLength(1);
  });

  it('leaves the weeks before the first scan out of the trend instead of showing 0 open', async () => {
    // The scans began on 1 September, in the third quarter's tenth week.
    const q3 = await collectReport(store, { period: Q3, now: AFTER_Q4 });
    const weeks = [...new Set(q3.trend.map((p) => p.week))];
    expect(weeks[0]).toBe('2026-08-26');
    expect(weeks.at(-1)).toBe('2026-09-30');
    expect(q3.trend.filter((p) => p.week === '2026-09-02').map((p) => p.open)).not.toEqual([
      0, 0, 0, 0,
    ]);
    // The fourth quarter's weeks are all known: the scans of September carry over.
    expect(new Set(model.trend.map((p) => p.week)).size).toBe(14);
  });
});

describe('an in-person appearance the law requires', () => {
  it('is marked in the media-break table, and its kinds are codes in the CSV', async () => {
    const fresh = openSqliteStore({ path: ':memory:', logger: pino({ level: 'silent' }) });
    try {
      await fresh.registerProbes(
        [
          {
            probeId: 'pa',
            name: 'Personalausweis',
            kind: 'media-breaks',
            service: 'pa',
            county: 'x',
          },
        ],
        Q4.to,
      );
      const evidence = (text: string) => ({ text, url: 'https://x.example/pa', selector: 'p' });
      fresh.save(
        result('pa', 'media-breaks', at(11, 2), 'pass', {
          mediaBreaks: {
            lexicon: 'de',
            breaks: [
              {
                kind: 'in-person',
                evidence: evidence('Der Antrag ist persönlich zu stellen.'),
                confidence: 0.9,
                legallyMandated: true,
                legalBasis: {
                  rule: 'identity-document',
                  reason: 'fingerprints',
                  evidence: evidence('Die Fingerabdrücke werden vor Ort erfasst.'),
                },
              },
              { kind: 'manual-payment', evidence: evidence('Bar zu zahlen.'), confidence: 0.9 },
            ],
            maturity: { level: 1, basis: 'estimated, citizen-side', base: 1, because: [] },
            endToEndDigital: false,
            signals: {
              info: true,
              assist: false,
              online: false,
              auth: false,
              upload: false,
              epayment: false,
              noFee: false,
              onceOnly: false,
              decisionDigital: false,
              pathSteps: 0,
            },
            path: { steps: 0, stoppedBecause: 'no-online-application' },
            pages: [],
            documents: [],
          },
        }),
      );
      await fresh.flush();
      const m = await collectReport(fresh, { period: Q4, now: AFTER_Q4 });
      expect(m.mediaBreaks[0]?.breaks.map((b) => [b.kind, b.legallyMandated])).toEqual([
        ['in-person', true],
        ['manual-payment', undefined],
      ]);
      const tables = buildTables(m, TEXTS.de, 'de');
      const csv = tableCsv(tables.get('media-breaks')!).split('\r\n');
      const head = csv[0]?.split(',') ?? [];
      expect(head).toEqual(expect.arrayContaining(['break_kinds', 'legally_mandated']));
      expect(csv.join('\n')).toContain(',in-person manual-payment,in-person,');
      const html = renderHtml({ model: m, tables, charts: new Map(), texts: TEXTS.de, lang: 'de' });
      expect(html).toContain('persönliches Erscheinen (gesetzlich vorgeschrieben): „');
      expect(html).not.toContain('Zahlung vor Ort oder per Überweisung (gesetzlich');
      // The codes are for spreadsheets: the HTML says it in words once.
      expect(html).not.toContain('in-person manual-payment');
    } finally {
      await fresh.close();
    }
  });
});

describe('the key figures as CSV', () => {
  it('have a stable id and a unit', () => {
    const csv = tableCsv(buildTables(model, TEXTS.en, 'en').get('kpis')!).split('\r\n');
    expect(csv[0]).toBe('id,kpi,value,previous,unit');
    expect(csv.find((l) => l.startsWith('bitvCompliance,'))).toMatch(/,percent$/);
  });
});

describe('an unfinished quarter', () => {
  it('is provisional, as of its newest run: no future weeks, ages up to today', async () => {
    const fresh = openSqliteStore({ path: ':memory:', logger: pino({ level: 'silent' }) });
    try {
      await fresh.registerProbes(
        [{ probeId: 'p', name: 'P', kind: 'a11y', service: 'p', county: 'lk-test' }],
        Q4.from,
      );
      // Daily at 09:00 Berlin time, 1 October to 10 November.
      for (let d = 1; d <= 41; d++) {
        const t = at(10, d);
        const violations = d === 41 ? [finding('image-alt', 'critical', 'N')] : [];
        fresh.save(scan('p', t, [page('https://p.example/', violations)], false));
      }
      await fresh.flush();
      const m = await collectReport(fresh, { period: Q4, now: at(11, 10, 12) });
      expect(m.provisional).toBe(true);
      expect(m.asOf).toBe(at(11, 10) + 1);
      expect(m.oldestOpen).toEqual([expect.objectContaining({ ruleId: 'image-alt', ageDays: 0 })]);
      // Weeks from 1 October: the sixth begins on 5 November; none after it.
      expect([...new Set(m.trend.map((p) => p.week))]).toHaveLength(6);
      const done = await collectReport(fresh, { period: Q4, now: AFTER_Q4 });
      expect(done.provisional).toBe(false);
      expect(done.asOf).toBe(Q4.to);
    } finally {
      await fresh.close();
    }
  });
});

describe('ozgwatch report on a wrong store or scope', () => {
  async function run(values: Record<string, string>): Promise<{ code: number; err: string }> {
    const config = await loadConfig({ env: {}, overrides: { dataDir: values.data } });
    let err = '';
    const errSpy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
      err += String(chunk);
      return true;
    });
    const outSpy = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      const code = await reportCommand(config, {
        quarter: '2026-Q4',
        format: 'json',
        out: path.join(dir, 'out'),
        ...values,
      } as unknown as CliValues);
      return { code, err };
    } finally {
      errSpy.mockRestore();
      outSpy.mockRestore();
    }
  }

  it('fails on a folder without a store, names the file and creates nothing', async () => {
    const typo = path.join(dir, 'dat');
    const { code, err } = await run({ data: typo });
    expect(code).toBe(1);
    expect(err).toContain(path.join(typo, 'ozgwatch.db'));
    expect(existsSync(typo)).toBe(false);
  });

  it('fails on a county or service no probe has, and lists the known ones', async () => {
    const county = await run({ data: dir, county: 'lk-tset' });
    expect(county.code).toBe(1);
    expect(county.err).toContain('no probe matches --county lk-tset');
    expect(county.err).toContain('counties: lk-test');
    // An unknown county still lists the services there are.
    expect(county.err).toContain('services: a, c, d, e');
    const svc = await run({ data: dir, county: 'lk-test', service: 'x' });
    expect(svc.code).toBe(1);
    expect(svc.err).toContain('services in lk-test: a, c, d, e');
    expect((await run({ data: dir, county: 'lk-test' })).code).toBe(0);
  });
});

describe('the coverage matrix of a report', () => {
  it('counts the rules of the profiles the scans recorded, not of every profile ozgwatch knows', async () => {
    const fresh = openSqliteStore({ path: ':memory:', logger: pino({ level: 'silent' }) });
    try {
      await fresh.registerProbes(
        [{ probeId: 'p', name: 'P', kind: 'a11y', service: 'p', county: 'lk-test' }],
        Q4.from,
      );
      // A scan recorded by an ozgwatch with a profile this version does not know.
      const recorded = scan('p', at(10, 5), [page('https://p.example/')], false);
      const a11y = recorded.a11y as NonNullable<Result['a11y']>;
      fresh.save({
        ...recorded,
        a11y: { ...a11y, profile: 'wcag30-draft' },
      });
      await fresh.flush();
      const m = await collectReport(fresh, { period: Q4, now: AFTER_Q4 });
      expect(m.versions.profiles).toEqual(['wcag30-draft']);
      expect(m.coverage).toEqual(coverageMatrix(['wcag30-draft']));
      expect(m.coverage.filter((r) => r.coverage === 'partial')).toEqual([]);
    } finally {
      await fresh.close();
    }
  });

  it('is the matrix of every profile when no scan recorded one', async () => {
    const fresh = openSqliteStore({ path: ':memory:', logger: pino({ level: 'silent' }) });
    try {
      await fresh.registerProbes(
        [{ probeId: 'h', name: 'H', kind: 'http', service: 'h', county: 'lk-test' }],
        Q4.from,
      );
      fresh.save(result('h', 'http', at(10, 5), 'pass'));
      await fresh.flush();
      const m = await collectReport(fresh, { period: Q4, now: AFTER_Q4 });
      expect(m.versions.profiles).toEqual([]);
      expect(m.coverage).toEqual(coverageMatrix());
    } finally {
      await fresh.close();
    }
  });
});
