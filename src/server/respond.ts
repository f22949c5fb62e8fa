import type { ServerResponse } from 'node:http';
import { STYLESHEET_SOURCE } from './stylesheet.ts';

/**
 * What every answer carries, whatever it is (JSON, metrics, a redirect, a file): no type
 * sniffing, no referrer to the sites a page links, no framing. The CSP is the strictest
 * there is; HTML pages and served files replace it with their own.
 */
export const BASE_HEADERS: Readonly<Record<string, string>> = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'content-security-policy':
    "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
};

/**
 * The daemon's pages: no script at all, their one stylesheet by hash, images only from the
 * daemon (a run's screenshot), forms posting only to the daemon, no framing, no `<base>`.
 */
export const PAGE_CSP = `default-src 'none'; img-src 'self'; style-src ${STYLESHEET_SOURCE}; form-action 'self'; frame-ancestors 'none'; base-uri 'none'`;

/** Sets {@link BASE_HEADERS} on a response before anything else is decided. */
export function setBaseHeaders(res: ServerResponse): void {
  for (const [name, value] of Object.entries(BASE_HEADERS)) res.setHeader(name, value);
}

export function sendHtml(res: ServerResponse, status: number, html: string): void {
  res.writeHead(status, {
    ...BASE_HEADERS,
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    'content-security-policy': PAGE_CSP,
  });
  res.end(html);
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...BASE_HEADERS,
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
  });
  res.end(text);
}
