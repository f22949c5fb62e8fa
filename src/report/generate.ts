/**
 * `ozgwatch report` and the `/reports` page share this: collect the model from the store,
 * build tables and charts, and write the formats asked for.
 */
import path from 'node:path';
import type { Store } from '../store/store.ts';
import { buildCharts } from './charts.ts';
import { collectReport } from './collect.ts';
import type { Deadlines } from './deadlines.ts';
import { renderHtml } from './html.ts';
import type { ReportModel, Scope } from './model.ts';
import {
  printPdf,
  reportBaseName,
  reportJson,
  tableCsv,
  writeAtomically,
  type PdfOptions,
  type ReportFormat,
} from './outputs.ts';
import type { Period } from './period.ts';
import { buildTables } from './tables.ts';
import { TEXTS, type Lang } from './texts.ts';

/** Rows of the appendix in the PDF; the HTML, CSV and JSON carry every finding. */
export const PDF_APPENDIX_ROWS = 1000;

export interface ReportRequest {
  period: Period;
  scope?: Scope;
  formats: readonly ReportFormat[];
  lang: Lang;
  /** Folder the files go to; created when missing. */
  outDir: string;
  /** Due dates of the measures by impact (`reports.deadlines`). @default DEFAULT_DEADLINES */
  deadlines?: Deadlines;
  pdf?: PdfOptions;
  /**
   * The clock (epoch ms) that tells whether the period has ended (a provisional report).
   * @default Date.now()
   */
  now?: number;
  /**
   * Write nothing when not a single run of the scope falls in the period: the daemon's
   * schedule makes no report that would only say "Keine Daten". @default false
   */
  skipEmpty?: boolean;
}

export interface GeneratedReport {
  model: ReportModel;
  /** Paths of the files written, HTML first; none for an empty period with `skipEmpty`. */
  files: string[];
  /** The HTML, also when it was not written (the PDF is printed from it). */
  html: string;
}

/** `signal` stops a PDF being printed (its Chromium is closed); the rest is short. */
export async function generateReport(
  store: Store,
  request: ReportRequest,
  signal?: AbortSignal,
): Promise<GeneratedReport> {
  const model = await collectReport(store, {
    period: request.period,
    ...(request.scope ? { scope: request.scope } : {}),
    ...(request.now !== undefined ? { now: request.now } : {}),
    ...(request.deadlines ? { deadlines: request.deadlines } : {}),
  });
  if (request.skipEmpty && model.dataUntil === null) return { model, files: [], html: '' };
  const texts = TEXTS[request.lang];
  const tables = buildTables(model, texts, request.lang);
  const charts = await buildCharts(model, texts, request.lang);
  const html = renderHtml({ model, tables, charts, texts, lang: request.lang });
  const base = path.join(request.outDir, reportBaseName(model, request.lang));
  const files: string[] = [];
  const write = async (file: string, data: string | Uint8Array): Promise<void> => {
    await writeAtomically(file, data);
    files.push(file);
  };
  if (request.formats.includes('html')) await write(`${base}.html`, html);
  if (request.formats.includes('pdf')) {
    const printable = renderHtml({
      model,
      tables,
      charts,
      texts,
      lang: request.lang,
      appendixRows: PDF_APPENDIX_ROWS,
      findingsCsv: `${path.basename(base)}.findings.csv`,
    });
    await write(`${base}.pdf`, await printPdf(printable, request.pdf, signal));
  }
  if (request.formats.includes('json')) await write(`${base}.json`, reportJson(model, tables));
  if (request.formats.includes('csv')) {
    for (const table of tables.values()) await write(`${base}.${table.id}.csv`, tableCsv(table));
  }
  return { model, files, html };
}
