import { request } from 'undici';
import type { DocumentInfo } from '../../results/result.ts';
import type { CheckContext } from '../checker.ts';
import { brokenDocument, classifyDocument } from './classify.ts';

export interface DocumentLimits {
  /** At most this many documents per run. */
  max: number;
  /** Larger files are not downloaded whole; they end as `broken` with the reason. */
  maxBytes: number;
}

/** Addresses of downloadable documents, by extension (query strings allowed). */
export const DOCUMENT_LINK = /\.(pdf|docx?|odt)($|[?#])/i;

/**
 * Fetches and classifies each document once, within the per-host limit, the run's
 * deadline and a size limit; a failed download is a `broken` finding, not a failed run.
 */
export async function classifyDocuments(
  ctx: CheckContext,
  urls: readonly string[],
  limits: DocumentLimits,
): Promise<DocumentInfo[]> {
  const out: DocumentInfo[] = [];
  for (const url of [...new Set(urls)].slice(0, limits.max)) {
    ctx.signal.throwIfAborted();
    const fetched = await download(ctx, url, limits.maxBytes);
    out.push(
      typeof fetched === 'string'
        ? brokenDocument(url, 0, fetched)
        : await classifyDocument(url, fetched),
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
        headers: {
          'user-agent': ctx.userAgent,
          accept:
            'application/pdf, application/vnd.openxmlformats-officedocument.wordprocessingml.document, application/vnd.oasis.opendocument.text, application/msword;q=0.9, */*;q=0.5',
        },
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
