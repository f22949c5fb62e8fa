import { z } from 'zod';
import { durationMs } from '../../probes/duration.ts';
import { IP_PROTOCOLS, literalMismatch } from './ip-protocol.ts';

/** Header assertions: header name → regular expression the value must match. */
const headerExpectations = z.record(
  z.string().regex(/^[A-Za-z0-9-]+$/, 'header names are letters, digits and "-"'),
  z.string().refine(isRegExp, 'not a valid regular expression'),
);

function isRegExp(source: string): boolean {
  try {
    new RegExp(source, 'i');
    return true;
  } catch {
    return false;
  }
}

export const httpExpectSchema = z.strictObject({
  /** Accepted status codes of the final response. @default [200..299] */
  status: z.array(z.number().int().min(100).max(599)).min(1).optional(),
  /** Every string must occur in the body (case-sensitive). */
  bodyContains: z.array(z.string().min(1)).default([]),
  /** No string may occur in the body. */
  bodyNotContains: z.array(z.string().min(1)).default([]),
  /** Header name → regular expression (case-insensitive) the value must match. */
  headers: headerExpectations.default({}),
  /** The whole run must finish within this duration, else `fail` with reason `slow`. */
  maxDuration: durationMs.optional(),
  /** The earliest certificate of the chain must be valid for at least this long. @default 14d for https */
  certExpiresIn: durationMs.optional(),
  /** A 200 page that says "Seite nicht gefunden", "Wartungsarbeiten", … is a failure. @default true */
  noSoftError: z.boolean().default(true),
});

export const httpSpecSchema = z
  .strictObject({
    url: z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }),
    method: z.enum(['GET', 'HEAD']).default('GET'),
    /** Extra request headers (never `user-agent`: ozgwatch always identifies itself). */
    headers: z
      .record(z.string(), z.string())
      .refine((h) => !Object.keys(h).some((k) => k.toLowerCase() === 'user-agent'), {
        message: 'user-agent is set by ozgwatch (config field userAgent)',
      })
      .default({}),
    followRedirects: z.boolean().default(true),
    maxRedirects: z.number().int().min(0).max(20).default(5),
    /** Offer HTTP/2 through ALPN on https targets. @default true */
    http2: z.boolean().default(true),
    /** Slower than this (whole run) but otherwise fine → `degraded`. */
    degradedAfter: durationMs.optional(),
    /** Reading stops at this many bytes; larger bodies fail with reason `body_too_large`. @default 5 MiB */
    maxBodyBytes: z
      .number()
      .int()
      .positive()
      .default(5 * 1024 * 1024),
    /** Accept certificates the system does not trust (self-signed test systems). Expiry is still checked. */
    insecureSkipVerify: z.boolean().default(false),
    /** PEM file of extra CA certificates to trust (e.g. an internal CA), relative to the working directory. */
    caFile: z.string().min(1).optional(),
    /**
     * Connect over IPv4 (`ip4`) or IPv6 (`ip6`) only, to see whether a service is dual-stack:
     * a name without an address of that family fails with reason `dns`. `auto` takes the first
     * address the resolver returns. Cannot be honoured through the outbound proxy.
     * @default 'auto'
     * @example 'ip6'
     */
    ipProtocol: z.enum(IP_PROTOCOLS).default('auto'),
    expect: httpExpectSchema.default({
      bodyContains: [],
      bodyNotContains: [],
      headers: {},
      noSoftError: true,
    }),
  })
  .refine(
    (spec) =>
      spec.method !== 'HEAD' ||
      (spec.expect.bodyContains.length === 0 && spec.expect.bodyNotContains.length === 0),
    {
      message: 'a HEAD request has no body: drop expect.bodyContains/bodyNotContains or use GET',
      path: ['method'],
    },
  )
  .superRefine((spec, ctx) => {
    // An address that is no URL has its own problem reported already (the refinement runs
    // all the same).
    if (spec.ipProtocol === 'auto' || !URL.canParse(spec.url)) return;
    // URL.hostname keeps the brackets of an IPv6 literal.
    const host = new URL(spec.url).hostname.replace(/^\[(.*)\]$/, '$1');
    const mismatch = literalMismatch(host, spec.ipProtocol);
    if (mismatch) ctx.addIssue({ code: 'custom', message: mismatch, path: ['ipProtocol'] });
  });

export type HttpSpec = z.output<typeof httpSpecSchema>;
export type HttpSpecInput = z.input<typeof httpSpecSchema>;
