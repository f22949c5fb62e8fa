import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { extractText, getDocumentProxy } from 'unpdf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCharts } from '../../src/report/charts.ts';
import { collectReport } from '../../src/report/collect.ts';
import { renderHtml } from '../../src/report/html.ts';
import type { ReportModel } from '../../src/report/model.ts';
import { printPdf } from '../../src/report/outputs.ts';
import { buildTables } from '../../src/report/tables.ts';
import { TEXTS } from '../../src/report/texts.ts';
import { openSqliteStore } from '../../src/store/sqlite.ts';
import { Q4, seedQuarter } from './seed.ts';

/** Service ids as counties name them: long, and longer than a table column. */
const LONG_NAMES: Record<string, string> = {
  'kfz-zulassung': 'kfz-zulassung-und-ausserbetriebsetzung-online-i-kfz',
  hundesteuer: 'hundesteuer-anmeldung-abmeldung-und-ermaessigung',
  wohngeld: 'wohngeld-mietzuschuss-erstantrag-und-weiterleistungsantrag',
};

/** The model with every service renamed (`service` fields and `county/service` lists). */
function withLongNames<T>(value: T): T {
  const rename = (v: unknown): unknown => {
    if (typeof v === 'string') {
      const [county, service] = v.split('/');
      if (service !== undefined && LONG_NAMES[service]) return `${county}/${LONG_NAMES[service]}`;
      return LONG_NAMES[v] ?? v;
    }
    if (Array.isArray(v)) return v.map(rename);
    if (v !== null && typeof v === 'object') {
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, rename(x)]));
    }
    return v;
  };
  return rename(value) as T;
}

let dir: string;
let model: ReportModel;
/** The HTML the PDF is printed from (appendix cut as for print). */
let printable: string;
let pdfText: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'ozgwatch-report-html-'));
  const store = openSqliteStore({
    path: path.join(dir, 'store.db'),
    logger: pino({ level: 'silent' }),
  });
  try {
    await seedQuarter(store);
    model = withLongNames(await collectReport(store, { period: Q4 }));
  } finally {
    await store.close();
  }
  const texts = TEXTS.de;
  printable = renderHtml({
    model,
    tables: buildTables(model, texts, 'de'),
    charts: await buildCharts(model, texts, 'de'),
    texts,
    lang: 'de',
    appendixRows: 1000,
    findingsCsv: 'findings.csv',
  });
  const pdf = await printPdf(printable);
  pdfText = (await extractText(await getDocumentProxy(new Uint8Array(pdf)), { mergePages: true }))
    .text;
}, 120_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/**
 * Text of an HTML fragment of the report, whose escapes are all numeric (`&#38;`), as a
 * reader sees it: without the soft hyphens of wide tables.
 */
function textOf(html: string): string {
  return html
    .replace(/<br>/g, ' ')
    .replace(/<[^>]*>/g, '')
    .replace(/&#(\d+);/g, (_, code: string) => String.fromCodePoint(Number(code)))
    .replace(/\u00ad/g, '');
}

/** A word without the punctuation around it. */
function bare(word: string): string {
  return word.replace(/^[^\p{L}\d]+|[^\p{L}\d]+$/gu, '');
}

/**
 * For comparing with the PDF's text: a cell wraps inside words (at hyphens, at a soft
 * hyphen, which prints as U+2010, or anywhere), so white space and hyphens go; bidi
 * isolates are not printed.
 */
function squeeze(text: string): string {
  return text.replace(/[\s\u00ad\u2010\u2066-\u2069-]+/g, '');
}

interface HtmlTable {
  caption: string;
  className: string;
  /** Cell texts, row by row, the header row first. */
  rows: string[][];
  /** Per row: the texts of its `th scope="row"` cells. */
  rowHeaders: string[][];
}

function tablesOf(html: string): HtmlTable[] {
  return [...html.matchAll(/<table( class="[^"]*")?>([\s\S]*?)<\/table>/g)].map((m) => {
    const body = m[2] ?? '';
    const trs = [...body.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((r) => r[1] ?? '');
    const cells = (tr: string, only?: RegExp): string[] =>
      [...tr.matchAll(/<(t[hd])([^>]*)>([\s\S]*?)<\/t[hd]>/g)]
        .filter((c) => !only || only.test(`${c[1]}${c[2]}`))
        .map((c) => textOf(c[3] ?? ''));
    return {
      caption: textOf(/<caption>([\s\S]*?)<\/caption>/.exec(body)?.[1] ?? ''),
      className: m[1] ?? '',
      rows: trs.map((tr) => cells(tr)),
      rowHeaders: trs.slice(1).map((tr) => cells(tr, /^th.*scope="row"/)),
    };
  });
}

describe('the printed report', () => {
  it('keeps every column of every table on the page, with long service names', () => {
    const tables = tablesOf(printable);
    const wide = tables.filter((t) => t.className.includes('wide')).map((t) => t.caption);
    // The tables the audit found cut, among those printed small on landscape pages.
    expect(wide).toEqual(
      expect.arrayContaining([
        'Dienste im Überblick',
        'BITV-Formalien je Dienst',
        'Dokumente (PDF- und Office-Formulare)',
      ]),
    );
    const printed = squeeze(pdfText);
    const missing: string[] = [];
    for (const table of tables) {
      for (const row of table.rows) {
        // Each cell on its own and the whole row in order: nothing cut, nothing out of place.
        for (const cell of row) {
          if (!printed.includes(squeeze(cell))) missing.push(`${table.caption}: cell ${cell}`);
        }
        if (!printed.includes(squeeze(row.join('')))) {
          missing.push(`${table.caption}: row ${row.join(' | ')}`);
        }
      }
    }
    expect(missing).toEqual([]);
    for (const heading of ['Leichte Sprache', 'Gebärdensprache (DGS)', 'Reifegrad', 'Seiten']) {
      expect(printed).toContain(squeeze(heading));
    }
  });

  it('breaks the headings of wide tables between syllables, not where a column ends', () => {
    const wide = tablesOf(printable).filter((t) => t.className.includes('wide'));
    // The parts of their words between hyphens, without punctuation: what a cut would split.
    const parts = new Set(
      wide
        .flatMap((t) => (t.rows[0] ?? []).flatMap((h) => h.split(/[\s-]+/)))
        .map(bare)
        .filter((w) => w.length >= 6),
    );
    expect(parts).toContain('Schlichtungsstelle');
    // A break at a soft hyphen prints a hyphen (U+2010) at the line's end; a break where the
    // column ended prints none.
    const lines = pdfText.split('\n');
    const cut: string[] = [];
    for (const [i, line] of lines.entries()) {
      const head = /([^\s-]+)$/.exec(line)?.[1];
      const tail = /^([^\s-]+)/.exec(lines[i + 1] ?? '')?.[1];
      // A cut has letters on both sides of the line's end.
      if (!head || !tail || !/\p{L}$/u.test(head) || !/^\p{L}/u.test(tail)) continue;
      if (parts.has(bare(`${head}${tail}`))) cut.push(`${head}|${tail}`);
    }
    expect(cut).toEqual([]);
    // Their row headings (county, service) get the same breaks.
    const bitv = /<table class="wide">\s*<caption>BITV-Formalien[\s\S]*?<\/table>/.exec(
      printable,
    )?.[0];
    expect(bitv).toContain('<th scope="row">lk-boeb\u00adlin\u00adgen</th>');
  });
});

describe('the tables of the report', () => {
  it('name each row by the cells that identify it: the service, not only its county (WCAG 1.3.1)', () => {
    const tables = tablesOf(printable);
    expect(tables.length).toBeGreaterThan(20);
    const problems: string[] = [];
    for (const table of tables) {
      const [head = [], ...rows] = table.rows;
      const named = table.rowHeaders.map((cells) => cells.join(' / '));
      if (named.some((n) => n === '')) problems.push(`${table.caption}: a row without header`);
      const twice = named.filter((n, i) => named.indexOf(n) !== i);
      if (twice.length > 0)
        problems.push(`${table.caption}: rows named alike: ${twice.join('; ')}`);
      // Where a row is about a service, the service is one of the cells that name it.
      const service = head.indexOf('Dienst');
      if (service >= 0) {
        rows.forEach((row, i) => {
          if (!table.rowHeaders[i]?.includes(row[service] ?? '')) {
            problems.push(`${table.caption}: ${row[service]} is not a row header`);
          }
        });
      }
    }
    expect(problems).toEqual([]);
    const services = tables.find((t) => t.caption === 'Dienste im Überblick');
    expect(services?.rowHeaders).toContainEqual(['lk-boeblingen', LONG_NAMES['kfz-zulassung']]);
  });
});

describe('the report header', () => {
  it('gives the newest run in Berlin time with its zone, not in UTC', () => {
    const texts = TEXTS.de;
    const at = (epochMs: number): string => {
      const html = renderHtml({
        model: { ...model, dataUntil: epochMs },
        tables: new Map(),
        charts: new Map(),
        texts,
        lang: 'de',
      });
      return textOf(/<dt>Datenstand \(letzter Lauf\)<\/dt><dd>([^<]*)<\/dd>/.exec(html)?.[1] ?? '');
    };
    // Winter time (UTC+1) and summer time (UTC+2); just before midnight UTC is the next day.
    expect(at(Date.UTC(2026, 10, 24, 6, 0, 13))).toBe('2026-11-24, 07:00:13 Uhr (MEZ)');
    expect(at(Date.UTC(2026, 6, 31, 22, 30, 0))).toBe('2026-08-01, 00:30:00 Uhr (MESZ)');
  });
});

/** The summary section's text (from its heading to the next section). */
function summaryOf(m: ReportModel, lang: 'de' | 'en' = 'de'): string {
  const html = renderHtml({
    model: m,
    tables: new Map(),
    charts: new Map(),
    texts: TEXTS[lang],
    lang,
  });
  return textOf(/<section aria-labelledby="summary">([\s\S]*?)<\/section>/.exec(html)?.[1] ?? '');
}

describe('the summary', () => {
  it('counts as "x von y Diensten" only the services that were scanned for accessibility', () => {
    const scanned = model.services.filter((s) => s.openPatterns !== null);
    expect(scanned.length).toBeGreaterThan(0);
    const unscanned = {
      ...(model.services[0] as ReportModel['services'][number]),
      service: 'nur-http',
      openPatterns: null,
      openPatternsBefore: null,
      waived: null,
    };
    const text = summaryOf({ ...model, services: [...model.services, unscanned, unscanned] });
    expect(text).toMatch(new RegExp(` von ${scanned.length} Diensten? (hat|haben) mindestens`));
  });

  it('says that no service was scanned rather than that none has severe issues', () => {
    const services = model.services.map((s) => ({ ...s, openPatterns: null }));
    const text = summaryOf({ ...model, services, oldestOpen: [], shared: [], topRules: [] });
    expect(text).toContain('Kein Dienst wurde im Zeitraum auf Barrierefreiheit geprüft');
    expect(text).not.toContain('von 0 Diensten');
    expect(text).not.toContain('Keine offenen kritischen oder schweren Mängel');
  });

  it('shows "Keine Daten im Zeitraum" for a period without runs, never an all clear', () => {
    const empty = { ...model, dataUntil: null, oldestOpen: [], shared: [], topRules: [] };
    const de = summaryOf(empty);
    expect(de).toContain('Keine Daten im Zeitraum');
    expect(de).not.toContain('Keine offenen kritischen oder schweren Mängel');
    expect(de).not.toContain('Am Ende des Zeitraums');
    expect(summaryOf(empty, 'en')).toContain('No data in the period');
  });
});

describe('an unfinished quarter', () => {
  it('is marked "vorläufig" in title and cover, with the moment its figures are from', () => {
    // Just after a run on 10 November, 09:00:00 Berlin time (08:00 UTC).
    const asOf = Date.UTC(2026, 10, 10, 8, 0, 0) + 1;
    const html = renderHtml({
      model: { ...model, provisional: true, asOf, dataUntil: asOf - 1 },
      tables: new Map(),
      charts: new Map(),
      texts: TEXTS.de,
      lang: 'de',
    });
    expect(/<title>([^<]*)<\/title>/.exec(html)?.[1]).toContain('vorläufig');
    expect(textOf(/<h1>([\s\S]*?)<\/h1>/.exec(html)?.[1] ?? '')).toContain('(vorläufig)');
    expect(textOf(html)).toContain('Vorläufige Zahlen, Stand 2026-11-10, 09:00:00 Uhr (MEZ)');
    const final = renderHtml({
      model: { ...model, provisional: false },
      tables: new Map(),
      charts: new Map(),
      texts: TEXTS.de,
      lang: 'de',
    });
    expect(final).not.toMatch(/vorläufig/i);
  });
});

describe('the BITV table', () => {
  it('shows when the signals were checked and whether a later check could not reach the start page', () => {
    const [first, second] = model.bitv;
    expect(first).toBeDefined();
    const checkedAt = Date.UTC(2026, 11, 21, 9);
    const bitv = [
      { ...first!, checkedAt, notReachedAt: null },
      {
        ...(second ?? first)!,
        service: 'zweiter',
        checkedAt,
        notReachedAt: checkedAt + 7 * 86_400_000,
      },
    ];
    const m = { ...model, bitv };
    const html = renderHtml({
      model: m,
      tables: buildTables(m, TEXTS.de, 'de'),
      charts: new Map(),
      texts: TEXTS.de,
      lang: 'de',
    });
    const table = tablesOf(html).find((t) => t.caption === 'BITV-Formalien je Dienst');
    const [head = [], ...rows] = table?.rows ?? [];
    expect(head.slice(-2)).toEqual(['geprüft am', 'danach nicht erreichbar']);
    expect(rows.map((r) => r.slice(-2))).toEqual([
      ['2026-12-21', 'nein'],
      ['2026-12-21', '2026-12-28'],
    ]);
  });
});
