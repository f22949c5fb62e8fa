import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCharts, type Chart } from '../../src/report/charts.ts';
import { collectReport } from '../../src/report/collect.ts';
import type { ReportModel } from '../../src/report/model.ts';
import { TEXTS } from '../../src/report/texts.ts';
import { openSqliteStore } from '../../src/store/sqlite.ts';
import { Q4, seedQuarter } from './seed.ts';

const LONG = 'kfz-zulassung-und-ausserbetriebsetzung-online-i-kfz';
let dir: string;
let model: ReportModel;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'ozgwatch-report-charts-'));
  const store = openSqliteStore({
    path: path.join(dir, 'store.db'),
    logger: pino({ level: 'silent' }),
  });
  try {
    await seedQuarter(store);
    const collected = await collectReport(store, { period: Q4 });
    // A service id as long as counties write them.
    model = JSON.parse(
      JSON.stringify(collected).replaceAll('"kfz-zulassung"', JSON.stringify(LONG)),
    ) as ReportModel;
  } finally {
    await store.close();
  }
}, 60_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Each text drawn in a chart, its lines (tspans) joined by a space. */
function labels(chart: Chart): string[] {
  return [...chart.svg.matchAll(/<text[^>]*>([\s\S]*?)<\/text>/g)].map((m) =>
    (m[1] ?? '')
      .replace(/<tspan[^>]*>([^<]*)<\/tspan>/g, '$1 ')
      .replace(/&#(\d+);/g, (_, c: string) => String.fromCodePoint(Number(c)))
      .replace(/&amp;/g, '&')
      .trim(),
  );
}

describe('the report charts', () => {
  it('write numbers the German way, count in whole numbers and cut no label', async () => {
    const charts = await buildCharts(model, TEXTS.de, 'de');
    const all = [...charts.values()].flatMap(labels);
    // No English decimals (0.4, 99.5%), no fraction of a pattern or a document.
    expect(all.filter((l) => /^\d+\.\d/.test(l))).toEqual([]);
    for (const id of ['documents', 'ranked', 'trend']) {
      const ticks = labels(charts.get(id)!).filter((l) => /^[\d.,]+$/.test(l));
      expect(ticks.length, id).toBeGreaterThan(1);
      expect(
        ticks.filter((l) => !/^\d+$/.test(l)),
        id,
      ).toEqual([]);
    }
    expect(labels(charts.get('availability')!)).toContain('90,0\u00a0%');
    // Long names whole, on several lines; nothing ends in an ellipsis.
    expect(all.filter((l) => l.includes('…'))).toEqual([]);
    const names = labels(charts.get('availability')!).map((l) => l.replace(/- /g, '-'));
    expect(names).toContain(`${LONG} (lk-boeblingen)`);
  });
});

describe('the documents chart', () => {
  it('counts as accessible only PDF/UA claims whose machine checks passed, like the key figure', async () => {
    const charts = await buildCharts(model, TEXTS.de, 'de');
    // One scanned, one untagged, two claiming PDF/UA: one passed its checks, one failed.
    expect(charts.get('documents')?.summary).toBe(
      '1 von 4 prüfbaren Dokumenten erklärt PDF/UA und besteht die maschinelle Prüfung; 1 weiteres ist getaggt (teilweise barrierefrei).',
    );
    const kpi = model.kpis.find((k) => k.id === 'accessibleDocuments');
    expect(kpi?.value).toBe(1 / 4);
  });
});
