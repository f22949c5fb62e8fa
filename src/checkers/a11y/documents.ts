import { request } from 'undici';
import type { Page } from 'playwright';
import type { PdfDocumentInfo } from '../../results/result.ts';
import type { CheckContext } from '../checker.ts';
import { classifyPdf } from './pdf.ts';

export interface DocumentLimits {
  /** At most this many documents per run. */
  max: number;
  /** Larger files are not downloaded whole; they end as `broken` with the reason. */
  maxBytes: number;
}

/** Links to PDFs on the page now shown (by extension; query strings allowed). */
export async function pdfLinks(page: Page): Promise<string[]> {
  const hrefs = await page.evaluate<string[]>(
    `[...document.querySelectorAll('a[href]')].map((a) => a.href)`,
  );
  return hrefs.filter((h) => /^https?:/.test(h) && /\.pdf($|[?#])/i.test(h));
}

/**
 * Fetches and classifies each document once, within the per-host limit, the run's
 * deadline and a size limit; a failed download is a `broken` finding, not a failed run.
 */
export async function classifyDocuments(
  ctx: CheckContext,
  urls: readonly string[],
  limits: DocumentLimits,
): Promise<PdfDocumentInfo[]> {
  const out: PdfDocumentInfo[] = [];
  for (const url of [...new Set(urls)].slice(0, limits.max)) {
    ctx.signal.throwIfAborted();
    const fetched = await download(ctx, url, limits.maxBytes);
    out.push(
      typeof fetched === 'string'
        ? {
            url,
            bytes: 0,
            class: 'broken',
            pages: 0,
            tagged: false,
            formFields: 0,
            fonts: 0,
            images: 0,
            error: fetched,
          }
        : await classifyPdf(url, fetched),
    );
  }
  return out;
}

/** The bytes, or why there are none. */
async function download(
  ctx: CheckContext,
  url: string,
  maxBytes: number,
): Promise<Uint8Array | string> {
  try {
    return await ctx.hosts.run(new URL(url).host, ctx.signal, async () => {
      const res = await request(url, {
        headers: { 'user-agent': ctx.userAgent, accept: 'application/pdf' },
        signal: ctx.signal,
      });
      if (res.statusCode >= 400) {
        await res.body.dump();
        return `status ${res.statusCode}`;
      }
      const declared = Number(res.headers['content-length'] ?? 0);
      if (declared > maxBytes) {
        await res.body.dump();
        return `larger than ${maxBytes} bytes (${declared})`;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of res.body as AsyncIterable<Buffer>) {
        size += chunk.length;
        if (size > maxBytes) {
          res.body.destroy();
          return `larger than ${maxBytes} bytes`;
        }
        chunks.push(chunk);
      }
      return new Uint8Array(Buffer.concat(chunks));
    });
  } catch (error) {
    if (ctx.signal.aborted) throw error;
    return error instanceof Error ? error.message : String(error);
  }
}
