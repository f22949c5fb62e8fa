/**
 * The report as one self-contained, accessible HTML file: inline style and SVG, no script,
 * no request to anywhere. Headings, landmarks, captioned tables with header cells, and
 * every chart next to its data table. Everything that came from a watched site (HTML
 * snippets, link texts, titles, URLs) passes through `escapeHtml`.
 */
import { escapeHtml as e, pageText } from '../server/pages.ts';
import type { Chart } from './charts.ts';
import { softHyphens } from './hyphenate.ts';
import { PART_OF_PERIOD_MS } from './collect.ts';
import { DAY } from './common.ts';
import { IMPACT_ORDER, type Kpi, type ReportModel } from './model.ts';
import { berlinDate, REPORT_TIME_ZONE } from './period.ts';
import type { Cell, Column, Table } from './tables.ts';
import { criterionLabel, ruleHelp } from './rule-texts.ts';
import type { Lang, RuleRef, Texts } from './texts.ts';

export interface HtmlInput {
  model: ReportModel;
  tables: ReadonlyMap<string, Table>;
  charts: ReadonlyMap<string, Chart>;
  texts: Texts;
  lang: Lang;
  /**
   * For print: at most this many appendix rows, with a pointer to the CSV that has them
   * all. Chromium cannot print a tagged PDF of several hundred pages of table.
   */
  appendixRows?: number;
  /** The CSV file with every finding, named when the appendix is cut. */
  findingsCsv?: string;
}

const STYLE = `
  :root { color: #1a1a1a; background: #fff; }
  body { font: 16px/1.5 system-ui, sans-serif; margin: 0 auto; max-width: 75rem; padding: 1rem; }
  h1 { font-size: 1.9rem; margin-bottom: .25rem; } h2 { margin-top: 2.5rem; border-bottom: 2px solid #1a1a1a; } h3 { margin-top: 1.75rem; }
  table { border-collapse: collapse; width: 100%; margin: .75rem 0 1.25rem; font-size: .9rem; }
  caption { text-align: left; font-weight: 600; padding: .25rem 0; }
  th, td { text-align: left; padding: .3rem .5rem; border-bottom: 1px solid #bbb; vertical-align: top; hyphens: auto; }
  thead th { border-bottom: 2px solid #1a1a1a; }
  td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
  code, .url { word-break: break-all; font-size: .85rem; }
  .skip { position: absolute; left: -10000px; } .skip:focus { position: static; }
  .disclaimer, .notice { border-left: 4px solid #7a4a00; padding: .5rem 1rem; background: #fff8e6; }
  figure { margin: 1rem 0; break-inside: avoid; } figure svg { max-width: 100%; height: auto; }
  figcaption { font-style: italic; }
  dl.glossary dt { font-weight: 600; margin-top: .5rem; } dl.glossary dd { margin-left: 1.5rem; }
  dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1rem; } dl.meta dt { font-weight: 600; }
  a { color: #0b4fa3; } a:focus { outline: 2px solid #0b4fa3; outline-offset: 2px; }
  @media print {
    body { max-width: none; padding: 0; font-size: 10pt; } h2 { break-before: page; } nav { break-after: page; } .skip { display: none; }
    /* A table never gets wider than the paper: a cell breaks a long word rather than losing
       the columns on its right. Sections with wide tables go on landscape pages. */
    td, tbody th, table.wide th { overflow-wrap: anywhere; } tr { break-inside: avoid; }
    section.wide { page: wide; }
    table.wide { font-size: 7pt; table-layout: fixed; } table.wide th, table.wide td { padding: .2rem .15rem; }
    table.wide code, table.wide .url { font-size: 1em; }
  }
  @page { size: A4; margin: 16mm 14mm; }
  @page wide { size: A4 landscape; }
`;

export function renderHtml(input: HtmlInput): string {
  const { model: m, texts: t, lang } = input;
  // A report of a period that had not ended says so wherever its title stands.
  const title = `${t.title} ${m.period.label}${m.provisional ? ` (${t.provisional})` : ''}`;
  const sections: [id: string, heading: string, body: string][] = [
    ['summary', t.summaryHeading, summary(input)],
    ['services', t.servicesHeading, table(input, 'services')],
    ['method', t.methodHeading, method(input)],
    ['bitv', t.bitvHeading, `<p>${e(t.bitvIntro)}</p>${table(input, 'bitv')}`],
    ['findings', t.findingsHeading, findings(input)],
    ['journeys', t.journeysHeading, `<p>${e(t.journeysIntro)}</p>${table(input, 'journeys')}`],
    ['documents', t.documentsHeading, `${chart(input, 'documents')}${table(input, 'documents')}`],
    ['changes', t.changesHeading, changes(input)],
    ['shared', t.sharedHeading, `<p>${e(t.sharedIntro)}</p>${table(input, 'shared-components')}`],
    [
      'review',
      t.reviewHeading,
      `<p>${e(t.reviewIntro)}</p>${table(input, 'needs-review')}<h3>${e(t.waiversHeading)}</h3>${table(input, 'waivers')}`,
    ],
    ['media-breaks', t.mediaHeading, `<p>${e(t.mediaIntro)}</p>${table(input, 'media-breaks')}`],
    [
      'availability',
      t.availabilityHeading,
      `<p>${e(t.methodAvailability)}</p>${chart(input, 'availability')}${table(input, 'availability')}${table(input, 'availability-weekly')}`,
    ],
    ['data-quality', t.dataQualityHeading, table(input, 'data-quality')],
    ['measures', t.measuresHeading, measures(input)],
    ['appendix', t.appendixHeading, appendix(input)],
    ['glossary', t.glossaryHeading, glossary(input)],
    ['easy-read', t.easyReadHeading, easyRead(input)],
  ];
  return `<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="ozgwatch ${e(m.versions.ozgwatch)}">
<title>${e(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<a class="skip" href="#main">${e(t.skipLink)}</a>
<header>
<h1>${e(title)}</h1>
<p>${e(t.subtitle(`${m.period.firstDay} – ${m.period.lastDay}`))}</p>
${m.provisional ? `<p class="notice"><strong>${e(t.provisionalNote(localTime(m.asOf, input)))}</strong></p>\n` : ''}${meta(input)}
</header>
<nav aria-labelledby="toc-heading">
<h2 id="toc-heading">${e(t.contents)}</h2>
<ol>
${sections.map(([id, heading]) => `<li><a href="#${id}">${e(heading)}</a></li>`).join('\n')}
</ol>
</nav>
<main id="main">
${sections.map(([id, heading, body]) => `<section aria-labelledby="${id}"${body.includes(WIDE) ? ' class="wide"' : ''}><h2 id="${id}">${e(heading)}</h2>\n${body}\n</section>`).join('\n')}
</main>
<footer><p>${e(t.footer(m.versions.ozgwatch))}</p></footer>
</body>
</html>
`;
}

function meta(input: HtmlInput): string {
  const { model: m, texts: t } = input;
  const scope = [
    m.scope.county ? `${t.scopeCounty}: ${m.scope.county}` : '',
    m.scope.service ? `${t.scopeService}: ${m.scope.service}` : '',
  ].filter((s) => s !== '');
  const probes = m.services.reduce((n, s) => n + s.probes, 0);
  const list = (values: readonly string[]): string =>
    values.length > 0 ? values.join(', ') : t.notRecorded;
  // The scope by level of administration and by municipality (B3.1 §0): whose services these are.
  const levels = m.byLevel.map((l) => t.levelCount(t.adminLevel[l.level] ?? l.level, l.services));
  const areas = [
    ...new Set(m.services.flatMap((s) => (s.ags ? [`${s.ags} (${s.county})`] : []))),
  ].sort();
  return `<dl class="meta">
<dt>${e(t.period)}</dt><dd>${e(m.period.label)}: ${e(m.period.firstDay)} – ${e(m.period.lastDay)}</dd>
<dt>${e(t.timeZone)}</dt><dd>${REPORT_TIME_ZONE}</dd>
<dt>${e(t.scope)}</dt><dd>${e(scope.length > 0 ? scope.join(', ') : t.scopeAll)}; ${e(t.servicesAndProbes(m.services.length, probes))}</dd>
<dt>${e(t.adminLevels)}</dt><dd>${e(levels.length > 0 ? levels.join('; ') : t.noData)}</dd>
<dt>${e(t.municipalities)}</dt><dd>${e(list(areas))}</dd>
<dt>${e(t.dataUntil)}</dt><dd>${m.dataUntil === null ? e(t.noData) : e(localTime(m.dataUntil, input))}</dd>
<dt>${e(t.versions)}</dt><dd>ozgwatch ${e(m.versions.ozgwatch)}; axe-core ${e(list(m.versions.axe))}</dd>
<dt>${e(t.browser)}</dt><dd>${e(list(m.versions.browsers))}</dd>
<dt>${e(t.ruleProfile)}</dt><dd>${e(list(m.versions.profiles))}</dd>
<dt>${e(t.dataHash)}</dt><dd><code>${e(m.dataHash)}</code><br>${e(t.dataHashHint)}</dd>
</dl>`;
}

function summary(input: HtmlInput): string {
  const { model: m, texts: t } = input;
  const c = m.changes;
  const severe = m.kpis.find((k) => k.id === 'servicesWithSevereIssues')?.value ?? 0;
  // Each action says what the rule asks and which criterion it fails, not only axe's id.
  const ref = (r: { ruleId: string; help: string; wcag: readonly string[] }): RuleRef => ({
    rule: r.ruleId,
    help: ruleHelp(r.ruleId, r.help, input.lang),
    criteria: r.wcag.map((sc) => criterionLabel(sc, input.lang)),
  });
  // The top actions are the head of the measures' ranking (§ 10), not a second ranking of
  // their own: the summary and the list never disagree on what comes first.
  const actions = m.measures
    .filter((x) => x.impact === 'critical' || x.impact === 'serious')
    .slice(0, 3)
    .map((x) => {
      const [county, service] = (x.serviceList[0] ?? '/').split('/');
      const what =
        x.serviceList.length > 1
          ? t.actionShared(ref(x), x.serviceList.length, x.occurrences)
          : t.actionFix(ref(x), `${service} (${county})`, x.ageDays);
      // Joined as in the measures table; a shared component also names the services nobody
      // is entered for, or its owners would read as answering for all of them.
      const owners =
        x.owners.length > 0
          ? [
              ...x.owners,
              ...(x.servicesWithoutOwner.length > 0
                ? [t.ownerNotSetFor(x.servicesWithoutOwner.join(', '))]
                : []),
            ].join('; ')
          : t.ownerNotSet;
      return `${what} ${t.actionDue(berlinDate(x.due), x.overdue ? x.daysOverdue : null, owners)}`;
    });
  const covered = m.coverage.filter((r) => r.coverage === 'partial').length;
  // "x of y services": y only those scanned for accessibility (open patterns not null). A
  // period without runs, or without any scan, must not read as all clear.
  const scanned = m.services.filter((s) => s.openPatterns !== null).length;
  const notice =
    m.dataUntil === null ? t.summaryNoData : scanned === 0 ? t.summaryNoneScanned : undefined;
  const text =
    notice !== undefined || c === null
      ? `<p class="notice"><strong>${e(notice ?? t.summaryNoneScanned)}</strong></p>`
      : `<p>${e(t.summaryText(c.openAtEnd, Number(severe), scanned, c.fixed + c.transient, c.new + c.reopened))}</p>
<h3>${e(t.actionsHeading)}</h3>
${actions.length > 0 ? `<ol>${actions.map((a) => `<li>${e(a)}</li>`).join('')}</ol>` : `<p>${e(t.noActions)}</p>`}
${m.measures.length > 0 ? `<p>${e(t.measuresPointer(m.measures.length, m.measures.filter((x) => x.overdue).length))}</p>` : ''}`;
  return `<table>
<caption>${e(t.kpiHeading)}</caption>
<thead><tr><th scope="col">${e(t.kpiColumns.kpi)}</th><th scope="col" class="num">${e(t.kpiColumns.value)}</th><th scope="col" class="num">${e(t.kpiColumns.previous)}</th><th scope="col">${e(t.kpiColumns.change)}</th></tr></thead>
<tbody>
${m.kpis.map((k) => `<tr><th scope="row">${e(t.kpi[k.id])}</th><td class="num">${e(kpiValue(k, k.value, input.lang, t))}</td><td class="num">${e(kpiValue(k, k.previous, input.lang, t))}</td><td>${e(change(k, input.lang, t))}</td></tr>`).join('\n')}
</tbody></table>
${coverage(input)}
${text}
<p class="disclaimer"><strong>${e(t.disclaimer(covered, m.coverage.length))}</strong></p>`;
}

/**
 * What the figures cover, said before them: services watched for part of the period,
 * services no longer watched, and services whose scans saw nothing. A figure over fewer
 * services, or over part of the quarter, must not read as the whole county's quarter.
 */
function coverage({ model: m, texts: t }: HtmlInput): string {
  const name = (s: { county: string; service: string }): string => `${s.service} (${s.county})`;
  const partial = m.services
    .filter((s) => !s.wholePeriod)
    .map((s) => {
      const from = s.firstRun >= m.period.from + PART_OF_PERIOD_MS;
      const until = s.lastRun < m.asOf - PART_OF_PERIOD_MS;
      const when = [
        ...(from ? [t.watchedFrom(berlinDate(s.firstRun))] : []),
        ...(until ? [t.watchedUntil(berlinDate(s.lastRun))] : []),
      ].join(' ');
      return `${name(s)} ${when}`;
    });
  const failed = m.services.filter((s) => s.scan === 'failed').map(name);
  const dropped = m.servicesDropped.map((s) =>
    t.watchedDroppedItem(name(s), berlinDate(s.lastRun)),
  );
  const notes = [
    ...(failed.length > 0 ? [t.watchedScanFailed(failed.join('; '))] : []),
    ...(partial.length > 0 ? [t.watchedPartial(partial.join('; '))] : []),
    ...(dropped.length > 0 ? [t.watchedDropped(dropped.join('; '))] : []),
  ];
  return notes.map((note) => `<p class="notice">${e(note)}</p>`).join('\n');
}

function kpiValue(k: Kpi, value: number | null, lang: Lang, t: Texts): string {
  if (value === null) return t.noData;
  return k.unit === 'percent' ? percent(value, lang) : number(value, lang);
}

function change(k: Kpi, lang: Lang, t: Texts): string {
  if (k.value === null || k.previous === null) return '–';
  const delta = k.value - k.previous;
  if (Math.abs(delta) < 1e-9) return t.unchanged;
  const better = delta > 0 === k.higherIsBetter;
  const amount =
    k.unit === 'percent'
      ? `${delta > 0 ? '+' : '−'}${number(Math.abs(delta) * 100, lang, 2)} ${lang === 'de' ? 'Prozentpunkte' : 'percentage points'}`
      : `${delta > 0 ? '+' : '−'}${number(Math.abs(delta), lang)}`;
  return `${amount} (${better ? t.better : t.worse})`;
}

function method(input: HtmlInput): string {
  const { texts: t } = input;
  return `<p>${e(t.methodLegal)}</p>
<p>${e(t.methodProcedure)}</p>
<p>${e(t.methodPatterns)}</p>
<p>${e(t.methodAvailability)}</p>
<p>${e(t.methodLimits)}</p>
<h3>${e(t.coverageHeading)}</h3>
${table(input, 'coverage')}`;
}

function findings(input: HtmlInput): string {
  const { texts: t } = input;
  return `<h3>${e(t.byImpactHeading)}</h3>
${table(input, 'by-impact')}
<h3>${e(t.byPrincipleHeading)}</h3>
<p>${e(t.principleNote)}</p>
${table(input, 'by-principle')}
${chart(input, 'heatmap')}
<h3>${e(t.byClauseHeading)}</h3>
${table(input, 'by-clause')}
<h3>${e(t.topRulesHeading)}</h3>
${table(input, 'top-rules')}
${chart(input, 'ranked')}
<h3>${e(t.byLevelHeading)}</h3>
<p>${e(t.byLevelIntro)}</p>
${table(input, 'by-level')}`;
}

/** §10: every open pattern as a measure, with owner and due date (see measures.ts). */
function measures(input: HtmlInput): string {
  const { model: m, texts: t } = input;
  const deadlines = IMPACT_ORDER.map((i) =>
    t.deadlineItem(t.impact[i] ?? i, Math.round((m.deadlines[i] / DAY) * 10) / 10),
  ).join(', ');
  return `<p>${e(t.measuresIntro)}</p>
<p>${e(t.measuresDeadlines(deadlines))}</p>
${table(input, 'measures')}`;
}

function glossary({ texts: t }: HtmlInput): string {
  return `<p>${e(t.glossaryIntro)}</p>
<dl class="glossary">
${t.glossary.map(([term, meaning]) => `<dt>${e(term)}</dt><dd>${e(meaning)}</dd>`).join('\n')}
</dl>`;
}

/**
 * The key figures in Leichte Sprache (BITV 2.0 § 4's idea, for the report itself): one
 * statement per paragraph, as its rules ask, below a note that says what this part is.
 */
function easyRead({ model: m, texts: t }: HtmlInput): string {
  const scanned = m.services.filter((s) => s.openPatterns !== null).length;
  const kpi = (id: Kpi['id']) => m.kpis.find((k) => k.id === id);
  const sentences = t.easyRead({
    from: t.longDate(m.period.firstDay),
    to: t.longDate(m.period.lastDay),
    openOn: t.longDate(m.provisional ? berlinDate(m.asOf - 1) : m.period.lastDay),
    openBeforeOn: t.longDate(m.previous.lastDay),
    noData: m.dataUntil === null,
    services: m.services.length,
    scanned,
    open: m.changes === null || scanned === 0 ? null : m.changes.openAtEnd,
    openBefore: kpi('openPatterns')?.previous ?? null,
    severeServices: kpi('servicesWithSevereIssues')?.value ?? 0,
    fixed: m.changes ? m.changes.fixed + m.changes.transient : 0,
    measures: m.measures.length,
    overdue: m.measures.filter((x) => x.overdue).length,
  });
  return `<p class="notice"><strong>${e(t.easyReadNote)}</strong></p>
${sentences.map((s) => `<p>${e(s)}</p>`).join('\n')}`;
}

function changes(input: HtmlInput): string {
  const { texts: t } = input;
  return `<p>${e(t.changesIntro)}</p>
${table(input, 'changes')}
${chart(input, 'trend')}
${table(input, 'median-days-to-fix')}
${table(input, 'oldest-open')}`;
}

function appendix(input: HtmlInput): string {
  const all = input.tables.get('findings');
  const limit = input.appendixRows;
  if (!all || limit === undefined || all.rows.length <= limit) return table(input, 'findings');
  const cut = new Map(input.tables).set('findings', { ...all, rows: all.rows.slice(0, limit) });
  return `<p>${e(input.texts.appendixCut(limit, all.rows.length, input.findingsCsv ?? ''))}</p>${table({ ...input, tables: cut }, 'findings')}`;
}

/** A chart, its text summary, and its data table right after it. */
function chart(input: HtmlInput, id: string): string {
  const c = input.charts.get(id);
  if (!c) return '';
  return `<figure>
${c.svg}
<figcaption>${e(c.title)}: ${e(c.summary)}</figcaption>
</figure>
${table(input, c.table, input.texts.dataTable)}`;
}

/**
 * The cells that name a row (WCAG 1.3.1), by table: a screen reader reads them with every
 * other cell of the row, so together they must tell the rows apart. A service is its
 * county and service (the same service id runs in several counties); a row about one thing
 * of a service adds that thing. Tables not listed are named by their first column.
 */
const ROW_HEADERS: Readonly<Record<string, readonly string[]>> = {
  kpis: ['kpi'],
  coverage: ['clause', 'sc'],
  services: ['county', 'service'],
  bitv: ['county', 'service'],
  ranked: ['county', 'service'],
  heatmap: ['county', 'service'],
  'media-breaks': ['county', 'service'],
  availability: ['county', 'service'],
  'availability-lowest': ['county', 'service'],
  'availability-weekly': ['county', 'service', 'week'],
  journeys: ['county', 'service', 'journey'],
  documents: ['county', 'service', 'url'],
  'oldest-open': ['county', 'service', 'rule', 'page'],
  'needs-review': ['county', 'service', 'rule'],
  waivers: ['county', 'service', 'rule'],
  'shared-components': ['rule', 'html'],
  measures: ['rank', 'rule'],
  'by-level': ['level'],
  findings: ['county', 'service', 'rule', 'page', 'selector'],
};

function rowHeaders(tbl: Table): Set<string> {
  const keys = (ROW_HEADERS[tbl.id] ?? []).filter((k) => tbl.columns.some((c) => c.key === k));
  const first = tbl.columns[0]?.key;
  return new Set(keys.length > 0 ? keys : first === undefined ? [] : [first]);
}

/** Tables with this many columns or more print small, on landscape pages. */
const WIDE_COLUMNS = 7;
const WIDE = '<table class="wide">';

function table(input: HtmlInput, id: string, prefix?: string): string {
  const found = input.tables.get(id);
  if (!found) return '';
  const tbl = { ...found, columns: found.columns.filter((c) => !c.csvOnly) };
  const caption = prefix ? `${prefix}: ${tbl.caption}` : tbl.caption;
  if (tbl.rows.length === 0)
    return `<p><strong>${e(caption)}</strong>: ${e(tbl.none ?? input.texts.none)}</p>`;
  const numeric = (c: Column): boolean =>
    c.format === 'int' || c.format === 'decimal' || c.format === 'percent';
  const wide = tbl.columns.length >= WIDE_COLUMNS;
  // A wide table's columns are narrow in print: its headings break inside words.
  const label = (c: Column): string => (wide ? softHyphens(c.label, input.lang) : c.label);
  const head = tbl.columns
    .map((c) => `<th scope="col"${numeric(c) ? ' class="num"' : ''}>${e(label(c))}</th>`)
    .join('');
  const named = rowHeaders(tbl);
  const body = tbl.rows
    .map(
      (row) =>
        `<tr>${tbl.columns
          .map((c) => {
            // Row headings (county, service) too: an id such as "kfz-zulassung" in a narrow
            // column broke as "zulassu|ng".
            const text = cell(row[c.key] ?? null, c, input, wide && named.has(c.key));
            const cls = numeric(c) ? ' class="num"' : '';
            return named.has(c.key)
              ? `<th scope="row"${cls}>${text}</th>`
              : `<td${cls}>${text}</td>`;
          })
          .join('')}</tr>`,
    )
    .join('\n');
  const cols = wide
    ? `\n<colgroup>${columnShares(tbl, input)
        .map((share) => `<col style="width: ${share}%">`)
        .join('')}</colgroup>`
    : '';
  return `${wide ? WIDE : '<table>'}
<caption>${e(caption)}</caption>${cols}
<thead><tr>${head}</tr></thead>
<tbody>
${body}
</tbody></table>`;
}

/**
 * The share of a wide table's width (percent) each column gets in print: room for the
 * longest word of its header and of its cells (a cell's word counts up to 11 characters;
 * longer ones, such as URLs, wrap anywhere). The table's layout is then fixed, so it fits
 * the page whatever the data, and short headers keep their words whole.
 */
function columnShares(tbl: Table, input: HtmlInput): number[] {
  // Width in average characters: narrow letters count less, wide ones more.
  const width = (word: string): number =>
    [...word].reduce(
      (n, ch) =>
        n +
        (/[ilfjtr.,:;'|!()-]/.test(ch)
          ? 0.6
          : /[mwMW]/.test(ch)
            ? 1.4
            : /[A-ZÄÖÜ]/.test(ch)
              ? 1.2
              : 1),
      0,
    );
  const longestWord = (text: string): number => Math.max(0, ...text.split(/(?<=-)|\s+/).map(width));
  const needs = tbl.columns.map(
    (c) =>
      // Room for the padding of the cell, about two characters.
      2 +
      Math.max(
        3,
        // Headers are bold: a little wider per character.
        longestWord(c.label) * 1.4,
        ...tbl.rows.map((row) =>
          Math.min(11, longestWord(plainText(cell(row[c.key] ?? null, c, input)))),
        ),
      ),
  );
  const sum = needs.reduce((a, b) => a + b, 0);
  return needs.map((n) => Math.round((n / sum) * 1000) / 10);
}

/** The text of a cell's HTML, for measuring: tags dropped, each escape one character. */
function plainText(html: string): string {
  return html.replace(/<[^>]*>/g, ' ').replace(/&#?\w+;/g, 'x');
}

/** `hyphenate`: a one-line text gets soft hyphens (see hyphenate.ts). */
function cell(raw: Cell, column: Column, input: HtmlInput, hyphenate = false): string {
  const { texts: t, lang } = input;
  if (raw === null || raw === '') return e(column.empty ?? '–');
  // A code (impact, document class, finding state) in the words of the report's language.
  const value = typeof raw === 'string' ? (column.labels?.[raw] ?? raw) : raw;
  switch (column.format) {
    case 'int':
    case 'decimal':
      return typeof value === 'number' ? e(number(value, lang)) : e(String(value));
    case 'percent':
      return typeof value === 'number' ? e(percent(value, lang)) : e(String(value));
    case 'date':
      return typeof value === 'number' ? e(berlinDate(value)) : e(String(value));
    case 'signal':
      return value === 1 ? `✓ ${e(t.yes)}` : value === 0 ? `✗ ${e(t.no)}` : '–';
    case 'bool':
      return value === true ? e(t.yes) : e(t.no);
    case 'code':
      return `<code>${e(String(value))}</code>`;
    case 'url':
      return `<span class="url">${e(String(value))}</span>`;
    case 'text': {
      // Lines of page text (media-break evidence) each in their own bidi isolate: an
      // override in one cannot reorder the next.
      const lines = String(value).split('\n');
      if (lines.length > 1) return lines.map(pageText).join('<br>');
      const line = lines[0] ?? '';
      return e(hyphenate ? softHyphens(line, lang) : line);
    }
  }
}

/**
 * A moment as the report's readers read a clock: in Berlin, with the zone in effect then
 * (MEZ or MESZ), not in UTC.
 */
function localTime(epochMs: number, { lang, texts }: HtmlInput): string {
  const parts = new Intl.DateTimeFormat(lang === 'de' ? 'de-DE' : 'en-GB', {
    timeZone: REPORT_TIME_ZONE,
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
    timeZoneName: 'short',
  }).formatToParts(epochMs);
  const part = (type: string): string => parts.find((p) => p.type === type)?.value ?? '';
  const time = `${part('hour')}:${part('minute')}:${part('second')}`;
  return texts.localTime(berlinDate(epochMs), time, part('timeZoneName'));
}

function number(value: number, lang: Lang, digits = 1): string {
  return value.toLocaleString(lang === 'de' ? 'de-DE' : 'en-GB', { maximumFractionDigits: digits });
}

function percent(fraction: number, lang: Lang): string {
  return `${number(fraction * 100, lang, 2)} %`;
}
