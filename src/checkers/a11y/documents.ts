import { request } from 'undici';
import { dispatcherFor, ProxyFailure, proxyFailureOf } from '../../net/proxy-dispatcher.ts';
import { proxyFor } from '../../net/proxy.ts';
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

/** A linked document: its identity (the address the page links) and where its file is, when elsewhere. */
export interface DocumentLink {
  url: string;
  at?: string;
}

/**
 * Fetches and classifies each document once, within the per-host limit, the run's
 * deadline and a size limit; a failed download is a `broken` finding, not a failed run.
 * Each is fetched from where its file is and recorded under its identity, with `finalUrl`
 * when a redirect led elsewhere.
 */
export async function classifyDocumentLinks(
  ctx: CheckContext,
  links: readonly DocumentLink[],
  limits: DocumentLimits,
): Promise<DocumentInfo[]> {
  const out: DocumentInfo[] = [];
  const fetchedFrom = new Set<string>();
  for (const link of links) {
    const from = link.at ?? link.url;
    if (fetchedFrom.has(from)) continue; // two links to one file: the first one's identity
    if (fetchedFrom.size >= limits.max) break;
    fetchedFrom.add(from);
    ctx.signal.throwIfAborted();
    const fetched = await download(ctx, from, limits.maxBytes);
    const info =
      typeof fetched === 'string'
        ? brokenDocument(link.url, 0, fetched)
        : await classifyDocument(link.url, fetched.bytes);
    const at = typeof fetched === 'string' ? from : fetched.at;
    out.push(at === link.url ? info : { ...info, finalUrl: at });
  }
  return out;
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
    // A broken proxy says nothing about the document: the run is ours to repeat, not a finding.
    if (ctx.signal.aborted || error instanceof ProxyFailure) throw error;
    return error instanceof Error ? error.message : String(error);
  }
}

/** One request: the bytes, where a redirect points, or why there are none. */
async function fetchOnce(
  ctx: CheckContext,
  url: string,
  maxBytes: number,
): Promise<Uint8Array | { location: string } | string> {
  const proxy = proxyFor(ctx.proxy, new URL(url));
  const dispatcher = dispatcherFor(ctx.proxy, url);
  return ctx.hosts.run(new URL(url).host, ctx.signal, async () => {
    const res = await request(url, {
      ...(dispatcher ? { dispatcher } : {}),
      headers: {
        'user-agent': ctx.userAgent,
        accept:
          'application/pdf, application/vnd.openxmlformats-officedocument.wordprocessingml.document, application/vnd.oasis.opendocument.text, application/msword;q=0.9, */*;q=0.5',
      },
      signal: ctx.signal,
    }).catch((error: unknown) => {
      throw (proxy && proxyFailureOf(proxy, { error })) || error;
    });
    const failure = proxy && proxyFailureOf(proxy, { status: res.statusCode });
    if (failure) {
      await res.body.dump();
      throw failure;
    }
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
