import type { Outcome, Result, TlsDetails } from '../results/result.ts';

const DAY_MS = 86_400_000;

/**
 * How long a journey's certificate of a site stands without a run that reached the site.
 * Longer than a broken weekend, so that the certificate alerts do not end while the journey
 * fails before the identity provider; short enough that a site the journey no longer reaches
 * stops ticketing within a week.
 */
export const CERTIFICATE_MEMORY_MS = 7 * DAY_MS;

interface Known {
  tls: TlsDetails;
  /** When a run read it, epoch ms. */
  seenAt: number;
}

/**
 * The certificates each browser journey's runs read, per site, for the runs that do not reach
 * every site: a journey broken at its service's start page still reports the identity
 * provider's certificate that expires in 10 days, instead of the service's that expires in a
 * year, so `probe_ssl_earliest_cert_expiry` does not jump with every broken run and the
 * certificate alerts neither end nor hide the expiry while the journey is broken.
 *
 * A site not reached for {@link CERTIFICATE_MEMORY_MS} is forgotten, and so is a certificate
 * of an earlier run once it has expired (see `#forget`); a run that passes has
 * reached every site its journey needs, so what it did not reach is forgotten at once (a
 * journey changed to log in elsewhere stops reporting the old provider).
 */
export class CertificateMemory {
  readonly #probes = new Map<string, Map<string, Known>>();
  readonly #horizonMs: number;

  constructor(horizonMs = CERTIFICATE_MEMORY_MS) {
    this.#horizonMs = horizonMs;
  }

  /**
   * Takes in a journey's outcome and returns it with `certificates` and `tls` as known now:
   * what it read, and what earlier runs read of the sites it did not reach. An outcome without
   * `certificates` (any other kind of probe) is returned as it is.
   */
  remember(probeId: string, outcome: Outcome, now: number): Outcome {
    let known = this.#probes.get(probeId);
    if (!outcome.certificates && !known) return outcome;
    known ??= new Map();
    if (outcome.status === 'pass' || outcome.status === 'degraded') known.clear();
    const read = new Set<string>();
    for (const tls of outcome.certificates ?? []) {
      if (tls.host === undefined) continue;
      known.set(tls.host, { tls, seenAt: now });
      read.add(tls.host);
    }
    this.#forget(known, now, read);
    if (known.size === 0) {
      this.#probes.delete(probeId);
      return outcome;
    }
    this.#probes.set(probeId, known);
    const certificates = [...known]
      .map(([host, { tls, seenAt }]) => (read.has(host) ? tls : earlier(tls, seenAt, now)))
      .sort((a, b) => a.earliestExpiry - b.earliestExpiry);
    return { ...outcome, tls: certificates[0], certificates };
  }

  /**
   * Starts a probe from its last stored run, whose `certificates` hold what was known then:
   * a restart keeps the identity provider's certificate of a journey that is broken.
   */
  seed(probeId: string, last: Result, now: number): void {
    if (this.#probes.has(probeId) || !last.certificates) return;
    const known = new Map<string, Known>();
    for (const tls of last.certificates) {
      if (tls.host === undefined) continue;
      const { seenAt, ...read } = tls;
      known.set(tls.host, { tls: read, seenAt: seenAt ?? last.startedAt });
    }
    this.#forget(known, now);
    if (known.size > 0) this.#probes.set(probeId, known);
  }

  /** Forgets probes that are no longer configured. */
  retain(ids: ReadonlySet<string>): void {
    for (const id of this.#probes.keys()) if (!ids.has(id)) this.#probes.delete(id);
  }

  /**
   * Drops what is too old to stand for the site, and a certificate that was valid when an
   * earlier run read it and has expired since: whether it was renewed meanwhile only a run that
   * reaches the site can tell, and an expired certificate holds back the outage alerts (the run
   * is taken to fail on it), which a run that broke elsewhere must not do. One read as expired
   * stays: that was seen. `read`: the sites this run read, which always stand.
   */
  #forget(known: Map<string, Known>, now: number, read: ReadonlySet<string> = new Set()): void {
    for (const [host, { tls, seenAt }] of known) {
      if (read.has(host)) continue;
      const expiredSince = tls.earliestExpiry <= now && tls.earliestExpiry > seenAt;
      if (now - seenAt >= this.#horizonMs || expiredSince) known.delete(host);
    }
  }
}

/** A certificate an earlier run read, as of `now`: when it was read, days left from now. */
function earlier(tls: TlsDetails, seenAt: number, now: number): TlsDetails {
  return {
    ...tls,
    daysLeft: Math.floor(((tls.earliestExpiry - now) / DAY_MS) * 10) / 10,
    seenAt,
  };
}
