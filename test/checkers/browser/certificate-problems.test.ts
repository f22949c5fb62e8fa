import { describe, expect, it } from 'vitest';
import { certificateProblems } from '../../../src/checkers/browser/certificates.ts';
import type { TlsDetails } from '../../../src/results/result.ts';

const NOW = Date.UTC(2026, 10, 24, 12, 0, 0);
const DAY = 86_400_000;

/** A chain as the handshake reads it: valid, trusted by Node, for the host; overridable. */
function read(extra: Partial<TlsDetails> = {}): TlsDetails {
  const earliestExpiry = extra.earliestExpiry ?? NOW + 90 * DAY;
  return {
    earliestExpiry,
    daysLeft: Math.floor(((earliestExpiry - NOW) / DAY) * 10) / 10,
    subject: 'CN=wohngeld.example.de',
    issuer: 'CN=Test CA',
    subjectAltNames: ['DNS:wohngeld.example.de'],
    hostnameMatch: true,
    authorized: true,
    ...extra,
  };
}

describe('what is wrong with a certificate the browser refused', () => {
  it('an expired chain is named by its date, not again as untrusted', () => {
    const tls = read({
      earliestExpiry: Date.UTC(2026, 10, 20, 8, 0, 0),
      authorized: false,
      authorizationError: 'CERT_HAS_EXPIRED',
    });
    expect(certificateProblems(tls, 'wohngeld.example.de', 'ERR_CERT_DATE_INVALID')).toBe(
      'certificate expired on 2026-11-20T08:00:00Z',
    );
  });

  it('Node’s trust counts only where the browser faulted the issuer, or nothing else explains it', () => {
    // A CA the browser knows and Node does not: the browser's own reason (the name) is the one.
    const misnamed = read({
      hostnameMatch: false,
      subjectAltNames: ['DNS:www.example.de'],
      authorized: false,
      authorizationError: 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
    });
    expect(
      certificateProblems(misnamed, 'wohngeld.example.de', 'ERR_CERT_COMMON_NAME_INVALID'),
    ).toBe('certificate is not valid for wohngeld.example.de (SAN: DNS:www.example.de)');
    expect(certificateProblems(misnamed, 'wohngeld.example.de', 'ERR_CERT_AUTHORITY_INVALID')).toBe(
      'certificate is not valid for wohngeld.example.de (SAN: DNS:www.example.de); certificate not trusted: UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
    );
  });

  it('a refusal the reading cannot explain (revoked) says the browser refused it', () => {
    expect(certificateProblems(read(), 'wohngeld.example.de', 'ERR_CERT_REVOKED')).toBe(
      'certificate refused by the browser',
    );
  });
});
