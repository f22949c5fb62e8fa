import { isIP } from 'node:net';
import type { BrowserContext, CDPSession, Frame, Request, Response } from 'playwright';
import type { TlsDetails } from '../../results/result.ts';

const DAY_MS = 86_400_000;

/** A main-frame navigation Chromium refused for its certificate. */
export interface CertificateRefusal {
  url: string;
  /** Chromium's error, e.g. `net::ERR_CERT_DATE_INVALID`. */
  error: string;
  /** The step during which it happened. */
  step: string;
}

export interface CertificateWatch {
  /**
   * The step later refusals are attributed to: a click that leads to an identity provider
   * with a refused certificate fails only in the next step, on a browser error page.
   */
  step: string;
  /** Resolves once every certificate seen so far has been read. */
  settled(): Promise<void>;
  /**
   * The certificates the journey's documents came with, one per host (the one that expires
   * first, where a host served several), earliest first.
   */
  accepted(now: number): TlsDetails[];
  /** The latest refused navigation during one of `steps`. */
  refusedIn(steps: ReadonlySet<string>): CertificateRefusal | undefined;
}

interface Seen {
  /** `host:port` as in the URL. */
  host: string;
  validTo: number;
  subjectName: string;
  issuer: string;
  protocol: string | undefined;
}

/**
 * What only CDP tells of a certificate: its names and the connection's cipher. Kept by
 * {@link certKey}, so that two certificates of one host keep their own.
 */
interface Extra {
  names: string[];
  cipher: string | undefined;
}

/**
 * Records the certificates of the HTTPS documents a journey loads in its pages' main frames:
 * the service's own pages and every site a citizen is sent to on the way (the identity
 * provider of the login, a payment page), since a certificate that expires on any of them
 * stops the application alike. Frames inside a page (a map, a video, a chat) are left out:
 * their certificates are a third party's, and the page mostly works without them.
 *
 * The browser tells the leaf certificate's expiry only (`securityDetails`); an intermediate
 * that expires first shows once Chromium refuses the chain, through the handshake of
 * {@link readPresentedCertificate}. The certificate's names come from the first page's CDP
 * `session` when there is one (Playwright does not pass them on); a window the journey opened
 * has none, and its certificate is shown without names.
 */
export function watchCertificates(
  context: BrowserContext,
  session: CDPSession | undefined,
): CertificateWatch {
  const seen = new Map<string, Seen>();
  const extras = new Map<string, Extra>();
  const reading: Promise<void>[] = [];
  const refused: CertificateRefusal[] = [];
  const watch: CertificateWatch = {
    step: '',
    settled: async () => {
      await Promise.allSettled(reading);
    },
    accepted: (now) =>
      [...seen.values()]
        .sort((a, b) => a.validTo - b.validTo)
        .map((cert) => details(cert, extras.get(certKey(cert.host, cert.validTo)), now)),
    refusedIn: (steps) => refused.findLast((r) => steps.has(r.step)),
  };
  context.on('response', (response: Response) => {
    if (!isDocument(response.request(), response.url())) return;
    reading.push(
      response
        .securityDetails()
        .then((security) => {
          if (security?.validTo === undefined) return;
          const validTo = security.validTo * 1000;
          // One entry per host: a journey loads dozens of pages from the same two or three. A
          // host behind a load balancer may serve two certificates, one per backend; the one
          // that expires first counts, as a citizen's next visit may meet it.
          const host = new URL(response.url()).host;
          const before = seen.get(host);
          if (before !== undefined && before.validTo <= validTo) return;
          seen.set(host, {
            host,
            validTo,
            subjectName: security.subjectName ?? '',
            issuer: security.issuer ?? '',
            protocol: security.protocol,
          });
        })
        .catch(() => undefined),
    );
  });
  // Network is enabled on the session already (the redirect watch reads it).
  session?.on('Network.responseReceived', (event) => {
    const security = event.response.securityDetails;
    if (event.type !== 'Document' || !security) return;
    let host: string;
    try {
      host = new URL(event.response.url).host;
    } catch {
      return;
    }
    extras.set(certKey(host, security.validTo * 1000), {
      names: security.sanList.map((name) => `${isIP(name) ? 'IP' : 'DNS'}:${name}`),
      cipher: security.cipher || undefined,
    });
  });
  context.on('requestfailed', (request: Request) => {
    const error = request.failure()?.errorText ?? '';
    if (!/^net::ERR_CERT_/.test(error) || !isDocument(request, request.url())) return;
    refused.push({ url: request.url(), error, step: watch.step });
  });
  return watch;
}

/** Names a certificate by its host and its end of validity, to pair what CDP and Playwright tell. */
function certKey(host: string, validTo: number): string {
  return `${host} ${validTo}`;
}

/** An HTTPS document of a page's main frame (the page itself or a popup the journey opened). */
function isDocument(request: Request, url: string): boolean {
  if (!url.startsWith('https:') || !request.isNavigationRequest()) return false;
  let frame: Frame;
  try {
    frame = request.frame();
  } catch {
    // A service worker's request has no frame (they are blocked, but not worth a failure).
    return false;
  }
  return frame.parentFrame() === null;
}

/** The browser's view of a certificate it accepted, in the result's terms. */
function details(cert: Seen, extra: Extra | undefined, now: number): TlsDetails {
  return {
    earliestExpiry: cert.validTo,
    daysLeft: Math.floor(((cert.validTo - now) / DAY_MS) * 10) / 10,
    // The browser names the subject's and the issuer's common name only.
    subject: cert.subjectName ? `CN=${cert.subjectName}` : '',
    issuer: cert.issuer ? `CN=${cert.issuer}` : '',
    subjectAltNames: extra?.names ?? [],
    // The browser accepted the certificate: the name matched, the chain was trusted.
    hostnameMatch: true,
    authorized: true,
    ...(cert.protocol ? { protocol: cert.protocol } : {}),
    ...(extra?.cipher ? { cipher: extra.cipher } : {}),
    host: cert.host,
  };
}

/**
 * What is wrong with a certificate the browser refused, as a person reads it, from the chain
 * as read: `certificate expired on 2026-11-20T08:00:00Z`. Chromium names one of several
 * problems (an untrusted issuer before an expiry), so every problem the reading shows is
 * named; trust is Node's judgement, not the browser's, so it counts only where the browser
 * found fault with the issuer, or where nothing else explains its refusal.
 */
export function certificateProblems(tls: TlsDetails, host: string, chromium: string): string {
  const problems: string[] = [];
  if (tls.daysLeft < 0) {
    const day = new Date(tls.earliestExpiry).toISOString().replace(/\.\d{3}Z$/, 'Z');
    problems.push(`certificate expired on ${day}`);
  }
  if (!tls.hostnameMatch) {
    problems.push(
      `certificate is not valid for ${host} (SAN: ${tls.subjectAltNames.join(', ') || 'none'})`,
    );
  }
  // Node names an expired chain so too: said above, in words.
  const untrusted = !tls.authorized && tls.authorizationError !== 'CERT_HAS_EXPIRED';
  if (untrusted && (chromium.includes('AUTHORITY_INVALID') || problems.length === 0)) {
    problems.push(`certificate not trusted: ${tls.authorizationError ?? 'unknown reason'}`);
  }
  return problems.length > 0 ? problems.join('; ') : 'certificate refused by the browser';
}
