/** Results for the store tests: a minimal one and one with every field set. */
import type { Result } from '../../src/results/result.ts';

export const T0 = Date.UTC(2026, 10, 23, 8, 0, 0);

let seq = 0;
export function result(probeId: string, startedAt: number, extra: Partial<Result> = {}): Result {
  seq++;
  return {
    runId: `run-${String(seq).padStart(6, '0')}`,
    probeId,
    kind: 'http',
    startedAt,
    duration: 0.25,
    attempts: 1,
    maintenance: false,
    status: 'pass',
    reportedStatus: 'pass',
    message: 'status 200 ∈ [200]',
    assertions: [
      { name: 'status', ok: true, text: 'status 200 ∈ [200]', expected: [200], actual: 200 },
    ],
    ...extra,
  };
}

export function fullResult(): Result {
  return result('kfz-ludwigsburg', T0, {
    kind: 'http',
    duration: 1.234,
    attempts: 2,
    maintenance: true,
    status: 'fail',
    reportedStatus: 'degraded',
    reason: 'http_status',
    message: 'status 503 ∈ [200]',
    assertions: [
      { name: 'status', ok: false, text: 'status 503 ∈ [200]', expected: [200], actual: 503 },
      { name: 'body_contains', ok: true, text: 'body contains "Online-Antrag"' },
    ],
    phases: { resolve: 0.002, connect: 0.011, tls: 0.024, processing: 0.152, transfer: 0.006 },
    http: {
      status: 503,
      httpVersion: '2',
      finalUrl: 'https://www.landkreis-ludwigsburg.de/kfz',
      redirects: [{ url: 'http://landkreis-ludwigsburg.de/kfz', status: 301 }],
      bodyBytes: 12_345,
      remoteAddress: '192.0.2.10',
    },
    tls: {
      earliestExpiry: T0 + 42 * 86_400_000,
      daysLeft: 42,
      subject: 'CN=www.landkreis-ludwigsburg.de',
      issuer: 'CN=Test CA, O="Quotes \\ and backslashes"',
      subjectAltNames: ['www.landkreis-ludwigsburg.de', 'landkreis-ludwigsburg.de'],
      hostnameMatch: true,
      authorized: false,
      authorizationError: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
      protocol: 'TLSv1.3',
      cipher: 'TLS_AES_256_GCM_SHA384',
    },
  });
}
