import { checkServerIdentity, type DetailedPeerCertificate, type TLSSocket } from 'node:tls';
import type { TlsDetails } from '../../results/result.ts';

const DAY_MS = 86_400_000;

/**
 * What a monitoring engineer wants to know about the certificate a server presented:
 * the earliest expiry over the whole chain (an expiring intermediate breaks the
 * service as surely as an expiring leaf), issuer, SAN and whether the name matches.
 */
export function readTlsDetails(socket: TLSSocket, host: string, now: number): TlsDetails {
  const leaf = socket.getPeerCertificate(true);
  const chain = chainOf(leaf);
  const earliestExpiry = Math.min(...chain.map((c) => Date.parse(c.valid_to)));
  const authorizationError = socket.authorizationError as Error | string | null | undefined;
  const cipher = socket.getCipher();
  return {
    earliestExpiry,
    daysLeft: Math.floor(((earliestExpiry - now) / DAY_MS) * 10) / 10,
    subject: distinguishedName(leaf.subject),
    issuer: distinguishedName(leaf.issuer),
    subjectAltNames: parseSubjectAltNames(leaf.subjectaltname),
    hostnameMatch: leaf.raw !== undefined && checkServerIdentity(host, leaf) === undefined,
    authorized: socket.authorized,
    ...(authorizationError
      ? {
          authorizationError:
            typeof authorizationError === 'string'
              ? authorizationError
              : authorizationError.message,
        }
      : {}),
    ...(socket.getProtocol() ? { protocol: socket.getProtocol() ?? undefined } : {}),
    ...(cipher ? { cipher: cipher.name } : {}),
  };
}

/** The presented chain from the leaf upwards; Node links a self-signed root to itself. */
function chainOf(leaf: DetailedPeerCertificate): DetailedPeerCertificate[] {
  const chain: DetailedPeerCertificate[] = [];
  const seen = new Set<string>();
  let cert: DetailedPeerCertificate | undefined = leaf;
  while (cert?.raw && !seen.has(cert.fingerprint256)) {
    seen.add(cert.fingerprint256);
    chain.push(cert);
    cert = cert.issuerCertificate;
  }
  return chain;
}

function distinguishedName(name: Partial<Record<string, string | string[]>> | undefined): string {
  if (!name) return '';
  return Object.entries(name)
    .filter((entry): entry is [string, string | string[]] => entry[1] !== undefined)
    .map(([key, value]) => `${key}=${Array.isArray(value) ? value.join('+') : value}`)
    .join(', ');
}

/** `DNS:a.example, IP Address:127.0.0.1` → `['DNS:a.example', 'IP:127.0.0.1']`. */
function parseSubjectAltNames(value: string | undefined): string[] {
  if (!value) return [];
  return value
    .split(/,\s*/)
    .map((entry) => entry.replace(/^IP Address:/, 'IP:'))
    .filter((entry) => entry.length > 0);
}
