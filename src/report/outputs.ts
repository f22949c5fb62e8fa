/**
 * Writes a rendered report: HTML, PDF (printed by Chromium from the HTML), one CSV per
 * table, and JSON with the model and every table. File names carry the period and scope,
 * so reports of different quarters sit side by side in one folder.
 */
import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { stringify } from 'csv-stringify/sync';
import { CHROMIUM_ARGS, chromiumExecutable } from '../runner/browser-host.ts';
import { berlinDate } from './period.ts';
import type { ReportModel } from './model.ts';
import { makePdfUa } from './pdf-ua.ts';
import type { Table } from './tables.ts';

export const REPORT_FORMATS = ['html', 'pdf', 'csv', 'json'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export function parseFormats(text: string): ReportFormat[] {
  const formats = text
    .split(',')
    .map((f) => f.trim())
    .filter((f) => f !== '');
  const wrong = formats.filter((f) => !(REPORT_FORMATS as readonly string[]).includes(f));
  if (formats.length === 0 || wrong.length > 0) {
    throw new Error(
      `--format: expected a comma-separated list of ${REPORT_FORMATS.join(', ')}, got ${JSON.stringify(text)}`,
    );
  }
  return [...new Set(formats)] as ReportFormat[];
}

/**
 * `ozgwatch-report-2026-Q4`, with scope and language when they are not the defaults, and
 * `-provisional` for a period that had not ended: the final report's name stays free, so the
 * daemon still makes it at the quarter's end, and nobody mistakes one for the other.
 */
export function reportBaseName(
  model: Pick<ReportModel, 'period' | 'scope'> & { provisional?: boolean },
  lang: string,
): string {
  const parts = ['ozgwatch-report', model.period.label.replace(/[^0-9A-Za-z-]+/g, '_')];
  if (model.scope.county) parts.push(model.scope.county);
  if (model.scope.service) parts.push(model.scope.service);
  if (lang !== 'de') parts.push(lang);
  if (model.provisional) parts.push('provisional');
  return parts.join('-');
}

/** Writes via a temporary name, so a reader never sees half a report. */
export async function writeAtomically(file: string, data: string | Uint8Array): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(temporary, data);
  await rename(temporary, file);
}

/**
 * One CSV per table, with the stable column keys as header. Dates become ISO dates (Berlin),
 * fractions stay fractions. Cells that would start a spreadsheet formula are escaped:
 * the text came from watched sites.
 */
export function tableCsv(table: Table): string {
  const rows = table.rows.map((row) =>
    table.columns.map((c) => {
      const v = row[c.key] ?? null;
      if (v === null) return '';
      if (c.format === 'date' && typeof v === 'number') return berlinDate(v);
      if (typeof v === 'boolean') return v ? 'true' : 'false';
      return v;
    }),
  );
  return stringify([table.columns.map((c) => c.key), ...rows], {
    escape_formulas: true,
    record_delimiter: 'windows',
  });
}

export function reportJson(model: ReportModel, tables: ReadonlyMap<string, Table>): string {
  return `${JSON.stringify(
    {
      model,
      tables: Object.fromEntries(
        [...tables.values()].map((t) => [
          t.id,
          { caption: t.caption, columns: t.columns, rows: t.rows },
        ]),
      ),
    },
    null,
    2,
  )}\n`;
}

/** What the printer reads of a link in the page (this project compiles without the DOM types). */
interface Anchor {
  getAttribute(name: string): string | null;
  textContent: string;
}

export interface PdfOptions {
  /** A Chromium binary; unset = Playwright's browser or a system Chromium. */
  executablePath?: string;
  args?: readonly string[];
}

/**
 * Prints the HTML with Chromium as a tagged PDF with an outline (headings become
 * bookmarks), then makes it a PDF/UA-1 file (pdf-ua.ts). The page may make no request:
 * the report is self-contained, and anything else is refused.
 */
export async function printPdf(
  html: string,
  options: PdfOptions = {},
  signal?: AbortSignal,
): Promise<Buffer> {
  signal?.throwIfAborted();
  const { chromium } = await import('playwright');
  const executablePath = options.executablePath ?? (await chromiumExecutable());
  const browser = await chromium.launch({
    ...(executablePath ? { executablePath } : {}),
    headless: true,
    args: [...CHROMIUM_ARGS, ...(options.args ?? [])],
    // In the daemon, SIGHUP means reload and SIGTERM a graceful stop: neither may close this browser.
    handleSIGINT: false,
    handleSIGTERM: false,
    handleSIGHUP: false,
  });
  let tagged: Uint8Array;
  let links: [href: string, text: string][];
  // Stopped (the daemon is shutting down): the browser is closed, which ends the printing,
  // so that Chromium exits and is reaped here rather than left to the process's end.
  const stop = (): void => void browser.close();
  signal?.addEventListener('abort', stop, { once: true });
  try {
    signal?.throwIfAborted();
    const context = await browser.newContext({ javaScriptEnabled: false });
    await context.route('**/*', (route) => route.abort('blockedbyclient'));
    const page = await context.newPage();
    await page.setContent(html, { waitUntil: 'load' });
    links = await page.$$eval('a[href]', (anchors: Anchor[]) =>
      anchors.map((a): [string, string] => [
        a.getAttribute('href') ?? '',
        a.textContent.replace(/\s+/g, ' ').trim(),
      ]),
    );
    tagged = await page.pdf({
      format: 'A4',
      printBackground: true,
      tagged: true,
      outline: true,
      margin: { top: '16mm', bottom: '16mm', left: '14mm', right: '14mm' },
    });
  } finally {
    signal?.removeEventListener('abort', stop);
    await browser.close();
  }
  return Buffer.from(await makePdfUa(tagged, { linkTexts: new Map(links) }));
}
