/**
 * The report as the accessibility officer of a Landratsamt reads it before signing it: the
 * measures say who does what where, the Leichte Sprache summary says what the key figures
 * say, and the glossary explains the words the report uses (see landkreis.ts).
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_DEADLINES } from '../../src/report/deadlines.ts';
import { generateReport, type GeneratedReport } from '../../src/report/generate.ts';
import { parseDays } from '../../src/report/period.ts';
import type { ReportModel } from '../../src/report/model.ts';
import { openSqliteStore, type SqliteStore } from '../../src/store/sqlite.ts';
import { seedLandkreis } from './landkreis.ts';
import { DAY } from './runs.ts';
import { Q4 } from './seed.ts';

const NOW = Q4.to + 10 * DAY;

let dir: string;
let store: SqliteStore;
let de: GeneratedReport;
let en: GeneratedReport;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'ozgwatch-officer-'));
  store = openSqliteStore({ path: path.join(dir, 'store.db'), logger: pino({ level: 'silent' }) });
  await seedLandkreis(store);
  de = await generateReport(store, {
    period: Q4,
    now: NOW,
    formats: ['html', 'csv'],
    lang: 'de',
    outDir: path.join(dir, 'de'),
  });
  en = await generateReport(store, {
    period: Q4,
    now: NOW,
    formats: ['html'],
    lang: 'en',
    outDir: path.join(dir, 'en'),
  });
}, 60_000);

afterAll(async () => {
  await store?.close();
  await rm(dir, { recursive: true, force: true });
});

/** The HTML's text, tags dropped and escapes read. */
function text(html: string): string {
  return html
    .replace(/<[^>]*>/g, ' ')
    .replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code)))
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&')
    .replace(/\u00ad/g, '')
    .replace(/\s+/g, ' ');
}

function section(html: string, id: string): string {
  const start = html.indexOf(`<section aria-labelledby="${id}"`);
  expect(start, `section ${id}`).toBeGreaterThan(-1);
  return html.slice(start, html.indexOf('</section>', start));
}

/** The rows of the measures table as the HTML shows them, cells as text, by rule. */
function measureRows(html: string): Map<string, string[]> {
  const body = section(html, 'measures');
  const rows = [...body.matchAll(/<tr>(.*?)<\/tr>/gs)].map((r) =>
    [...(r[1] ?? '').matchAll(/<t[hd][^>]*>(.*?)<\/t[hd]>/gs)].map((c) => text(c[1] ?? '').trim()),
  );
  const head = rows[0] ?? [];
  const rule = head.indexOf(head.find((h) => h === 'Regel' || h === 'Rule') ?? '');
  return new Map(rows.slice(1).map((r) => [r[rule] ?? '', r]));
}

/** A CSV file of the report as records, quoted cells read as RFC 4180 says. */
async function csv(name: string): Promise<Record<string, string>[]> {
  const file = path.join(dir, 'de', `ozgwatch-report-2026-Q4.${name}.csv`);
  const [head, ...rows] = (await readFile(file, 'utf8'))
    .trim()
    .split('\r\n')
    .map((line) =>
      [...line.matchAll(/("(?:[^"]|"")*"|[^,]*)(?:,|$)/g)]
        .map((c) => c[1] ?? '')
        .map((c) => (c.startsWith('"') ? c.slice(1, -1).replace(/""/g, '"') : c)),
    );
  return rows.map((r) => Object.fromEntries((head ?? []).map((h, i) => [h, r[i] ?? ''])));
}

const measure = (m: ReportModel, rule: string) => {
  const found = m.measures.find((x) => x.ruleId === rule);
  if (!found) throw new Error(`no measure for ${rule}`);
  return found;
};

describe('a measure says who answers for it', () => {
  it('names the services of a shared component that nobody is entered for', async () => {
    // The cookie banner is open on kfz (Web-Redaktion), wohngeld (its scan names nobody, its
    // HTTP probe the Sozialamt) and gewerbe (nobody at all).
    const banner = measure(de.model, 'button-name');
    expect(banner.owners).toEqual(['Sozialamt', 'Web-Redaktion Landratsamt']);
    expect(banner.servicesWithoutOwner).toEqual(['lk-goeppingen/gewerbe']);
    expect(measure(de.model, 'image-alt').servicesWithoutOwner).toEqual([]);
    expect(measure(de.model, 'heading-order').servicesWithoutOwner).toEqual([
      'lk-goeppingen/gewerbe',
    ]);

    expect(text(section(de.html, 'measures'))).toContain(
      'Dienste, in deren Prüfungen niemand eingetragen ist, stehen unter „Dienste ohne Verantwortliche“.',
    );
    const row = measureRows(de.html).get('button-name') ?? [];
    expect(row).toContain('Sozialamt; Web-Redaktion Landratsamt');
    expect(row).toContain('lk-goeppingen/gewerbe');
    const rows = await csv('measures');
    expect(rows.find((r) => r.rule === 'button-name')).toMatchObject({
      owner: 'Sozialamt; Web-Redaktion Landratsamt',
      services_without_owner: 'lk-goeppingen/gewerbe',
    });
  });

  it('says so in the summary too, with the owners joined as in the table', () => {
    const summary = text(section(de.html, 'summary'));
    expect(summary).toContain(
      'Frist 2027-02-02; verantwortlich: Sozialamt; Web-Redaktion Landratsamt; nicht festgelegt für lk-goeppingen/gewerbe.',
    );
    expect(text(section(en.html, 'summary'))).toContain(
      'Due 2027-02-02; owner: Sozialamt; Web-Redaktion Landratsamt; not set for lk-goeppingen/gewerbe.',
    );
  });

  it('takes the owner of the probe that found it when a service has several', () => {
    // Kfz-Zulassung: the scan belongs to the Web-Redaktion, the journey to the Zulassungsstelle.
    expect(measure(de.model, 'image-alt').owners).toEqual(['Web-Redaktion Landratsamt']);
    expect(measure(de.model, 'aria-required-attr').owners).toEqual(['Zulassungsstelle']);
  });
});

describe('a measure says where to fix it', () => {
  it('names the pages and the component, in the HTML and the CSV', async () => {
    const rows = measureRows(de.html);
    const banner = rows.get('button-name') ?? [];
    expect(banner).toContain(
      'https://gewerbe.eislingen.example/start https://kfz.lk.example/start https://wg.lk.example/start',
    );
    expect(banner).toContain('<button class="cc-close"><svg></svg></button>');
    expect(rows.get('color-contrast')).toContain('https://hund.goeppingen.example/antrag');
    expect(rows.get('color-contrast')).toContain('<p class="hint">Pflichtfeld</p>');
    const csvRows = await csv('measures');
    expect(csvRows.find((r) => r.rule === 'image-alt')).toMatchObject({
      pages: 'https://kfz.lk.example/start',
      html: '<img src="/banner-kfz.jpg">',
    });
    // A fixed pattern's page is no place to fix anything: only open occurrences count.
    expect(de.model.measures.flatMap((x) => x.pages)).not.toContain(
      'https://bafoeg.bw.example/start',
    );
  });
});

describe('the count of overdue measures', () => {
  it('says "keine" when none is overdue, not "0 sind"', async () => {
    const relaxed = await generateReport(store, {
      period: Q4,
      now: NOW,
      formats: [],
      lang: 'de',
      outDir: dir,
      deadlines: { ...DEFAULT_DEADLINES, critical: 400 * DAY },
    });
    expect(relaxed.model.measures.filter((x) => x.overdue)).toHaveLength(0);
    expect(text(section(relaxed.html, 'summary'))).toContain(
      'Alle 5 Maßnahmen mit Zuständigkeit und Frist stehen im Abschnitt „Empfehlungen und Maßnahmen“; keine ist überfällig.',
    );
    const english = await generateReport(store, {
      period: Q4,
      now: NOW,
      formats: [],
      lang: 'en',
      outDir: dir,
      deadlines: { ...DEFAULT_DEADLINES, critical: 400 * DAY },
    });
    expect(text(section(english.html, 'summary'))).toContain('; none is overdue.');
  });
});

describe('the pointer to the measures', () => {
  it('speaks of one measure in the singular', async () => {
    for (const [lang, expected] of [
      [
        'de',
        'Die Maßnahme steht mit Zuständigkeit und Frist im Abschnitt „Empfehlungen und Maßnahmen“; sie ist in der Frist.',
      ],
      [
        'en',
        'The measure is in the section "Recommendations and measures" with owner and due date; it is within its deadline.',
      ],
    ] as const) {
      // Hundesteuer alone has one open pattern, the contrast of its hint, due in March.
      const one = await generateReport(store, {
        period: Q4,
        scope: { service: 'hundesteuer' },
        now: NOW,
        formats: [],
        lang,
        outDir: dir,
      });
      expect(one.model.measures).toHaveLength(1);
      expect(text(section(one.html, 'summary'))).toContain(expected);
    }
  });
});

describe('the summary in Leichte Sprache', () => {
  const sentences = (html: string): string[] =>
    [...section(html, 'easy-read').matchAll(/<p>([^<]*)<\/p>/g)].map((x) => text(x[1] ?? ''));

  it('says what the key figures say', () => {
    const m = de.model;
    const kpi = (id: string) => m.kpis.find((k) => k.id === id);
    const scanned = m.services.filter((s) => s.openPatterns !== null).length;
    const s = sentences(de.html);
    // Six services watched, five scanned: the one watched by HTTP only is not left out.
    expect(s).toContain(`Wir beobachten ${m.services.length} Online-Dienste.`);
    expect(s).toContain(
      `Ein Computer-Programm hat ${scanned} Online-Dienste auf Barriere-Freiheit geprüft.`,
    );
    expect(s).toContain(`Am 31. Dezember 2026 gab es ${kpi('openPatterns')?.value} Probleme.`);
    expect(s).toContain(
      `${kpi('servicesWithSevereIssues')?.value} von ${scanned} Online-Diensten haben schwere Probleme.`,
    );
    // The open patterns at the end of the comparison period, by its day (a report of any
    // range of days has one as long).
    expect(s).toContain(`Am 30. September 2026 gab es ${kpi('openPatterns')?.previous} Probleme.`);
    expect(s.join(' ')).not.toMatch(/3 Monaten/);
    const c = m.changes;
    expect(s).toContain(
      `In dieser Zeit hat die Verwaltung ${c && c.fixed + c.transient} Problem gelöst.`,
    );
    // Fewer tasks than problems: the shared banner is one task for three services.
    expect(s).toContain(`Die Verwaltung hat ${m.measures.length} Aufgaben für die Probleme.`);
    expect(m.measures.length).toBeLessThan(Number(kpi('openPatterns')?.value));
    expect(s).toContain('Manche Probleme gibt es in mehreren Online-Diensten.');
    const overdue = m.measures.filter((x) => x.overdue).length;
    expect(s).toContain(
      `Bei ${overdue} von ${m.measures.length} Aufgaben ist der Termin schon vorbei.`,
    );
  });

  it('counts on the day of the figures while the period runs, and by days for any range', async () => {
    // 1 December to 31 January, made on 10 January: the newest run is the HTTP check of
    // 1 January, 02:00, as the cover's "Stand" says.
    const running = await generateReport(store, {
      period: parseDays('2026-12-01', '2027-01-31'),
      now: Q4.to + 9 * DAY,
      formats: [],
      lang: 'de',
      outDir: dir,
    });
    expect(running.model.provisional).toBe(true);
    const s = sentences(running.html);
    const kpi = (id: string) => running.model.kpis.find((k) => k.id === id);
    expect(text(running.html)).toContain('Stand 2027-01-01, 02:00:00 Uhr (MEZ)');
    expect(s).toContain(`Am 1. Januar 2027 gab es ${kpi('openPatterns')?.value} Probleme.`);
    // The comparison period is as long (62 days): it ends on 30 November.
    expect(s).toContain(`Am 30. November 2026 gab es ${kpi('openPatterns')?.previous} Probleme.`);
  });

  it('calls serious problems what they are, not only what blocks', () => {
    const s = sentences(de.html);
    // 4 services have critical or serious patterns; a serious one hinders, it need not block.
    expect(s).toContain(
      'Schwere Probleme heißt: Manche Menschen können den Online-Dienst schlecht benutzen.',
    );
    expect(s).toContain('Oder sie können ihn gar nicht benutzen.');
  });

  it('follows the rules of Leichte Sprache', () => {
    for (const s of sentences(de.html)) {
      // Short, one statement; numbers as digits; no percentages.
      expect(s.split(' ').filter((w) => /\p{L}/u.test(w)).length, s).toBeLessThanOrEqual(12);
      expect(s, s).not.toMatch(
        /%|Prozent|\b(ein|zwei|drei|vier|fünf|sechs|sieben)\b (von|Probleme|Aufgaben)/,
      );
      // Active voice; no Genitiv of the usual kind ("des Zeitraums").
      expect(s, s).not.toMatch(/\b(wurde|wurden|worden)\b/);
      expect(s, s).not.toMatch(/\bdes\b|\bZeitraums\b/);
      // Negation only where a positive form would be harder ("gar nicht benutzen").
      expect(s, s).not.toMatch(/nicht (alle|mehr)|\bkeiner\b/);
    }
  });

  it('agrees in number in English', async () => {
    const s = sentences(en.html);
    expect(s).toContain('1 of 5 tasks is past its date.');
    expect(s).toContain('On 31 December 2026 there were 7 problems.');
    expect(s).toContain('On 30 September 2026 there were 2 problems.');
    expect(s).toContain(
      'Serious problems means: the online service is hard to use for some people.',
    );
    expect(s).toContain('In this time the administration solved 1 problem.');
  });
});

describe('the glossary', () => {
  /** Terms the report uses outside the glossary, each with its entry. */
  const used: [lang: 'de' | 'en', inBody: RegExp, entry: string][] = [
    ['de', /\bJourney\b/, 'Journey'],
    ['de', /\bPrüfungen\b/, 'Prüfung'],
    ['de', /\bBefunde\b/, 'Vorkommen (Befund)'],
    ['de', /Gemeinsame Komponente/, 'Gemeinsame Komponente'],
    ['de', /Screenreader/, 'Screenreader'],
    ['de', /Wartungsfenster/, 'Wartungsfenster'],
    ['en', /\bjourney\b/i, 'Journey'],
    ['en', /\bprobes\b/, 'Probe'],
    ['en', /\bfinding\b/, 'Occurrence (finding)'],
    ['en', /shared component/i, 'Shared component'],
    ['en', /screen readers/, 'Screen reader'],
    ['en', /maintenance windows/, 'Maintenance window'],
  ];

  it('explains the words the report uses that an officer may not know', () => {
    for (const [lang, inBody, entry] of used) {
      const html = lang === 'de' ? de.html : en.html;
      const glossary = section(html, 'glossary');
      const body = html.replace(glossary, '');
      expect(text(body), `${lang}: ${entry} in the report`).toMatch(inBody);
      expect(glossary, `${lang}: ${entry} in the glossary`).toContain(`<dt>${entry}</dt>`);
    }
  });

  it('explains media break and maturity as the OZG does', () => {
    const entry = (html: string, term: string) => {
      const g = section(html, 'glossary');
      const at = g.indexOf(`<dt>${term}</dt>`);
      return text(g.slice(at, g.indexOf('</dd>', at)));
    };
    // Forced, not offered: a paper channel beside a complete online one is no media break.
    expect(entry(de.html, 'Medienbruch')).toContain('zwingt');
    expect(entry(de.html, 'Medienbruch')).toContain('nur als Alternative');
    expect(entry(de.html, 'Medienbruch')).toMatch(/E-Mail/);
    expect(entry(en.html, 'Media break')).toContain('only as an alternative');
    // A county has no Gemeindeschlüssel of its own: its Kreisschlüssel, filled up with 000.
    expect(entry(de.html, 'AGS')).toContain('fünfstelliger Kreisschlüssel, mit 000 aufgefüllt');
    expect(entry(en.html, 'AGS')).toContain('five-digit county key, filled up with 000');
    // OZG-konform from stage 3 of model 1.1.
    expect(entry(de.html, 'Reifegrad')).toContain('ab Stufe 3');
    expect(entry(en.html, 'Maturity level')).toContain('from stage 3');
  });
});

describe('the report stays reproducible', () => {
  it('gives the same bytes for the same store', async () => {
    const again = await generateReport(store, {
      period: Q4,
      now: NOW,
      formats: ['html'],
      lang: 'de',
      outDir: path.join(dir, 'again'),
    });
    expect(again.html).toBe(de.html);
  });
});
