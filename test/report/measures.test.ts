/**
 * What an accessibility officer of a Landratsamt looks for beyond the findings (DOMAIN B3):
 * the scope by level of administration and municipality, the measures with owner and due
 * date (§10), a glossary and a summary in Leichte Sprache (§11), on a small real store.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.ts';
import { loadProbes } from '../../src/probes/loader.ts';
import { collectReport } from '../../src/report/collect.ts';
import { generateReport, type GeneratedReport } from '../../src/report/generate.ts';
import type { ReportModel } from '../../src/report/model.ts';
import type { A11yFinding, A11yPage, Result } from '../../src/results/result.ts';
import { openSqliteStore, type SqliteStore } from '../../src/store/sqlite.ts';
import { at, DAY, runBuilder } from './runs.ts';
import { Q4 } from './seed.ts';

const AFTER_Q4 = Q4.to + 10 * DAY;
const result = runBuilder('ms');

let dir: string;
let store: SqliteStore;
let report: GeneratedReport;
let english: GeneratedReport;

function finding(ruleId: string, impact: string, pattern: string, occurrence: string): A11yFinding {
  return {
    ruleId,
    impact,
    tags: ['wcag2a', 'wcag111'],
    wcag: ruleId === 'image-alt' ? ['1.1.1'] : [],
    en301549: [],
    help: ruleId,
    helpUrl: '',
    nodes: [
      {
        target: [occurrence],
        ancestry: [occurrence],
        html: `<div class="${pattern}">`,
        occurrence,
        pattern,
      },
    ],
  };
}

function scan(probeId: string, startedAt: number, url: string, violations: A11yFinding[]): Result {
  const page: A11yPage = { url, seconds: 0.1, violations, incomplete: [] };
  return result(probeId, 'a11y', startedAt, violations.length > 0 ? 'fail' : 'pass', {
    a11y: { engine: { name: 'axe-core', version: '4.14.1' }, profile: 'en-301-549', pages: [page] },
  });
}

/**
 * Three services of one county, scanned daily through Q4:
 * - a (Kreis, AGS 08115000, owner "Web-Team Landratsamt"): image-alt (critical) since
 *   1 October — past its 30 days at the end; region (minor) since 20 December.
 * - b (Gemeinde, AGS 08115003): its scan names no owner, its HTTP probe "IT Böblingen"; it
 *   shares the button component (button-name, serious) with a since 1 December.
 * - c: no owner, no level, no AGS: a moderate pattern since 15 December.
 */
async function seed(s: SqliteStore): Promise<void> {
  await s.registerProbes(
    [
      {
        probeId: 'a-a11y',
        name: 'A scan',
        kind: 'a11y',
        service: 'a',
        county: 'lk-x',
        ags: '08115000',
        owner: 'Web-Team Landratsamt',
        adminLevel: 'kreis',
      },
      {
        probeId: 'b-a11y',
        name: 'B scan',
        kind: 'a11y',
        service: 'b',
        county: 'lk-x',
        ags: '08115003',
        adminLevel: 'gemeinde',
      },
      {
        probeId: 'b-http',
        name: 'B up',
        kind: 'http',
        service: 'b',
        county: 'lk-x',
        owner: 'IT Böblingen',
        adminLevel: 'gemeinde',
      },
      { probeId: 'c-a11y', name: 'C scan', kind: 'a11y', service: 'c', county: 'lk-x' },
    ],
    Q4.to,
  );
  for (let t = at(10, 1); t < Q4.to; t += DAY) {
    const a = [finding('image-alt', 'critical', 'img', 'a-img')];
    const b: A11yFinding[] = [];
    const c: A11yFinding[] = [];
    if (t >= at(12, 1, 0)) {
      a.push(finding('button-name', 'serious', 'btn', 'a-btn'));
      b.push(finding('button-name', 'serious', 'btn', 'b-btn'));
    }
    if (t >= at(12, 20, 0)) a.push(finding('region', 'minor', 'reg', 'a-reg'));
    if (t >= at(12, 15, 0)) c.push(finding('heading-order', 'moderate', 'hdg', 'c-hdg'));
    s.save(scan('a-a11y', t, 'https://a.example/', a));
    s.save(scan('b-a11y', t, 'https://b.example/', b));
    s.save(scan('c-a11y', t, 'https://c.example/', c));
    s.save(result('b-http', 'http', t, 'pass'));
  }
  await s.flush();
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'ozgwatch-measures-'));
  store = openSqliteStore({ path: path.join(dir, 'store.db'), logger: pino({ level: 'silent' }) });
  await seed(store);
  const request = { period: Q4, now: AFTER_Q4, formats: ['html', 'csv', 'json'] as const };
  report = await generateReport(store, {
    ...request,
    formats: [...request.formats],
    lang: 'de',
    outDir: path.join(dir, 'de'),
  });
  english = await generateReport(store, {
    ...request,
    formats: ['html'],
    lang: 'en',
    outDir: path.join(dir, 'en'),
  });
}, 60_000);

afterAll(async () => {
  await store?.close();
  await rm(dir, { recursive: true, force: true });
});

/** The HTML's text, tags dropped and numeric escapes read. */
function text(html: string): string {
  return html
    .replace(/<[^>]*>/g, ' ')
    .replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code)))
    .replace(/\u00ad/g, '')
    .replace(/\s+/g, ' ');
}

function section(html: string, id: string): string {
  const start = html.indexOf(`<section aria-labelledby="${id}"`);
  expect(start, `section ${id}`).toBeGreaterThan(-1);
  return html.slice(start, html.indexOf('</section>', start));
}

const byRule = (m: ReportModel, rule: string) => {
  const found = m.measures.find((x) => x.ruleId === rule);
  if (!found) throw new Error(`no measure for ${rule}`);
  return found;
};

async function csv(name: string): Promise<string[][]> {
  const file = path.join(dir, 'de', `ozgwatch-report-2026-Q4.${name}.csv`);
  return (await readFile(file, 'utf8'))
    .trim()
    .split('\r\n')
    .map((line) => line.split(','));
}

describe('levels of administration and scope', () => {
  it('reads the level and owner of each service from the store', () => {
    const s = Object.fromEntries(report.model.services.map((x) => [x.service, x]));
    expect(s.a).toMatchObject({ adminLevel: 'kreis', ags: '08115000' });
    expect(s.b).toMatchObject({ adminLevel: 'gemeinde', owners: ['IT Böblingen'] });
    expect(s.c?.adminLevel).toBeUndefined();
  });

  it('gives the scope by level and municipality on the cover', () => {
    const cover = text(report.html.slice(0, report.html.indexOf('<nav')));
    expect(cover).toContain(
      'Verwaltungsebenen Kreis: 1 Dienst; Gemeinde: 1 Dienst; nicht angegeben: 1 Dienst',
    );
    expect(cover).toContain('Gebiete mit Gemeindeschlüssel (AGS) 08115000 (lk-x), 08115003 (lk-x)');
    expect(text(english.html.slice(0, english.html.indexOf('<nav')))).toContain(
      'Levels of administration County: 1 service; Municipality: 1 service; not given: 1 service',
    );
  });

  it('lists each service with its level and splits the ranking by level', async () => {
    const services = await csv('services');
    const head = services[0] ?? [];
    const rowOf = (name: string) => services.find((r) => r[1] === name) ?? [];
    expect(rowOf('a')[head.indexOf('admin_level')]).toBe('kreis');
    expect(rowOf('c')[head.indexOf('admin_level')]).toBe('');
    expect(rowOf('b')[head.indexOf('ags')]).toBe('08115003');
    // Services with critical or serious patterns: a (2) and b (1), each under its level.
    expect(report.model.byLevel).toEqual([
      { level: 'kreis', services: 1, scanned: 1, severeServices: 1, severePatterns: 2 },
      { level: 'gemeinde', services: 1, scanned: 1, severeServices: 1, severePatterns: 1 },
      { level: 'none', services: 1, scanned: 1, severeServices: 0, severePatterns: 0 },
    ]);
    const ranked = await csv('ranked');
    expect(ranked.map((r) => [r[1], r[2]])).toEqual([
      ['service', 'admin_level'],
      ['a', 'kreis'],
      ['b', 'gemeinde'],
    ]);
    const findings = text(section(report.html, 'findings'));
    expect(findings).toContain('Dienste nach Verwaltungsebene');
    expect(findings).toMatch(/Kreis 1 1 1 2 Gemeinde 1 1 1 1 nicht angegeben 1 1 0 0/);
  });
});

describe('Empfehlungen und Maßnahmen', () => {
  it('makes every open pattern a measure, a shared component one measure', () => {
    const m = report.model;
    expect(m.measures.map((x) => x.ruleId).sort()).toEqual(
      ['button-name', 'heading-order', 'image-alt', 'region'].sort(),
    );
    expect(byRule(m, 'button-name')).toMatchObject({
      serviceList: ['lk-x/a', 'lk-x/b'],
      adminLevels: ['kreis', 'gemeinde'],
      occurrences: 2,
    });
  });

  it('ranks by impact × reach × age', () => {
    const m = report.model;
    // image-alt: 4 × (1 service + 1 occurrence) × (1 + 91 days / 90); button-name 3 × 4 × (1 + 30/90).
    expect(byRule(m, 'image-alt')).toMatchObject({ ageDays: 91, priority: 16.1, rank: 1 });
    expect(byRule(m, 'button-name')).toMatchObject({ ageDays: 30, priority: 16, rank: 2 });
    expect(m.measures.map((x) => x.rank)).toEqual([1, 2, 3, 4]);
    expect(m.measures.map((x) => x.priority)).toEqual(
      [...m.measures.map((x) => x.priority)].sort((a, b) => b - a),
    );
  });

  it('names the owners, several for a shared component, or says there is none', () => {
    const m = report.model;
    expect(byRule(m, 'image-alt').owners).toEqual(['Web-Team Landratsamt']);
    // b's scan names no owner: its HTTP probe's owner answers for b.
    expect(byRule(m, 'button-name').owners).toEqual(['IT Böblingen', 'Web-Team Landratsamt']);
    expect(byRule(m, 'heading-order').owners).toEqual([]);
    const body = text(section(report.html, 'measures'));
    expect(body).toContain('IT Böblingen; Web-Team Landratsamt');
    expect(body).toMatch(/heading-order .*nicht festgelegt/);
  });

  it('sets the due date from first seen and the impact, and says overdue in words', async () => {
    const m = report.model;
    const img = byRule(m, 'image-alt');
    expect(img.due).toBe(img.firstSeen + 30 * DAY);
    expect(img).toMatchObject({ overdue: true, daysOverdue: 61 });
    const btn = byRule(m, 'button-name');
    expect(btn.due).toBe(btn.firstSeen + 90 * DAY);
    expect(btn).toMatchObject({ overdue: false, daysOverdue: 0 });
    const body = text(section(report.html, 'measures'));
    expect(body).toContain(
      'Fristen ab dem ersten Fund: kritisch 30 Tage, schwer 90 Tage, mittel 180 Tage, gering 365 Tage.',
    );
    expect(body).toMatch(/image-alt .* 2026-10-31 überfällig seit 61 Tagen/);
    expect(body).toMatch(/button-name .* 2027-03-01 in der Frist/);
    // The summary's top actions are the head of the same ranking, with due date and owner.
    const actions = [...section(report.html, 'summary').matchAll(/<li>([^<]*)<\/li>/g)].map((x) =>
      text(x[1] ?? ''),
    );
    expect(actions).toHaveLength(2);
    expect(actions[0]).toMatch(
      /^Mangel in a \(lk-x\) beheben – .*Regel image-alt\): seit 91 Tagen offen\. Frist 2026-10-31, überfällig seit 61 Tagen; verantwortlich: Web-Team Landratsamt\.$/,
    );
    expect(actions[1]).toMatch(
      /^Gemeinsame Komponente korrigieren – .*Regel button-name\): behebt 2 Vorkommen in 2 Diensten\. Frist 2027-03-01; verantwortlich: IT Böblingen; Web-Team Landratsamt\.$/,
    );
    // The summary points to the whole list instead of repeating it.
    expect(text(section(report.html, 'summary'))).toContain(
      'Alle 4 Maßnahmen mit Zuständigkeit und Frist stehen im Abschnitt „Empfehlungen und Maßnahmen“; eine ist überfällig.',
    );

    const rows = await csv('measures');
    const head = rows[0] ?? [];
    const img2 = rows.find((r) => r[head.indexOf('rule')] === 'image-alt') ?? [];
    expect(img2[head.indexOf('due')]).toBe('2026-10-31');
    expect(img2[head.indexOf('status')]).toBe('overdue');
    expect(img2[head.indexOf('owner')]).toBe('Web-Team Landratsamt');
    const hdg = rows.find((r) => r[head.indexOf('rule')] === 'heading-order') ?? [];
    expect(hdg[head.indexOf('owner')]).toBe('');
    expect(hdg[head.indexOf('admin_levels')]).toBe('');
    // The page's table keeps to what an officer reads; the numbers behind the order and the
    // levels (in the services table already) are for spreadsheets.
    const pageColumns = [
      ...section(report.html, 'measures').matchAll(/<th scope="col"[^>]*>([^<]*)</g),
    ].map((x) => (x[1] ?? '').replaceAll('\u00ad', '')); // the headings are hyphenated
    expect(pageColumns).toContain('Frist');
    expect(pageColumns).not.toContain('Priorität');
    expect(pageColumns).not.toContain('Verwaltungsebene');
    expect(head).toEqual(expect.arrayContaining(['priority', 'levels', 'admin_levels']));
    const json = JSON.parse(
      await readFile(path.join(dir, 'de', 'ozgwatch-report-2026-Q4.json'), 'utf8'),
    ) as { tables: Record<string, { rows: Record<string, unknown>[] }> };
    expect(json.tables.measures?.rows[0]).toMatchObject({ rule: 'image-alt', status: 'overdue' });
  });

  it('takes the deadlines from the settings', async () => {
    const config = await loadConfig({
      env: {},
      overrides: { reports: { deadlines: { critical: '120d' } } },
    });
    expect(config.reports.deadlines).toEqual({
      critical: 120 * DAY,
      serious: 90 * DAY,
      moderate: 180 * DAY,
      minor: 365 * DAY,
    });
    const m = await collectReport(store, {
      period: Q4,
      now: AFTER_Q4,
      deadlines: config.reports.deadlines,
    });
    expect(byRule(m, 'image-alt')).toMatchObject({ overdue: false, daysOverdue: 0 });
    // Other settings, another report: the hash says so.
    expect(m.dataHash).not.toBe(report.model.dataHash);
    // Due dates are days: due on the period's last day is in time, the day before is overdue.
    const due = async (days: number) =>
      byRule(
        await collectReport(store, {
          period: Q4,
          now: AFTER_Q4,
          deadlines: { ...config.reports.deadlines, critical: days * DAY },
        }),
        'image-alt',
      );
    expect(await due(91)).toMatchObject({ overdue: false, daysOverdue: 0 });
    expect(await due(90)).toMatchObject({ overdue: true, daysOverdue: 1 });
    await expect(
      loadConfig({ env: {}, overrides: { reports: { deadlines: { urgent: '1d' } } } }),
    ).rejects.toThrow(/urgent/);
  });

  it('is reproducible: the same store gives the same bytes', async () => {
    const again = await generateReport(store, {
      period: Q4,
      now: AFTER_Q4,
      formats: ['html'],
      lang: 'de',
      outDir: path.join(dir, 'again'),
    });
    expect(again.html).toBe(report.html);
  });
});

describe('Anhang: glossary and Leichte Sprache', () => {
  it('explains the terms the report uses', () => {
    const body = text(section(report.html, 'glossary'));
    for (const term of [
      'BITV 2.0',
      'WCAG',
      'EN 301 549',
      'Mängelmuster (Muster)',
      'Vorkommen',
      'Leichte Sprache',
      'DGS',
      'PDF/UA',
      'Reifegrad',
      'Medienbruch',
      'Ausnahme (Waiver)',
      'Verwaltungsebene',
    ])
      expect(body).toContain(term);
    expect(text(section(english.html, 'glossary'))).toContain('Media break');
  });

  it('sums up the key figures in Leichte Sprache, marked as such', () => {
    const html = section(report.html, 'easy-read');
    expect(html).toContain('<h2 id="easy-read">Anhang: Zusammenfassung in Leichter Sprache</h2>');
    expect(text(html)).toContain('Dieser Teil ist in Leichter Sprache.');
    const sentences = [...html.matchAll(/<p>([^<]*)<\/p>/g)].map((x) => x[1] ?? '');
    expect(sentences).toContain(
      'Der Bericht ist für diese Zeit: 1. Oktober 2026 bis 31. Dezember 2026.',
    );
    expect(sentences).toContain(
      'Ein Computer-Programm hat 3 Online-Dienste auf Barriere-Freiheit geprüft.',
    );
    // Five open patterns (the shared button on two services), four measures.
    expect(sentences).toContain('Am 31. Dezember 2026 gab es 5 Probleme.');
    expect(sentences).toContain('Die Verwaltung hat 4 Aufgaben für die Probleme.');
    expect(sentences).toContain('2 von 3 Online-Diensten haben schwere Probleme.');
    expect(sentences).toContain('Bei 1 von 4 Aufgaben ist der Termin schon vorbei.');
    // One statement per sentence: short (numbers are no words), compounds split by a hyphen,
    // no passive.
    for (const s of sentences) {
      expect(s.split(' ').filter((w) => /\p{L}/u.test(w)).length, s).toBeLessThanOrEqual(12);
      expect(s, s).not.toMatch(/Barrierefreiheit|Computerprogramm|Onlinedienst/);
      expect(s, s).not.toMatch(/\b(wurde|wurden|worden)\b/);
    }
    expect(text(section(english.html, 'easy-read'))).toContain(
      'On 31 December 2026 there were 5 problems.',
    );
  });

  it('says nothing is known when nothing ran', async () => {
    const empty = await generateReport(store, {
      period: { ...Q4, from: Q4.to + 200 * DAY, to: Q4.to + 201 * DAY },
      now: AFTER_Q4 + 400 * DAY,
      formats: [],
      lang: 'de',
      outDir: dir,
    });
    const body = text(section(empty.html, 'easy-read'));
    expect(body).toContain('In dieser Zeit gab es keine Prüfung.');
    expect(body).not.toContain('Probleme gefunden');
  });
});

describe('the probe field adminLevel', () => {
  it('is usable in templates and names file, line and field when wrong', async () => {
    const probes = path.join(dir, 'probes');
    await rm(probes, { recursive: true, force: true });
    await mkdir(probes);
    await writeFile(
      path.join(probes, 'wohngeld.yaml'),
      [
        '- id: wohngeld-${slug}',
        '  name: Wohngeld ${name}',
        '  kind: http',
        "  ags: '${ags}'",
        "  adminLevel: '${level}'",
        "  labels: { service: wohngeld, county: '${slug}' }",
        '  targets:',
        "    - { slug: ulm, name: Ulm, ags: '08421000', level: kreis }",
        "    - { slug: biberach, name: Biberach, ags: '08426021', level: stadt }",
        '  http:',
        "    url: 'https://${slug}.example.de/wohngeld'",
        '',
      ].join('\n'),
    );
    const set = await loadProbes(probes);
    expect(set.probes.map((p) => [p.probe.id, p.probe.adminLevel])).toEqual([
      ['wohngeld-ulm', 'kreis'],
    ]);
    expect(set.diagnostics).toHaveLength(1);
    expect(set.diagnostics[0]).toMatchObject({
      file: 'wohngeld.yaml',
      line: 5,
      path: '[0].adminLevel',
    });
    expect(set.diagnostics[0]?.message).toContain('"bund", "land", "kreis", "gemeinde"');
  });
});
