import { createRequire } from 'node:module';
import { fetch } from 'undici';
import { dispatcherFor } from '../../net/proxy-dispatcher.ts';
import type { A11yCrawl } from '../../results/result.ts';
import type { CheckContext } from '../checker.ts';
import { urlMatcher } from '../browser/guard.ts';
import { DOCUMENT_LINK } from './documents.ts';

export interface CrawlSettings {
  start: string;
  depth: number;
  maxPages: number;
  exclude: readonly string[];
  robots: boolean;
}

// A CommonJS function export, which its type declarations do not describe for ES modules.
const robotsParser = createRequire(import.meta.url)('robots-parser') as (
  url: string,
  text: string,
) => { isAllowed(url: string, ua?: string): boolean | undefined };

/** A robots.txt larger than this is read up to here (Google reads 500 KiB). */
const ROBOTS_LIMIT = 512 * 1024;
/** Addresses that are files, not pages: scanning them with axe says nothing. */
const NOT_A_PAGE =
  /\.(jpe?g|png|gif|svg|webp|ico|css|js|mjs|json|xml|zip|gz|mp[34]|webm|ics|vcf|txt|xlsx?|pptx?|rtf)($|[?#])/i;

/**
 * Which pages of one site a scan visits: breadth first from the start page, same origin
 * only, up to a depth and a page count, without excluded addresses, files, or what the
 * site's robots.txt forbids ozgwatch. Counts what it left out, so a report can say how
 * much of the site the scan covered.
 */
export class CrawlFrontier {
  readonly #settings: CrawlSettings;
  readonly #origin: string;
  readonly #excluded: ((url: string) => boolean)[];
  readonly #seen = new Set<string>();
  readonly #queue: { url: string; depth: number }[] = [];
  readonly #robots: ((url: string) => boolean) | undefined;
  readonly #skipped: A11yCrawl['skipped'] = { excluded: 0, robots: 0, limit: 0 };
  /** Pages queued so far, the start page included. */
  #queued = 1;

  constructor(settings: CrawlSettings, robots?: (url: string) => boolean) {
    this.#settings = settings;
    this.#origin = new URL(settings.start).origin;
    this.#excluded = settings.exclude.map(urlMatcher);
    this.#robots = robots;
    this.#seen.add(withoutFragment(settings.start));
    this.#queue.push({ url: settings.start, depth: 0 });
  }

  /** The next page to scan, or undefined when the crawl is done. */
  next(): { url: string; depth: number } | undefined {
    return this.#queue.shift();
  }

  /** Where a page redirected to: not to be visited again under its final address. */
  visited(url: string): void {
    this.#seen.add(withoutFragment(url));
  }

  /** Queues the links of a page found at `depth`. */
  add(hrefs: readonly string[], depth: number): void {
    if (depth >= this.#settings.depth) return;
    for (const href of hrefs) {
      let url: URL;
      try {
        url = new URL(href);
      } catch {
        continue;
      }
      if (url.origin !== this.#origin) continue;
      const key = withoutFragment(url.href);
      if (this.#seen.has(key)) continue;
      this.#seen.add(key);
      if (NOT_A_PAGE.test(url.pathname) || DOCUMENT_LINK.test(url.pathname)) continue;
      if (this.#excluded.some((matches) => matches(key))) {
        this.#skipped.excluded++;
        continue;
      }
      if (this.#robots && !this.#robots(key)) {
        this.#skipped.robots++;
        continue;
      }
      // Every queued page will be scanned: the limit applies when queueing, which keeps
      // the queue bounded too.
      if (this.#queued >= this.#settings.maxPages) {
        this.#skipped.limit++;
        continue;
      }
      this.#queued++;
      this.#queue.push({ url: key, depth: depth + 1 });
    }
  }

  summary(pages: number): A11yCrawl {
    return {
      start: this.#settings.start,
      depth: this.#settings.depth,
      maxPages: this.#settings.maxPages,
      pages,
      skipped: { ...this.#skipped },
    };
  }
}

function withoutFragment(href: string): string {
  const url = new URL(href);
  url.hash = '';
  return url.href;
}

/**
 * What the site's robots.txt allows the product token `ozgwatch` (RFC 9309): everything
 * when the file is unavailable (4xx); nothing but the start page, which the probe names
 * explicitly, when it is unreachable (5xx, network error). Redirects are followed.
 */
export async function loadRobots(
  ctx: CheckContext,
  start: string,
): Promise<((url: string) => boolean) | undefined> {
  const robotsUrl = new URL('/robots.txt', start).href;
  const text = await ctx.hosts
    .run(new URL(start).host, ctx.signal, async () => {
      // undici's fetch, not the global one: it takes the proxy's dispatcher.
      const dispatcher = dispatcherFor(ctx.proxy, robotsUrl);
      const res = await fetch(robotsUrl, {
        ...(dispatcher ? { dispatcher } : {}),
        headers: { 'user-agent': ctx.userAgent, accept: 'text/plain' },
        signal: ctx.signal,
      });
      if (res.status >= 500) {
        await res.body?.cancel();
        return undefined;
      }
      if (res.status >= 400 || !res.body) {
        await res.body?.cancel();
        return '';
      }
      const decoder = new TextDecoder();
      let body = '';
      for await (const chunk of res.body as AsyncIterable<Uint8Array>) {
        body += decoder.decode(chunk, { stream: true });
        if (body.length >= ROBOTS_LIMIT) {
          await res.body.cancel().catch(() => undefined);
          break;
        }
      }
      return body.slice(0, ROBOTS_LIMIT);
    })
    .catch((error: unknown) => {
      if (ctx.signal.aborted) throw error;
      return undefined;
    });
  if (text === undefined) return () => false;
  const robots = robotsParser(robotsUrl, text);
  return (url) => robots.isAllowed(url, 'ozgwatch') !== false;
}
