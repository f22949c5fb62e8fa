import type { Assertion, ReasonCode } from '../../results/result.ts';
import { formatDuration } from '../../probes/duration.ts';
import type { SoftErrorFinding } from './soft-error.ts';
import type { HttpSpec } from './spec.ts';

const DAY_MS = 86_400_000;
/** Certificates must be valid for at least this long unless a probe says otherwise. */
export const DEFAULT_CERT_EXPIRES_IN_MS = 14 * DAY_MS;

/** An assertion with the reason code a failure of it stands for. */
export interface Check extends Assertion {
  reason: ReasonCode;
  /**
   * When not ok, the run is `degraded`, not failed: the service still works for citizens
   * (a certificate that expires soon but is valid today).
   */
  degradesOnly?: boolean;
}

export function statusCheck(status: number, expected: readonly number[] | undefined): Check {
  const ok = expected ? expected.includes(status) : status >= 200 && status <= 299;
  const wanted = expected ? `[${expected.join(', ')}]` : '[200..299]';
  return {
    name: 'status',
    reason: 'http_status',
    ok,
    text: `status ${status} ${ok ? '∈' : '∉'} ${wanted}`,
    expected: expected ?? '2xx',
    actual: status,
  };
}

export function bodyChecks(body: string, expect: HttpSpec['expect']): Check[] {
  return [
    ...expect.bodyContains.map((needle): Check => {
      const ok = body.includes(needle);
      return {
        name: 'body_contains',
        reason: 'assertion',
        ok,
        text: `body ${ok ? 'contains' : 'does not contain'} ${JSON.stringify(needle)}`,
        expected: needle,
        actual: ok,
      };
    }),
    ...expect.bodyNotContains.map((needle): Check => {
      const ok = !body.includes(needle);
      return {
        name: 'body_not_contains',
        reason: 'assertion',
        ok,
        text: `body ${ok ? 'does not contain' : 'contains unwanted'} ${JSON.stringify(needle)}`,
        expected: needle,
        actual: !ok,
      };
    }),
  ];
}

export function headerChecks(
  headers: Record<string, string | string[] | undefined>,
  expected: Record<string, string>,
): Check[] {
  return Object.entries(expected).map(([name, pattern]): Check => {
    const raw = headers[name.toLowerCase()];
    const value = Array.isArray(raw) ? raw.join(', ') : raw;
    const ok = value !== undefined && new RegExp(pattern, 'i').test(value);
    return {
      name: 'header',
      reason: 'assertion',
      ok,
      text: `header ${name.toLowerCase()} ${JSON.stringify(value ?? null)} ${ok ? '~' : '!~'} /${pattern}/`,
      expected: pattern,
      actual: value ?? null,
    };
  });
}

export function softErrorCheck(finding: SoftErrorFinding | undefined): Check {
  return {
    name: 'no_soft_error',
    reason: finding?.reason ?? 'soft_error',
    ok: finding === undefined,
    text: finding
      ? `${finding.reason === 'maintenance_page' ? 'maintenance' : 'soft-error'} page: ${JSON.stringify(finding.phrase)} in ${finding.where}`
      : 'no soft-error page',
    expected: 'no error or maintenance wording',
    actual: finding ? { phrase: finding.phrase, where: finding.where } : null,
  };
}

export function certExpiryCheck(earliestExpiry: number, now: number, minimumMs: number): Check {
  const leftMs = earliestExpiry - now;
  const ok = leftMs >= minimumMs;
  const days = (leftMs / DAY_MS).toFixed(1);
  return {
    name: 'cert_expiry',
    reason: 'cert_expiring',
    ok,
    // Valid today: browsers still show the service. Its own alerts warn of the date; a page
    // that the service is down would be false. An expired one is refused: that fails.
    ...(leftMs >= 0 ? { degradesOnly: true } : {}),
    text: `cert expires in ${days}d ${ok ? '≥' : '<'} ${formatDuration(minimumMs)}`,
    expected: minimumMs / 1000,
    actual: Math.round(leftMs / 1000),
  };
}

export function maxDurationCheck(seconds: number, maxMs: number): Check {
  const ok = seconds * 1000 <= maxMs;
  return {
    name: 'max_duration',
    reason: 'slow',
    ok,
    text: `duration ${seconds.toFixed(3)}s ${ok ? '≤' : '>'} ${formatDuration(maxMs)}`,
    expected: maxMs / 1000,
    actual: seconds,
  };
}

/** Drops the internal reason field for the stored assertion. */
export function toAssertion({ reason: _reason, ...assertion }: Check): Assertion {
  return assertion;
}
