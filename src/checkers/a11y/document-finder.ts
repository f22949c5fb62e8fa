import { request } from 'undici';
import { dispatcherFor, ProxyFailure, proxyFailureOf } from '../../net/proxy-dispatcher.ts';
import { proxyFor } from '../../net/proxy.ts';
import type { PageLink } from '../bitv/signals.ts';
import type { CheckContext } from '../checker.ts';
import { DOCUMENT_LINK } from './documents.ts';

/** The MIME types of the documents ozgwatch classifies (PDF, Word, OpenDocument text). */
const DOCUMENT_TYPE =
  /^application\/(pdf|x-pdf|msword|vnd\.openxmlformats-officedocument\.wordprocessingml\.document|vnd\.oasis\.opendocument\.text)$/i;
/** A `type` attribute that announces such a document. */
const DOCUMENT_TYPE_ATTRIBUTE = /pdf|msword|wordprocessingml|opendocument\.text/i;
/** Link text that names a file: "Antrag (PDF, 200 KB)", "Formular (DOCX)", "Merkblatt (1,2 MB)". */
const DOCUMENT_TEXT = /\b(pdf|docx?|odt)\b|\(\s*[\d.,]+\s*[km]i?b\s*\)/i;
/**
 * Addresses download scripts use: /download, /downloads/, /formular/, /dokumente/, /datei/,
 * /file/, /getfile, /blob/, ?download=, ?file=, and the Government Site Builder's
 * `__blob=publicationFile`.
 */
const DOWNLOAD_ADDRESS =
  /(^|\/)(downloads?|formulare?|dokumente?|dateien?|files?|getfile|blob|anhang|attachment)(\/|$|\?|\.)|[?&](download|file|datei|dokument)(id)?=|__blob=publicationfile/i;
/** Addresses that are surely no document: pictures, styles, scripts, feeds. */
const NOT_A_DOCUMENT =
  /\.(jpe?g|png|gif|svg|webp|ico|css|js|mjs|json|xml|ics|vcf|mp[34]|webm)($|[?#])/i;

/** One answer to a probe: at most this long, so that a slow download script holds up no page. */
const PROBE_MS = 5_000;
/** Redirects followed from a candidate to the file (`/download?id=1` → `/files/antrag.pdf`). */
const MAX_HOPS = 5;
/** Bytes read of a ranged GET: enough for `%PDF-` and a zip or compound file header. */
const SNIFF_BYTES = 1024;
/** Less time than this left in the run, no candidate is probed: pages come first. */
const MIN_LEFT_MS = 2_000;

/** The documents among one page's links, and the links that are no page to crawl. */
export interface FoundDocuments {
  /**
   * Documents by their identity: the address the page links (by extension, or confirmed by
   * the server's headers). A document that two links lead to keeps the first one's.
   */
  documents: string[];
  /** Where a document's file is, when a redirect leads from its identity elsewhere. */
  at: Map<string, string>;
  /** Links that lead to a document (or announce one): not to be visited as pages. */
  notPages: Set<string>;
}

/**
 * Finds the documents a page links, also those whose address does not end in `.pdf`
 * (`/download?id=123`, `/formular/antrag`): a link that says it is a file — by its text
 * ("Antrag (PDF, 200 KB)"), its `type` or `download` attribute, or a download address — is
 * asked with HEAD (a ranged GET of 1 KiB where HEAD is refused) and counts when the answer
 * is a PDF, Word or OpenDocument file by `Content-Type` or the file name in
 * `Content-Disposition`. An HTML answer is no document. Each address is asked once per run,
 * at most `2 × max` in all, through the per-host limit and only while the run has time.
 */
export class DocumentFinder {
  readonly #ctx: CheckContext;
  readonly #probes: number;
  readonly #timeLeft: () => number;
  /** Candidate → the document's address (after redirects), or null for no document. */
  readonly #known = new Map<string, string | null>();
  /**
   * A document's address → its identity, the first link that led to it in this run. The
   * address a redirect ends at may change every run (`/formular?id=4711` →
   * `/download/4711-<session>.pdf`); the link does not, so the document's history stays one.
   */
  readonly #identities = new Map<string, string>();

  constructor(ctx: CheckContext, max: number, timeLeft: () => number) {
    this.#ctx = ctx;
    this.#probes = 2 * max;
    this.#timeLeft = timeLeft;
  }

  async find(links: readonly PageLink[]): Promise<FoundDocuments> {
    const documents = new Set<string>();
    const at = new Map<string, string>();
    const notPages = new Set<string>();
    for (const link of links) {
      const kind = linkKind(link);
      if (!kind) continue;
      // A link that announces a file is not crawled as a page, probed or not.
      if (kind === 'document' || announcesFile(link)) notPages.add(link.href);
      const found = kind === 'document' ? link.href : await this.#lookup(link.href);
      if (found) {
        const identity = this.#identities.get(found) ?? link.href;
        this.#identities.set(found, identity);
        documents.add(identity);
        if (found !== identity) at.set(identity, found);
        notPages.add(link.href);
      }
    }
    return { documents: [...documents], at, notPages };
  }

  /**
   * The document one link leads to — its own address when it ends in a document's
   * extension, else the address a probe confirmed (after redirects) — or null. For checkers
   * that keep each link's text and place beside its document (media breaks).
   */
  async resolve(link: PageLink): Promise<string | null> {
    const kind = linkKind(link);
    if (kind === 'document') return link.href;
    return kind === 'candidate' ? this.#lookup(link.href) : null;
  }

  /** A candidate's document, probed once per run and only within the probe budget and time. */
  async #lookup(href: string): Promise<string | null> {
    const known = this.#known.get(href);
    if (known !== undefined) return known;
    if (this.#known.size >= this.#probes || this.#timeLeft() < MIN_LEFT_MS) return null;
    const found = await this.#probe(href);
    this.#known.set(href, found);
    return found;
  }

  /** Where the document is, or null when the address answers with anything else. */
  async #probe(href: string): Promise<string | null> {
    const ctx = this.#ctx;
    let current = href;
    try {
      for (let hop = 0; hop <= MAX_HOPS; hop++) {
        const answer = await ask(ctx, current, 'HEAD');
        const refused = answer.status === 405 || answer.status === 501;
        const seen = refused ? await ask(ctx, current, 'GET') : answer;
        if (seen.status >= 300 && seen.status < 400 && seen.location) {
          current = new URL(seen.location, current).href;
          continue;
        }
        return seen.status < 300 && isDocument(seen) ? current : null;
      }
      return null;
    } catch (error) {
      // A broken proxy is no answer about the link: the run ends as ours to repeat.
      if (ctx.signal.aborted || error instanceof ProxyFailure) throw error;
      return null;
    }
  }
}

/** What a probe read of an answer. */
interface Answer {
  status: number;
  type: string;
  disposition: string;
  location?: string;
  /** The first bytes of a GET; empty after HEAD. */
  head: Buffer;
}

/** One HEAD, or a GET of the first {@link SNIFF_BYTES}, within the per-host limit. */
async function ask(ctx: CheckContext, url: string, method: 'HEAD' | 'GET'): Promise<Answer> {
  const proxy = proxyFor(ctx.proxy, new URL(url));
  const dispatcher = dispatcherFor(ctx.proxy, url);
  return ctx.hosts.run(new URL(url).host, ctx.signal, async () => {
    const res = await request(url, {
      ...(dispatcher ? { dispatcher } : {}),
      method,
      headers: {
        'user-agent': ctx.userAgent,
        ...(method === 'GET' ? { range: `bytes=0-${SNIFF_BYTES - 1}` } : {}),
      },
      signal: AbortSignal.any([ctx.signal, AbortSignal.timeout(PROBE_MS)]),
    }).catch((error: unknown) => {
      throw (proxy && proxyFailureOf(proxy, { error })) || error;
    });
    const failure = proxy && proxyFailureOf(proxy, { status: res.statusCode });
    if (failure) {
      await res.body.dump();
      throw failure;
    }
    let head = Buffer.alloc(0);
    if (method === 'GET' && res.statusCode < 300) {
      // A server that ignores the range sends the whole file: read the start, then stop.
      for await (const chunk of res.body as AsyncIterable<Buffer>) {
        head = Buffer.concat([head, chunk]);
        if (head.length >= SNIFF_BYTES) break;
      }
      res.body.destroy();
    } else {
      await res.body.dump();
    }
    const header = (name: string): string => {
      const value = res.headers[name];
      return (Array.isArray(value) ? value[0] : value) ?? '';
    };
    const location = header('location');
    return {
      status: res.statusCode,
      type: header('content-type').split(';')[0]?.trim() ?? '',
      disposition: header('content-disposition'),
      ...(location ? { location } : {}),
      head,
    };
  });
}

/** A PDF, Word or OpenDocument file by its type, its file name, or its first bytes. */
function isDocument(answer: Answer): boolean {
  if (DOCUMENT_TYPE.test(answer.type)) return true;
  if (/^text\/html$/i.test(answer.type)) return false;
  const filename = /filename\*?\s*=\s*(?:[\w-]+'[\w-]*')?"?([^";]+)/i.exec(answer.disposition)?.[1];
  if (filename && DOCUMENT_LINK.test(decodeURIComponentSafe(filename))) return true;
  return answer.head.subarray(0, SNIFF_BYTES).toString('latin1').includes('%PDF-');
}

function decodeURIComponentSafe(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** A link announces a file by its `type` or `download` attribute. */
function announcesFile(link: PageLink): boolean {
  return link.download === true || DOCUMENT_TYPE_ATTRIBUTE.test(link.type ?? '');
}

/**
 * How a link may lead to a document: `document` when its address ends in a document's
 * extension, `candidate` when only a probe can tell, undefined for no http(s) document link.
 */
function linkKind(link: PageLink): 'document' | 'candidate' | undefined {
  let url: URL;
  try {
    url = new URL(link.href);
  } catch {
    return undefined;
  }
  if (!/^https?:$/.test(url.protocol)) return undefined;
  if (DOCUMENT_LINK.test(url.pathname)) return 'document';
  return isCandidate(link, url) ? 'candidate' : undefined;
}

/** Whether a link may lead to a document whose address does not say so. */
function isCandidate(link: PageLink, url: URL): boolean {
  if (NOT_A_DOCUMENT.test(url.pathname)) return false;
  return (
    announcesFile(link) ||
    DOCUMENT_TEXT.test(link.text) ||
    DOWNLOAD_ADDRESS.test(url.pathname + url.search)
  );
}
