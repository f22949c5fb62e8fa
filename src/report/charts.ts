/**
 * The report's charts: Vega-Lite specifications rendered to SVG on the server, with no
 * browser and no canvas. Each chart is an image with a text alternative; its numbers are
 * in the data table printed next to it, so nothing is told by colour alone.
 */
import * as vega from 'vega';
import { escapeHtml } from '../server/pages.ts';
import { compile, type TopLevelSpec } from 'vega-lite';
import { accessibleDocument, countableDocument, partialDocument } from './common.ts';
import { IMPACT_ORDER, type ReportModel } from './model.ts';
import { documentClasses, lowestAvailability, rankedServices } from './tables.ts';
import type { Texts } from './texts.ts';
import { PRINCIPLES } from './wcag.ts';

export interface Chart {
  id: string;
  title: string;
  /** One or two sentences saying what the chart shows: its text alternative. */
  summary: string;
  /** The table with the same data. */
  table: string;
  svg: string;
}

/** Colours with at least 3:1 contrast against white (WCAG 1.4.11), darkest for the worst. */
const IMPACT_COLOURS = ['#7f0000', '#c0392b', '#8a5a00', '#4a5a6a'];
const BASE_CONFIG = {
  // The SVG as a whole is one image with a text alternative; its parts need no roles.
  aria: false,
  font: 'system-ui, sans-serif',
  view: { stroke: null },
  axis: { labelFontSize: 12, titleFontSize: 12, labelColor: '#1a1a1a', titleColor: '#1a1a1a' },
  legend: { labelFontSize: 12, titleFontSize: 12, labelColor: '#1a1a1a', titleColor: '#1a1a1a' },
} as const;

/** Number formats of the report's language: 0,5 and 99,5 % in German. */
const NUMBER_LOCALES = {
  de: {
    decimal: ',',
    thousands: '.',
    grouping: [3],
    currency: ['', '\u00a0€'],
    percent: '\u00a0%',
  },
  en: { decimal: '.', thousands: ',', grouping: [3], currency: ['£', ''], percent: '\u00a0%' },
} as const;

/** An axis or legend of counts: whole numbers only, no 0.4 of a pattern. */
const COUNT_AXIS = { format: ',d', tickMinStep: 1 } as const;

/** Axis labels (service names) are wrapped onto lines of this many characters, never cut. */
const LABEL_LINE = 32;

/**
 * A label on lines of at most `LABEL_LINE` characters, broken after hyphens and spaces
 * (a word longer than a line gets a line of its own). Lines are joined with `\n`, which
 * the axis's `labelExpr` splits.
 */
export function wrapLabel(text: string): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/(?<=[-\s])/)) {
    if (line !== '' && (line + word).trimEnd().length > LABEL_LINE) {
      lines.push(line.trimEnd());
      line = '';
    }
    line += word;
  }
  if (line !== '') lines.push(line.trimEnd());
  return lines.join('\n');
}

/** The axis of service names: whole names on several lines, none cut off. */
const SERVICE_AXIS = { labelLimit: 0, labelExpr: "split(datum.label, '\\n')" } as const;

const serviceLabel = (service: string, county: string): string =>
  wrapLabel(`${service} (${county})`);

/**
 * Vega formats axis labels with its process-wide default locale (a locale in the spec or
 * the view does not reach them in Vega 6): renders take turns, each setting its language's.
 */
let turn: Promise<unknown> = Promise.resolve();

function render(id: string, spec: TopLevelSpec, label: string, lang: 'de' | 'en'): Promise<string> {
  const mine = turn.then(() => renderNow(id, spec, label, lang));
  turn = mine.catch(() => undefined);
  return mine;
}

async function renderNow(
  id: string,
  spec: TopLevelSpec,
  label: string,
  lang: 'de' | 'en',
): Promise<string> {
  vega.formatLocale(NUMBER_LOCALES[lang]);
  const compiled = compile({ ...spec, config: BASE_CONFIG }).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  try {
    const svg = await view.toSVG();
    return localIds(svg, id).replace(
      /^<svg /,
      `<svg role="img" aria-label="${escapeHtml(label)}" focusable="false" `,
    );
  } finally {
    view.finalize();
  }
}

/**
 * The SVG is one image with a text alternative: the roles Vega gives its mark groups go.
 * Vega numbers gradients and clip paths with counters global to the process, so the same
 * chart would get other ids in the next report. Ids local to the chart keep the output
 * reproducible and unique within the page.
 */
function localIds(svg: string, chart: string): string {
  const ids = new Map<string, string>();
  const local = (id: string): string => {
    if (!ids.has(id)) ids.set(id, `${chart}-${ids.size}`);
    return ids.get(id) as string;
  };
  return svg
    .replace(/ role="graphics-[a-z]+"| aria-roledescription="[^"]*"/g, '')
    .replace(/id="((?:gradient_|clip|pattern_)\d+)"/g, (_m, id: string) => `id="${local(id)}"`)
    .replace(/url\(#((?:gradient_|clip|pattern_)\d+)\)/g, (_m, id: string) => `url(#${local(id)})`);
}

const pct = (v: number, lang: 'de' | 'en'): string =>
  `${(v * 100).toLocaleString(lang === 'de' ? 'de-DE' : 'en-GB', { maximumFractionDigits: 2 })} %`;

export async function buildCharts(
  m: ReportModel,
  t: Texts,
  lang: 'de' | 'en',
): Promise<Map<string, Chart>> {
  const charts: Chart[] = [];
  const impactScale = {
    domain: IMPACT_ORDER.map((i) => t.impact[i] ?? i),
    range: IMPACT_COLOURS,
  };

  const weeksSeen = [...new Set(m.trend.map((p) => p.week))];
  if (weeksSeen.length > 0) {
    const total = (week: string): number =>
      m.trend.filter((p) => p.week === week).reduce((n, p) => n + p.open, 0);
    const first = weeksSeen[0] as string;
    const last = weeksSeen.at(-1) as string;
    const summary = t.chartTrendSummary(total(first), total(last), first, last);
    charts.push({
      id: 'trend',
      title: t.chartTrend,
      summary,
      table: 'trend',
      svg: await render(
        'trend',
        {
          width: 640,
          height: 220,
          data: {
            values: m.trend.map((p) => ({
              week: p.week,
              impact: t.impact[p.impact] ?? p.impact,
              open: p.open,
              order: IMPACT_ORDER.indexOf(p.impact),
            })),
          },
          mark: { type: 'bar' },
          encoding: {
            x: { field: 'week', type: 'ordinal', title: t.weekColumn, axis: { labelAngle: -45 } },
            y: {
              field: 'open',
              type: 'quantitative',
              title: t.patternsColumn,
              stack: 'zero',
              axis: COUNT_AXIS,
            },
            color: {
              field: 'impact',
              type: 'nominal',
              title: t.impactColumn,
              scale: impactScale,
              sort: impactScale.domain,
            },
            order: { field: 'order', type: 'quantitative', sort: 'ascending' },
          },
        },
        `${t.chartTrend}. ${summary}`,
        lang,
      ),
    });
  }

  const ranked = rankedServices(m);
  const top = ranked[0];
  // Each bar says its level of administration (B3.2: the ranking split by level).
  const rankedLabel = (s: (typeof ranked)[number]): string =>
    s.adminLevel
      ? wrapLabel(`${s.service} (${s.county}, ${t.adminLevel[s.adminLevel] ?? s.adminLevel})`)
      : serviceLabel(s.service, s.county);
  const rankedSummary = t.chartRankedSummary(
    top ? `${top.service} (${top.county})` : '',
    top ? top.openPatterns.critical + top.openPatterns.serious : 0,
  );
  if (ranked.length > 0) {
    charts.push({
      id: 'ranked',
      title: t.chartRanked,
      summary: rankedSummary,
      table: 'ranked',
      svg: await render(
        'ranked',
        {
          width: 480,
          height: { step: 18 },
          data: {
            values: ranked.flatMap((s) =>
              (['critical', 'serious'] as const).map((i) => ({
                service: rankedLabel(s),
                impact: t.impact[i] ?? i,
                n: s.openPatterns[i],
                order: IMPACT_ORDER.indexOf(i),
              })),
            ),
          },
          mark: 'bar',
          encoding: {
            y: {
              field: 'service',
              type: 'nominal',
              title: t.serviceColumn,
              sort: ranked.map(rankedLabel),
              axis: SERVICE_AXIS,
            },
            x: {
              field: 'n',
              type: 'quantitative',
              title: t.patternsColumn,
              stack: 'zero',
              axis: COUNT_AXIS,
            },
            color: {
              field: 'impact',
              type: 'nominal',
              title: t.impactColumn,
              scale: { domain: impactScale.domain.slice(0, 2), range: IMPACT_COLOURS.slice(0, 2) },
            },
            order: { field: 'order', type: 'quantitative' },
          },
        },
        `${t.chartRanked}. ${rankedSummary}`,
        lang,
      ),
    });
  }

  const principles = m.byPrinciple;
  if (m.services.length > 0 && principles) {
    const best = PRINCIPLES.map((p) => [p, principles[p]] as const).sort(
      (a, b) => b[1] - a[1],
    )[0] as readonly [string, number];
    const summary = t.chartHeatmapSummary(`${best[0]} ${t.principle[best[0]]}`, best[1]);
    const cells = m.heatmap.map((c) => ({
      service: serviceLabel(c.service, c.county),
      principle: `${c.principle} ${t.principle[c.principle]}`,
      n: c.patterns,
    }));
    charts.push({
      id: 'heatmap',
      title: t.chartHeatmap,
      summary,
      table: 'heatmap',
      svg: await render(
        'heatmap',
        {
          data: { values: cells },
          encoding: {
            x: {
              field: 'principle',
              type: 'nominal',
              title: t.principleColumn,
              axis: { labelAngle: 0 },
            },
            y: { field: 'service', type: 'nominal', title: t.serviceColumn, axis: SERVICE_AXIS },
          },
          width: { step: 110 },
          height: { step: 20 },
          layer: [
            {
              mark: 'rect',
              encoding: {
                color: {
                  field: 'n',
                  type: 'quantitative',
                  title: t.patternsColumn,
                  scale: { scheme: 'oranges' },
                  legend: { format: ',d', tickMinStep: 1 },
                },
              },
            },
            {
              // The number in each cell: the heatmap reads without telling shades apart.
              mark: { type: 'text', fontSize: 12 },
              encoding: {
                text: { field: 'n', type: 'quantitative' },
                color: { condition: { test: 'datum.n > 6', value: 'white' }, value: 'black' },
              },
            },
          ],
        },
        `${t.chartHeatmap}. ${summary}`,
        lang,
      ),
    });
  }

  const classes = documentClasses(m);
  if (classes.length > 0) {
    // The tiers of the key figure: accessible is a PDF/UA claim that passed the machine checks.
    const countable = m.documents.filter(countableDocument);
    const summary = t.chartDocumentsSummary(
      countable.filter(accessibleDocument).length,
      countable.filter(partialDocument).length,
      countable.length,
    );
    charts.push({
      id: 'documents',
      title: t.chartDocuments,
      summary,
      table: 'document-classes',
      svg: await render(
        'documents',
        {
          width: 400,
          height: { step: 22 },
          data: {
            values: classes.map(([cls, n]) => ({ cls: wrapLabel(t.documentClass[cls] ?? cls), n })),
          },
          layer: [
            { mark: { type: 'bar', color: '#0b4fa3' } },
            {
              mark: { type: 'text', align: 'left', dx: 4, color: '#1a1a1a' },
              encoding: { text: { field: 'n', type: 'quantitative' } },
            },
          ],
          encoding: {
            y: {
              field: 'cls',
              type: 'nominal',
              title: t.documentColumns.class,
              sort: null,
              axis: SERVICE_AXIS,
            },
            x: { field: 'n', type: 'quantitative', title: t.countColumn, axis: COUNT_AXIS },
          },
        },
        `${t.chartDocuments}. ${summary}`,
        lang,
      ),
    });
  }

  const lowest = lowestAvailability(m);
  if (lowest.length > 0) {
    const worst = lowest[0] as (typeof lowest)[number];
    const summary = t.chartAvailabilitySummary(
      `${worst.service} (${worst.county})`,
      pct(worst.availability as number, lang),
    );
    charts.push({
      id: 'availability',
      title: t.chartAvailability,
      summary,
      table: 'availability-lowest',
      svg: await render(
        'availability',
        {
          width: 480,
          height: { step: 18 },
          data: {
            values: lowest.map((a) => ({
              service: serviceLabel(a.service, a.county),
              availability: a.availability,
            })),
          },
          // Bars start at the axis minimum, not at zero: the differences that matter are small.
          mark: { type: 'bar', color: '#0b4fa3', clip: true },
          encoding: {
            y: {
              field: 'service',
              type: 'nominal',
              title: t.serviceColumn,
              sort: null,
              axis: SERVICE_AXIS,
            },
            x: {
              field: 'availability',
              type: 'quantitative',
              title: t.availabilityColumns.availability,
              axis: { format: '.1%' },
              scale: { domain: [Math.min(0.9, ...lowest.map((a) => a.availability as number)), 1] },
            },
          },
        },
        `${t.chartAvailability}. ${summary}`,
        lang,
      ),
    });
  }
  return new Map(charts.map((c) => [c.id, c]));
}
