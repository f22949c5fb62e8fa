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
    if (typeof fetched === 'string') {
      out.push(brokenDocument(url, 0, fetched));
      continue;
    }
    const info = await classifyDocument(url, fetched.bytes);
    out.push(fetched.at === url ? info : { ...info, finalUrl: fetched.at });
  }
  return out;
}

/** A linked document: its identity (the address the page links) and where its file is, when elsewhere. */
export interface DocumentLink {
  url: string;
  at?: string;
}

/**
 * {@link classifyDocuments} for documents known by the address the page links: each is
 * fetched from where its file is and recorded under its identity, with `finalUrl` when the
 * two differ.
 */
export async function classifyDocumentLinks(
  ctx: CheckContext,
  links: readonly DocumentLink[],
  limits: DocumentLimits,
): Promise<DocumentInfo[]> {
  const identities = new Map<string, string>();
  for (const link of links) {
    const at = link.at ?? link.url;
    if (!identities.has(at)) identities.set(at, link.url);
  }
  const infos = await classifyDocuments(ctx, [...identities.keys()], limits);
  return infos.map(({ finalUrl, ...info }) => {
    const url = identities.get(info.url) ?? info.url;
    const at = finalUrl ?? info.url;
    return at === url ? { ...info, url } : { ...info, url, finalUrl: at };
  });
}

/** Redirects followed from a document's address to its file (a moved form, http → https). */
const MAX_REDIRECTS = 5;

/** The bytes and the address they came from (after redirects), or why there are none. */
async function download(
  ctx: CheckContext,
  url: string,
  maxBytes: number,
): Promise<{ bytes: Uint8Array; at: string } | string> {
  let current = url;
  try {
    for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
      const answer = await fetchOnce(ctx, current, maxBytes);
      if (typeof answer === 'string' || answer instanceof Uint8Array) {
        return typeof answer === 'string' ? answer : { bytes: answer, at: current };
      }
      const next = new URL(answer.location, current);
      if (!/^https?:$/.test(next.protocol)) return `redirect to ${next.protocol} address`;
      current = next.href;
    }
    return `more than ${MAX_REDIRECTS} redirects`;
  } catch (error) {
    if (ctx.signal.aborted) throw error;
    return error instanceof Error ? error.message : String(error);
  }
}

/** One request: the bytes, where a redirect points, or why there are none. */
async function fetchOnce(
  ctx: CheckContext,
  url: string,
  maxBytes: number,
): Promise<Uint8Array | { location: string } | string> {
  return ctx.hosts.run(new URL(url).host, ctx.signal, async () => {
    const res = await request(url, {
      headers: {
        'user-agent': ctx.userAgent,
        accept:
          'application/pdf, application/vnd.openxmlformats-officedocument.wordprocessingml.document, application/vnd.oasis.opendocument.text, application/msword;q=0.9, */*;q=0.5',
      },
      signal: ctx.signal,
    });
    const location = res.headers.location;
    if (res.statusCode >= 300 && res.statusCode < 400 && typeof location === 'string') {
      await res.body.dump();
      return { location };
    }
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
}
