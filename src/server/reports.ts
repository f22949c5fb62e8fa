/**
 * The `/reports` routes: list, generate (POST, one at a time), and serve the files of
 * `<dataDir>/reports`. Only names of the report pattern are served, nothing else there.
 */
import { readdir, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import type { Logger } from 'pino';
import type { Deadlines } from '../report/deadlines.ts';
import { generateReportInWorker } from '../report/generate-in-worker.ts';
import { parseFormats, type PdfOptions } from '../report/outputs.ts';
import { parseQuarter, previousPeriod, quarterOf, type Period } from '../report/period.ts';
import { ReportGate } from '../report/quarterly.ts';
import { parseLang } from '../report/texts.ts';
import type { StoreLocation } from '../store/open.ts';
import { StoreUnavailableError, type Store } from '../store/store.ts';
import { openInside, sendFile } from './files.ts';
import { renderReportsPage, type ReportFile } from './reports-page.ts';
import { BASE_HEADERS, sendHtml, sendJson } from './respond.ts';
import { RETRY_AFTER_SECONDS } from './unavailable.ts';

export interface ReportsOptions {
  /** Folder of the generated reports. */
  dir: string;
  /** Where the daemon's store is: the worker that makes a report opens it again. */
  storeLocation: StoreLocation;
  pdf?: PdfOptions;
  /** Wall time, for the quarters offered and whether a period is unfinished. @default Date.now */
  now?: () => number;
  /** Shared with the quarterly schedule: one report at a time. @default one of this server's own */
  gate?: ReportGate;
  /** Counts each report made (true) or failed (false), for `ozgwatch_reports_total`. */
  onReport?: (ok: boolean) => void;
  /** This daemon makes the ended quarter's report by itself: the page says so. @default false */
  quarterly?: boolean;
  /** Due dates of the measures by impact (`reports.deadlines`), as in the scheduled report. */
  deadlines?: Deadlines;
}

const REPORT_FILE =
  /^ozgwatch-report-[0-9A-Za-z_-]{1,120}(\.[a-z0-9-]{1,40})?\.(html|pdf|csv|json)$/;
const CONTENT_TYPES: Record<string, string> = {
  html: 'text/html; charset=utf-8',
  pdf: 'application/pdf',
  csv: 'text/csv; charset=utf-8',
  json: 'application/json; charset=utf-8',
};
const MAX_BODY = 2048;
const ownGate = new ReportGate();

export async function handleReports(
  req: IncomingMessage,
  res: ServerResponse,
  route: string,
  store: Store,
  options: ReportsOptions,
  logger: Logger,
  closing: AbortSignal,
): Promise<void> {
  if (route === '/reports' && req.method === 'POST')
    return create(req, res, store, options, logger, closing);
  if (route === '/reports') return sendHtml(res, 200, await page(options));
  const name = decodedName(route.slice('/reports/'.length));
  const file =
    name !== undefined && REPORT_FILE.test(name)
      ? await openInside(options.dir, path.join(options.dir, name))
      : undefined;
  if (name === undefined || !file) return sendJson(res, 404, { error: 'no such report' });
  const ext = name.slice(name.lastIndexOf('.') + 1);
  res.writeHead(200, {
    ...BASE_HEADERS,
    'content-type': CONTENT_TYPES[ext] ?? 'application/octet-stream',
    'content-length': String(file.size),
    'cache-control': 'private, no-cache',
    // The HTML report needs no script and loads nothing: inline style and inline SVG only.
    // Not sandboxed: accessibility tools (axe) cannot check a page of an opaque origin, and
    // the report is ozgwatch's own escaped rendering. The downloads are.
    'content-security-policy':
      ext === 'html'
        ? "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'none'; base-uri 'none'; frame-ancestors 'none'"
        : "sandbox; default-src 'none'; frame-ancestors 'none'",
    // REPORT_FILE admits `[0-9A-Za-z._-]` only, so the quoted form is exact.
    ...(ext === 'html' ? {} : { 'content-disposition': `attachment; filename="${name}"` }),
  });
  sendFile(res, file, req.method === 'HEAD');
}

/** The file name of a `/reports/` path; undefined for a broken escape (`%E0%A4%A`). */
function decodedName(text: string): string | undefined {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}

async function page(options: ReportsOptions, error?: string): Promise<string> {
  const files = await readdir(options.dir, { withFileTypes: true }).catch(() => []);
  const byBase = new Map<string, ReportFile[]>();
  for (const entry of files) {
    if (!entry.isFile() || !REPORT_FILE.test(entry.name)) continue;
    const st = await stat(path.join(options.dir, entry.name)).catch(() => undefined);
    if (!st) continue;
    const base = entry.name.replace(/(\.[a-z0-9-]+)?\.(html|pdf|csv|json)$/, '');
    byBase.set(base, [
      ...(byBase.get(base) ?? []),
      { name: entry.name, bytes: st.size, modified: st.mtimeMs },
    ]);
  }
  const reports = [...byBase.entries()]
    .map(([base, list]) => ({
      base,
      files: list.sort((a, b) => a.name.localeCompare(b.name)),
      modified: Math.max(...list.map((f) => f.modified)),
    }))
    .sort((a, b) => b.modified - a.modified || b.base.localeCompare(a.base));
  const running = quarterOf((options.now ?? Date.now)());
  const quarters: string[] = [];
  let q: Period = previousPeriod(running);
  for (let i = 0; i < 8; i++, q = previousPeriod(q)) quarters.push(q.label);
  return renderReportsPage({
    reports,
    running: running.label,
    quarters,
    quarterly: options.quarterly ?? false,
    ...(error ? { error } : {}),
  });
}

async function create(
  req: IncomingMessage,
  res: ServerResponse,
  store: Store,
  options: ReportsOptions,
  logger: Logger,
  closing: AbortSignal,
): Promise<void> {
  // A form on another site must not make the daemon work: browsers say where a POST came from.
  // Browsers from before Sec-Fetch-Site (2020) still send Origin with a form's POST.
  const site = req.headers['sec-fetch-site'];
  const origin = req.headers.origin;
  if (
    (site !== undefined && site !== 'same-origin' && site !== 'none') ||
    (site === undefined && origin !== undefined && !sameHost(origin, req.headers.host))
  ) {
    return sendJson(res, 403, { error: 'cross-site request refused' });
  }
  let body: string;
  try {
    body = await readBody(req);
  } catch (error) {
    res.setHeader('connection', 'close');
    return sendJson(res, 413, { error: (error as Error).message });
  }
  const form = new URLSearchParams(body);
  let period: Period;
  let formats;
  let lang;
  try {
    period = parseQuarter(form.get('quarter') ?? '');
    formats = parseFormats(form.getAll('format').join(',') || 'html');
    lang = parseLang(form.get('lang') ?? 'de');
  } catch (error) {
    return sendHtml(res, 400, await page(options, (error as Error).message.replace(/^--/, '')));
  }
  const refused = outOfRange(period, (options.now ?? Date.now)());
  if (refused) return sendHtml(res, 400, await page(options, refused));
  const gate = options.gate ?? ownGate;
  if (!gate.tryAcquire()) {
    return sendHtml(
      res,
      409,
      await page(
        options,
        'Ein anderer Bericht wird gerade erstellt; bitte gleich noch einmal versuchen.',
      ),
    );
  }
  try {
    // Known to be unreachable: answered now, not after a flush and the worker have each
    // waited for a connection that does not come.
    const outage = store.outage();
    if (outage) throw outage;
    // The worker reads what is committed: the results still queued go first. A store that
    // cannot write now still has its history to report.
    await store.flush().catch((error: unknown) => {
      logger.warn({ err: error }, 'report made without the results still queued');
    });
    const files = await generateReportInWorker(
      {
        store: options.storeLocation,
        request: {
          period,
          formats: formats.includes('html') ? formats : ['html', ...formats],
          lang,
          outDir: options.dir,
          ...(options.pdf ? { pdf: options.pdf } : {}),
          ...(options.deadlines ? { deadlines: options.deadlines } : {}),
          // Whether the period is unfinished ("vorläufig") by the daemon's clock.
          now: (options.now ?? Date.now)(),
        },
      },
      closing,
    );
    logger.info({ period: period.label, files: files.length }, 'report generated');
    options.onReport?.(true);
    const html = files.find((f) => f.endsWith('.html')) as string;
    res.writeHead(303, { location: `/reports/${encodeURIComponent(path.basename(html))}` });
    res.end();
  } catch (error) {
    if (closing.aborted) {
      logger.info({ period: period.label }, 'report not made: the daemon is stopping');
      return sendHtml(
        res,
        503,
        await page(
          options,
          'ozgwatch wird gerade beendet; der Bericht wurde nicht erstellt. Bitte nach dem Neustart noch einmal versuchen.',
        ),
      );
    }
    if (error instanceof StoreUnavailableError) {
      logger.warn(
        { err: error, period: period.label },
        'report not made: the store is unreachable',
      );
      options.onReport?.(false);
      res.setHeader('retry-after', String(RETRY_AFTER_SECONDS));
      return sendHtml(
        res,
        503,
        await page(
          options,
          'Die Ergebnisdatenbank ist gerade nicht erreichbar; der Bericht wurde nicht erstellt. Die Prüfungen laufen weiter. Bitte später noch einmal versuchen.',
        ),
      );
    }
    logger.error({ err: error }, 'report failed');
    options.onReport?.(false);
    return sendHtml(
      res,
      500,
      await page(options, 'Der Bericht konnte nicht erstellt werden; Einzelheiten im Log.'),
    );
  } finally {
    gate.release();
  }
}

/**
 * Why a quarter is not made from the web: one not begun has nothing to report, and each
 * made-up quarter would leave a set of files behind, so a loop over years could fill the
 * disk. The running quarter is fine: its report is provisional (`-provisional`). Years
 * before 2000 are refused by `parseQuarter` already.
 */
function outOfRange(period: Period, now: number): string | undefined {
  if (period.from > now)
    return `Das Quartal ${period.label} hat noch nicht begonnen; es gibt noch nichts zu berichten.`;
  return undefined;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        // Answer first, then drop the rest of the body unread.
        req.removeAllListeners('data');
        req.resume();
        reject(new Error(`request body over ${MAX_BODY} bytes`));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** Whether an Origin header names the host the request was sent to (`null` never does). */
function sameHost(origin: string, host: string | undefined): boolean {
  try {
    return host !== undefined && new URL(origin).host === host;
  } catch {
    return false;
  }
}
