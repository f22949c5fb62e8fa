import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Browser } from 'playwright';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PDFDict, PDFDocument, PDFHexString, PDFName } from 'pdf-lib';
import { axeViolations } from '../fixtures/axe-violations.ts';
import { classifyDocument } from '../../src/checkers/a11y/classify.ts';
import { pdfUaProblems } from '../../src/checkers/a11y/pdf-ua-checks.ts';
import { generateReport, type GeneratedReport } from '../../src/report/generate.ts';
import type { ReportModel } from '../../src/report/model.ts';
import { parseDays, parseQuarter, previousPeriod, quarterPeriod } from '../../src/report/period.ts';
import { renderHtml } from '../../src/report/html.ts';
import { buildTables } from '../../src/report/tables.ts';
import { TEXTS } from '../../src/report/texts.ts';
import { CHROMIUM_ARGS, chromiumExecutable } from '../../src/runner/browser-host.ts';
import { openSqliteStore, type SqliteStore } from '../../src/store/sqlite.ts';
import { HOSTILE, KFZ_Q4, Q4, seedQuarter } from './seed.ts';

let dir: string;
let store: SqliteStore;
let browser: Browser;
let report: GeneratedReport;
/** After the seeded quarter: the reports here are final, whatever day the tests run on. */
const AFTER_Q4 = Q4.to + 86_400_000;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'ozgwatch-report-'));
  store = openSqliteStore({ path: path.join(dir, 'store.db'), logger: pino({ level: 'silent' }) });
  await seedQuarter(store);
  report = await generateReport(store, {
    period: Q4,
    now: AFTER_Q4,
    formats: ['html', 'pdf', 'csv', 'json'],
    lang: 'de',
    outDir: path.join(dir, 'out'),
  });
  const executablePath = await chromiumExecutable();
  browser = await chromium.launch({
    ...(executablePath ? { executablePath } : {}),
    args: [...CHROMIUM_ARGS],
  });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await store?.close();
  await rm(dir, { recursive: true, force: true });
});

const HOUR = 3_600_000;

/** ozgwatch's PDF/UA machine checks over every page of a file. */
async function uaProblems(bytes: Uint8Array): Promise<string[]> {
  return pdfUaProblems(await PDFDocument.load(bytes, { updateMetadata: false }), bytes);
}

/** Text of the report's HTML, whose escapes are all numeric (`&#38;`). */
function decodeEntities(html: string): string {
  return html.replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code)));
}

describe('report periods', () => {
  it('cuts quarters at midnight in Berlin, summer or winter time', () => {
    // 1 October is in summer time (UTC+2), 1 January in winter time (UTC+1).
    expect(new Date(Q4.from).toISOString()).toBe('2026-09-30T22:00:00.000Z');
    expect(new Date(Q4.to).toISOString()).toBe('2026-12-31T23:00:00.000Z');
    // Q4 has one hour more than 92 days: the clocks go back on 25 October.
    expect((Q4.to - Q4.from) / HOUR).toBe(92 * 24 + 1);
    expect(parseQuarter('2026-Q2').firstDay).toBe('2026-04-01');
    expect(parseQuarter('2026-Q1').lastDay).toBe('2026-03-31');
    expect(() => parseQuarter('2026-Q5')).toThrow(/--quarter: expected a quarter like 2026-Q4/);
    // Years below 100 would be read as 19xx by Date.UTC: no such report.
    expect(() => parseQuarter('0001-Q1')).toThrow(/--quarter: reports cover periods from 2000 on/);
    expect(() => parseDays('0099-01-01', '2026-01-01')).toThrow(/--from: reports cover periods/);
    const days = parseDays('2026-10-01', '2026-12-31');
    expect([days.from, days.to]).toEqual([Q4.from, Q4.to]);
    expect(() => parseDays('2026-12-01', '2026-11-01')).toThrow(/before --from/);
    // Days the calendar does not have are named, not rolled over into the next month.
    expect(() => parseDays('2026-02-30', '2026-03-01')).toThrow(
      '--from: expected a date like 2026-10-01, got "2026-02-30"',
    );
    expect(() => parseDays('2026-01-01', '2026-13-01')).toThrow(/--to: expected a date/);
    expect(parseDays('2028-02-29', '2028-02-29').firstDay).toBe('2028-02-29');
    // The period before a range of days is as many whole days, from midnight in Berlin, also
    // when the clocks changed in between (25 October): 2 to 31 October before November.
    const before = previousPeriod(parseDays('2026-11-01', '2026-11-30'));
    expect([before.firstDay, before.lastDay]).toEqual(['2026-10-02', '2026-10-31']);
    expect(new Date(before.from).toISOString()).toBe('2026-10-01T22:00:00.000Z');
    expect(before.to).toBe(parseDays('2026-11-01', '2026-11-30').from);
  });
});

describe('the quarterly report, from a seeded store', () => {
  it('balances the issue patterns of the quarter', () => {
    const c = report.model.changes;
    // Open at start: P1 (kfz) and P3 (hund). New: P4 on two services and the journey's
    // slider on the error page. Reopened: P5. Fixed: P3. P2 came and went. P6 is waived.
    expect(c).toMatchObject({
      openAtStart: 2,
      new: 3,
      reopened: 1,
      fixed: 1,
      openAtEnd: 5,
      persisting: 1,
      transient: 1,
    });
    if (!c) throw new Error('the seeded quarter has scans');
    expect(c.openAtStart + c.new + c.reopened - c.fixed).toBe(c.openAtEnd);
    // P2 (26 days and 23 hours: the scans run at 08:00 after the clocks went back) and P3 (84 days).
    expect(c.medianDaysToFix.critical).toBeCloseTo(55.5, 1);
    expect(report.model.byImpact).toEqual({ critical: 2, serious: 3, moderate: 0, minor: 0 });
  });

  it('reports each service with its own figures and the previous quarter', () => {
    const byService = Object.fromEntries(report.model.services.map((s) => [s.service, s]));
    expect(byService['kfz-zulassung']).toMatchObject({
      county: 'lk-boeblingen',
      openPatterns: { critical: 1, serious: 1, moderate: 0, minor: 0 },
      openPatternsBefore: 1,
      bitvPassed: 9,
      bitvChecked: 10,
      // The Vollmacht claims PDF/UA and fails its machine checks: tagged ("partial"), not
      // accessible; the other is a scan.
      documentsAccessible: 0,
      documentsTagged: 1,
      documentsChecked: 2,
      maturity: 4,
      endToEndDigital: true,
    });
    expect(byService['wohngeld']).toMatchObject({
      waived: 1,
      openPatternsBefore: 0,
      maturity: 2,
      endToEndDigital: false,
    });
    const kpi = Object.fromEntries(report.model.kpis.map((k) => [k.id, [k.value, k.previous]]));
    expect(kpi.services).toEqual([3, 3]);
    expect(kpi.servicesWithSevereIssues).toEqual([3, 2]);
    expect(kpi.openPatterns).toEqual([5, 2]);
    expect(kpi.bitvCompliance).toEqual([17 / 20, 17 / 20]);
    // Only wohngeld's Merkblatt (PDF/UA claim, checks passed) of four documents.
    expect(kpi.accessibleDocuments).toEqual([0.25, 0.25]);
  });

  it('counts availability without maintenance and without runs ozgwatch could not carry out', () => {
    const kfz = report.model.availability.find((a) => a.service === 'kfz-zulassung');
    const hours = 92 * 24 + 1;
    const journeys = 92;
    const runs = hours - KFZ_Q4.maintenance + journeys;
    expect(kfz).toMatchObject({ runs, errors: KFZ_Q4.errors, maintenance: KFZ_Q4.maintenance });
    // One row per week (the quarter starts on a Thursday: 14 weeks, the last one short).
    const weekly = report.model.availabilityWeekly.filter((w) => w.service === 'kfz-zulassung');
    expect(weekly.map((w) => w.week)).toHaveLength(14);
    expect(weekly[0]?.week).toBe('2026-10-01');
    expect(weekly.filter((w) => w.availability === 1)).toHaveLength(13);
    expect(kfz?.availability).toBeCloseTo(
      (runs - KFZ_Q4.errors - KFZ_Q4.failures) / (runs - KFZ_Q4.errors),
      10,
    );
  });

  it('covers journeys, shared components, waivers, review items and media breaks', () => {
    expect(report.model.journeys).toEqual([
      expect.objectContaining({
        probeId: 'kfz-journey',
        steps: 6,
        scanSteps: 3,
        pagesScanned: 3,
        stepsWithSevere: 1,
        errorPageCovered: true,
        confirmationPageCovered: true,
        blockedRequests: 1,
      }),
    ]);
    expect(report.model.shared).toEqual([
      expect.objectContaining({
        ruleId: 'link-name',
        services: 2,
        occurrences: 2,
        serviceList: ['lk-boeblingen/hundesteuer', 'stadt-ulm/wohngeld'],
      }),
    ]);
    expect(report.model.waivers).toEqual([
      expect.objectContaining({
        service: 'wohngeld',
        ruleId: 'region',
        expires: '2027-06-30',
        nodes: 1,
      }),
    ]);
    expect(report.model.review).toEqual([
      expect.objectContaining({
        service: 'kfz-zulassung',
        ruleId: 'color-contrast',
        pages: 1,
        nodes: 1,
      }),
    ]);
    const wohngeld = report.model.mediaBreaks.find((m) => m.service === 'wohngeld');
    expect(wohngeld).toMatchObject({ level: 2, levelBefore: 2, appeared: 1, disappeared: 0 });
    expect(wohngeld?.breaks.map((b) => b.kind)).toEqual([
      'handwritten-signature',
      'postal-submission',
    ]);
    expect(report.model.mediaBreaks.find((m) => m.service === 'kfz-zulassung')).toMatchObject({
      level: 4,
      levelBefore: 3,
    });
  });

  it('gives every chart a data table with the same numbers', async () => {
    const html = report.html;
    for (const id of ['trend', 'ranked', 'heatmap', 'document-classes', 'availability-lowest']) {
      expect(html, id).toContain(`Daten zur Grafik: `);
    }
    const trend = await readCsv('trend');
    // The last week: P1, P4 ×2 serious; P5 and the journey's slider critical.
    expect(trend.at(-1)).toEqual(['2026-12-31', '2', '3', '0', '0']);
    expect(trend[0]).toEqual(['week', 'critical', 'serious', 'moderate', 'minor']);
    const heatmap = await readCsv('heatmap');
    expect(heatmap.find((r) => r[1] === 'wohngeld')).toEqual([
      'stadt-ulm',
      'wohngeld',
      '0',
      '1',
      '0',
      '2',
    ]);
    const classes = await readCsv('document-classes');
    // One scanned, one untagged, two claiming PDF/UA (one of them failing its checks).
    expect(classes.slice(1).map((r) => [r[0], Number(r[1])])).toEqual([
      ['scanned', 1],
      ['untagged', 1],
      ['pdfua', 2],
    ]);
    expect(html.match(/<svg role="img" aria-label="/g)?.length).toBe(5);
  });

  it('writes every table as CSV, with formulas from watched sites defused', async () => {
    const files = (await readdir(path.join(dir, 'out'))).filter((f) => f.endsWith('.csv'));
    const json = JSON.parse(
      await readFile(path.join(dir, 'out', 'ozgwatch-report-2026-Q4.json'), 'utf8'),
    ) as { tables: Record<string, unknown>; model: ReportModel };
    expect(files.map((f) => f.replace(/^ozgwatch-report-2026-Q4\.|\.csv$/g, '')).sort()).toEqual(
      Object.keys(json.tables).sort(),
    );
    const findings = await readCsv('findings');
    expect(findings[0]).toEqual([
      'county',
      'service',
      'rule',
      'wcag',
      'impact',
      'page',
      'selector',
      'state',
      'first_seen',
      'fixed_at',
      'reopened',
    ]);
    const p3 = findings.find((r) => r[2] === 'label');
    expect(p3?.slice(7, 10)).toEqual(['fixed', '2026-08-10', '2026-11-02']);
    const services = await readCsv('services');
    // county, service, admin_level, ags, probes, availability …
    expect(services.find((r) => r[1] === 'kfz-zulassung')?.[5]).toBe(
      String(json.model.services[1]?.availability),
    );
    expect(json.model.dataHash).toMatch(/^[0-9a-f]{64}$/);
    // A document title that a spreadsheet would run as a formula stays text.
    const documents = await readFile(
      path.join(dir, 'out', 'ozgwatch-report-2026-Q4.documents.csv'),
      'utf8',
    );
    expect(documents).toContain(`"'=HYPERLINK(""https://evil.example"",""Antrag"")"`);
    expect(documents).not.toMatch(/,"?=HYPERLINK/);
    // A PDF/UA claim with its machine checks: failed (clauses, each once), passed.
    expect(documents.split('\r\n')[0]).toContain(',pdfua,pdfua_checks,');
    const row = (file: string): string =>
      documents.split('\r\n').find((r) => r.includes(file)) ?? '';
    expect(row('vollmacht.pdf')).toContain(',true,"nicht bestanden (7.3, 7.21.4.1)",');
    expect(row('merkblatt.pdf')).toContain(',true,bestanden,');
    expect(row('wohngeld-antrag.pdf')).toContain(',false,,');
    // Form fields, and of them those a screen reader cannot name.
    expect(documents.split('\r\n')[0]).toContain(',form_fields,form_fields_unnamed,');
    expect(row('wohngeld-antrag.pdf')).toContain(',3,2,');
  });

  it('escapes everything that came from a watched page', async () => {
    expect(report.html).not.toContain('<script>window.__owned');
    expect(report.html).not.toContain('<img src=x');
    expect(report.html).toContain('&#60;script&#62;window.__owned=1&#60;/script&#62;');
    const page = await browser.newPage();
    try {
      await page.setContent(report.html);
      expect(
        await page.evaluate(() => (globalThis as unknown as { __owned?: number }).__owned),
      ).toBeUndefined();
      expect(await page.locator('main script, main img').count()).toBe(0);
      // The hostile text shows as text, where the site put it.
      const shown = await page.locator('main').textContent();
      expect(shown).toContain(HOSTILE);
    } finally {
      await page.close();
    }
  });

  it('is accessible and self-contained', async () => {
    const context = await browser.newContext();
    const requests: string[] = [];
    await context.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith('file://')) return route.continue();
      requests.push(url);
      return route.abort();
    });
    const page = await context.newPage();
    try {
      await page.goto(`file://${path.join(dir, 'out', 'ozgwatch-report-2026-Q4.html')}`);
      expect(requests, 'requests the report made').toEqual([]);
      expect(await axeViolations(page)).toEqual([]);
      expect(await page.locator('h1').count()).toBe(1);
      expect(await page.getAttribute('html', 'lang')).toBe('de');
    } finally {
      await context.close();
    }
  }, 60_000);

  it('prints a PDF/UA-1 file: every machine check passes, links say where they go', async () => {
    const bytes = await readFile(path.join(dir, 'out', 'ozgwatch-report-2026-Q4.pdf'));
    const info = await classifyDocument('file:report.pdf', bytes);
    expect(info.class).toBe('pdfua');
    const title = decodeEntities(/<title>([^<]+)<\/title>/.exec(report.html)![1]!);
    expect(info).toMatchObject({ pdfuaPart: 1, lang: 'de', title });
    expect(info.pages).toBeGreaterThan(3);
    expect(await uaProblems(new Uint8Array(bytes))).toEqual([]);
    // Each entry of the table of contents is a link whose description is the entry's text.
    const doc = await PDFDocument.load(bytes, { updateMetadata: false });
    const links = new Map<string, string>();
    for (const page of doc.getPages()) {
      for (const ref of page.node.Annots()?.asArray() ?? []) {
        const annot = doc.context.lookup(ref, PDFDict);
        const dest = annot.get(PDFName.of('Dest'));
        const contents = annot.get(PDFName.of('Contents'));
        if (dest instanceof PDFName && contents instanceof PDFHexString) {
          links.set(dest.decodeText(), contents.decodeText());
        }
      }
    }
    const toc = [...report.html.matchAll(/<li><a href="#([^"]+)">([^<]+)<\/a><\/li>/g)];
    expect(toc.length).toBeGreaterThan(5);
    for (const [, id, heading] of toc) expect(links.get(id!)).toBe(decodeEntities(heading!));
  }, 60_000);

  it("finds in Chromium's own tagged print what the report's PDF mends", async () => {
    const page = await browser.newPage();
    try {
      await page.setContent(report.html);
      const printed = await page.pdf({ tagged: true, printBackground: true });
      const problems = (await uaProblems(new Uint8Array(printed))).join('\n');
      expect(problems).toMatch(/^5: no XMP metadata/m);
      expect(problems).toMatch(/^7\.1: page 1 has \d+ marks outside tags and artifacts/m);
      expect(problems).toMatch(/^7\.3: a Figure has no alternative text/m);
      expect(problems).toMatch(/^7\.18\.5: a link on page \d+ has no \/Contents/m);
      expect(problems).toMatch(/^7\.1: structure type Strong is not standard/m);
    } finally {
      await page.close();
    }
  }, 60_000);

  it('is reproducible: same data, same report; more data, another hash', async () => {
    const again = await generateReport(store, {
      period: Q4,
      now: AFTER_Q4,
      formats: [],
      lang: 'de',
      outDir: dir,
    });
    expect(again.html).toBe(report.html);
    expect(again.model.dataHash).toBe(report.model.dataHash);
    expect(report.html).toContain(report.model.dataHash);
    const other = openSqliteStore({
      path: path.join(dir, 'other.db'),
      logger: pino({ level: 'silent' }),
    });
    try {
      await seedQuarter(other);
      const late = (await other.runs({ probeId: 'wg-http', limit: 1 }))[0];
      other.save({
        ...(await other.run(late!.runId))!,
        runId: 'extra',
        startedAt: Q4.to - 1000,
        status: 'fail',
      });
      const changed = await generateReport(other, {
        period: Q4,
        now: AFTER_Q4,
        formats: [],
        lang: 'de',
        outDir: dir,
      });
      expect(changed.model.dataHash).not.toBe(report.model.dataHash);
    } finally {
      await other.close();
    }
  }, 60_000);

  it('names each finding in words an officer reads without knowing axe-core', async () => {
    const tables = buildTables(report.model, TEXTS.de, 'de');
    const linkName = tables.get('top-rules')?.rows.find((r) => r.rule === 'link-name');
    // The scans stored axe-core's English description; the German report says it in German,
    // with the criteria's titles and who is shut out.
    expect(linkName).toMatchObject({
      help: 'Links müssen wahrnehmbaren Text beinhalten.',
      wcag: '2.4.4, 4.1.2',
      criteria: '2.4.4 Linkzweck (im Kontext); 4.1.2 Name, Rolle, Wert',
    });
    expect(String(linkName?.affected)).toContain('blinde Menschen mit Screenreader');
    expect(tables.get('oldest-open')?.rows[0]).toMatchObject({
      rule: 'color-contrast',
      help: 'Elemente müssen einen ausreichenden Farbkontrast haben.',
      criteria: '1.4.3 Kontrast (Minimum)',
    });
    expect(tables.get('findings')?.rows.find((r) => r.rule === 'label')?.wcag).toBe('4.1.2');
    const text = decodeEntities(report.html).replace(/\u00ad/g, '');
    expect(text).toContain(
      'Mangel in kfz-zulassung (lk-boeblingen) beheben – Elemente müssen einen ausreichenden Farbkontrast haben (WCAG 1.4.3 Kontrast (Minimum); Regel color-contrast): seit 152 Tagen offen. Frist 2026-10-30, überfällig seit 62 Tagen; verantwortlich: Zulassungsstelle Böblingen.',
    );
    expect(text).not.toContain('Required ARIA attributes must be provided');
    // The English report keeps axe-core's own words.
    const en = buildTables(report.model, TEXTS.en, 'en').get('top-rules')?.rows;
    expect(en?.find((r) => r.rule === 'link-name')?.help).toBe('Links must have discernible text');
  });

  it('writes the median days to fix with the decimal comma of a German report', async () => {
    const html = decodeEntities(report.html);
    expect(html).toMatch(/>kritisch<\/t[hd]><td class="num">55,5<\/td>/);
    expect(html).not.toContain('55.5');
    const en = renderHtml({
      model: report.model,
      tables: buildTables(report.model, TEXTS.en, 'en'),
      charts: new Map(),
      texts: TEXTS.en,
      lang: 'en',
    });
    expect(decodeEntities(en)).toMatch(/>critical<\/t[hd]><td class="num">55.5<\/td>/);
  });

  it('speaks English on request and narrows to a county', async () => {
    const en = await generateReport(store, {
      period: Q4,
      now: AFTER_Q4,
      scope: { county: 'stadt-ulm' },
      formats: [],
      lang: 'en',
      outDir: dir,
    });
    expect(en.html).toContain('<html lang="en">');
    expect(en.html).toContain('Quarterly accessibility report 2026-Q4');
    expect(en.model.services.map((s) => s.service)).toEqual(['wohngeld']);
    expect(en.model.changes).toMatchObject({ openAtStart: 0, new: 1, reopened: 1, openAtEnd: 2 });
  });

  it('reports a quarter without data as empty, not as an error', async () => {
    const empty = await generateReport(store, {
      period: quarterPeriod(2025, 1),
      formats: [],
      lang: 'de',
      outDir: dir,
    });
    expect(empty.model.services).toEqual([]);
    expect(empty.model.dataUntil).toBeNull();
    expect(empty.html).toContain('keine Daten');
    // An empty period never reads as all clear.
    expect(empty.html).toContain('Keine Daten im Zeitraum');
    expect(empty.html).not.toContain('Keine offenen kritischen oder schweren Mängel');
    expect(empty.html).not.toContain('Am Ende des Zeitraums');
  });

  it('writes codes, not words, for impact, document class, finding state and coverage in CSV and JSON', async () => {
    const en = await generateReport(store, {
      period: Q4,
      now: AFTER_Q4,
      formats: ['csv', 'json'],
      lang: 'en',
      outDir: path.join(dir, 'out-en'),
    });
    const ids = [
      'by-impact',
      'top-rules',
      'oldest-open',
      'shared-components',
      'median-days-to-fix',
      'documents',
      'document-classes',
      'findings',
      'by-principle',
      'changes',
      'data-quality',
    ];
    type Tables = Record<string, { rows: Record<string, unknown>[] }>;
    const tablesOf = async (file: string): Promise<Tables> =>
      (JSON.parse(await readFile(file, 'utf8')) as { tables: Tables }).tables;
    const de = await tablesOf(path.join(dir, 'out', 'ozgwatch-report-2026-Q4.json'));
    const english = await tablesOf(path.join(dir, 'out-en', 'ozgwatch-report-2026-Q4-en.json'));
    // The same cells in both languages, but for words: the documents' PDF/UA checks, and
    // what a rule asks, the criteria's titles and who is shut out.
    const cells = (t: Tables, id: string): unknown =>
      t[id]?.rows.map(({ pdfua_checks: _, help: _h, criteria: _c, affected: _a, ...row }) => row);
    for (const id of ids) expect(cells(english, id), id).toEqual(cells(de, id));
    const codes = (id: string, column: string): Promise<string[]> =>
      readCsv(id).then(([head = [], ...rows]) => rows.map((r) => r[head.indexOf(column)] ?? ''));
    expect(new Set(await codes('findings', 'impact'))).toEqual(
      new Set(['critical', 'serious', 'moderate']),
    );
    expect(new Set(await codes('findings', 'state'))).toEqual(new Set(['open', 'fixed', 'waived']));
    expect(await codes('documents', 'class')).toEqual(
      expect.arrayContaining(['scanned', 'untagged', 'pdfua']),
    );
    expect(await codes('changes', 'measure')).toEqual(
      expect.arrayContaining(['openAtStart', 'new', 'reopened', 'fixed', 'openAtEnd']),
    );
    expect(await codes('data-quality', 'measure')).toContain('errorRuns');
    expect(await codes('by-principle', 'principle')).toEqual(['1', '2', '3', '4']);
    expect(new Set(de.coverage?.rows.map((r) => r.coverage))).toEqual(
      new Set(['partial', 'manual']),
    );
    expect(en.files).toContain(path.join(dir, 'out-en', 'ozgwatch-report-2026-Q4-en.findings.csv'));
    // The HTML still shows the words of the report's language.
    expect(decodeEntities(report.html)).toMatch(/<td>behoben<\/td>/);
    expect(decodeEntities(report.html)).toMatch(
      /<td>eingescannt \(nur Bild\)<\/td>|<th scope="row">eingescannt \(nur Bild\)<\/th>/,
    );
    expect(report.html).not.toMatch(/<td>fixed<\/td>/);
    expect(decodeEntities(report.html)).toContain('<th scope="row">offen zu Beginn</th>');
    expect(decodeEntities(report.html)).toContain('<th scope="row">1 Wahrnehmbar</th>');
  });
});

async function readCsv(id: string): Promise<string[][]> {
  const text = await readFile(path.join(dir, 'out', `ozgwatch-report-2026-Q4.${id}.csv`), 'utf8');
  return text
    .trimEnd()
    .split('\r\n')
    .map((line) => line.split(','));
}
