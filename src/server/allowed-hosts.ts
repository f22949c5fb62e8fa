import { isIP } from 'node:net';
import type { Logger } from 'pino';

/**
 * Which `Host` a browser may use for the daemon's pages when no `server.token` guards them.
 *
 * DNS rebinding: a page of `evil.example` that a person opens points its own name at the
 * daemon's address (127.0.0.1, a cluster IP) and then reads the daemon's pages as its own
 * origin. The browser sends `Host: evil.example`, a name in public DNS. Names no one can
 * register there cannot be used that way, so they pass without configuration: IP addresses,
 * single-label names (`localhost`, a Compose service `ozgwatch`) and the suffixes reserved
 * for local and cluster networks. A public name (an Ingress, a reverse proxy) must be the
 * host of `server.externalUrl` or listed in `server.allowedHosts`.
 */
const LOCAL_SUFFIXES = [
  '.localhost',
  '.local',
  '.internal',
  '.home.arpa',
  '.svc',
  '.cluster.local',
] as const;

export type HostCheck = (hostHeader: string | undefined) => boolean;

/**
 * @param allowed entries of `server.allowedHosts`: a name (`ozgwatch.lra.example`), or a
 *   suffix with a leading dot (`.lra.example`: that name and every name under it).
 * @param externalUrl `server.externalUrl`: its host is allowed.
 */
export function hostCheck(allowed: readonly string[], externalUrl?: string): HostCheck {
  const names = new Set<string>();
  const suffixes: string[] = [];
  for (const entry of allowed) {
    const name = entry.trim().toLowerCase().replace(/\.$/, '');
    if (name.startsWith('.')) suffixes.push(name);
    else if (name) names.add(name);
  }
  if (externalUrl) names.add(new URL(externalUrl).hostname.toLowerCase());
  return (header) => {
    // HTTP/1.0 clients may send none; a browser always does.
    if (header === undefined) return true;
    const host = hostName(header);
    if (host === undefined) return false;
    if (isIP(host) !== 0 || !host.includes('.') || names.has(host)) return true;
    const inside = (suffix: string) => host.endsWith(suffix) || host === suffix.slice(1);
    return LOCAL_SUFFIXES.some(inside) || suffixes.some(inside);
  };
}

/** The name of a `Host` header without its port, brackets or trailing dot; undefined if malformed. */
function hostName(header: string): string | undefined {
  const text = header.trim().toLowerCase();
  const bracketed = /^\[([0-9a-f:.]+)\](?::\d{1,5})?$/.exec(text);
  if (bracketed) return bracketed[1];
  const plain = /^([a-z0-9.-]+?)\.?(?::\d{1,5})?$/.exec(text);
  return plain?.[1];
}

/**
 * Says in the log, once per name, that requests under it were refused: an operator who
 * reaches the daemon through a name not configured yet learns which setting to change,
 * while a page that keeps trying cannot fill the log.
 */
export class RefusedHosts {
  static readonly LIMIT = 100;
  readonly #logger: Pick<Logger, 'warn'>;
  readonly #seen = new Set<string>();

  constructor(logger: Pick<Logger, 'warn'>) {
    this.#logger = logger;
  }

  note(host: string): void {
    if (this.#seen.has(host) || this.#seen.size >= RefusedHosts.LIMIT) return;
    this.#seen.add(host);
    this.#logger.warn(
      { host },
      'refused a page request under a host name that is not allowed (server.allowedHosts, server.externalUrl)',
    );
  }
}
