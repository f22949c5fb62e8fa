import { lookup as dnsLookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { PhaseError } from './phase-error.ts';

/**
 * Which IP protocol a probe connects over. `auto` tries every address the resolver returns, the
 * way a browser does (Happy Eyeballs, RFC 8305: see happy-eyeballs.ts), so that a dead AAAA record
 * does not fail a service that citizens reach over IPv4; `ip4`/`ip6` only addresses of that
 * family, so that a service that is not dual-stack fails, as blackbox_exporter's
 * `preferred_ip_protocol` with `ip_protocol_fallback: false`.
 */
export const IP_PROTOCOLS = ['auto', 'ip4', 'ip6'] as const;
export type IpProtocol = (typeof IP_PROTOCOLS)[number];

/** An address family as `dns.lookup` and `net.isIP` number them. */
export type IpFamily = 4 | 6;

/** One resolved address, as `dns.lookup` with `all: true` returns them. */
export interface ResolvedAddress {
  address: string;
  family: number;
}

/**
 * Resolves a host name; `family` 0 means any. `dns.lookup` (the system resolver, with
 * `/etc/hosts`) by default; tests inject one that knows names the machine does not.
 */
export type HostLookup = (
  hostname: string,
  options: { family: 0 | IpFamily; all: true },
) => Promise<readonly ResolvedAddress[]>;

export const systemLookup: HostLookup = (hostname, options) => dnsLookup(hostname, options);

const FAMILY: Record<IpProtocol, 0 | IpFamily> = { auto: 0, ip4: 4, ip6: 6 };
const RECORD: Record<IpFamily, string> = { 4: 'A', 6: 'AAAA' };

/** The family a protocol restricts to, or undefined for `auto`. */
export function familyOf(protocol: IpProtocol): IpFamily | undefined {
  const family = FAMILY[protocol];
  return family === 0 ? undefined : family;
}

/**
 * Why an IP literal cannot be reached with this protocol (an IPv6 literal under `ip4`), or
 * undefined when it can. Host names (`isIP` 0) are decided only when they are resolved.
 */
export function literalMismatch(host: string, protocol: IpProtocol): string | undefined {
  const literal = isIP(host);
  const family = familyOf(protocol);
  if (literal === 0 || family === undefined || literal === family) return undefined;
  return `${host} is an IPv${literal} address, but ipProtocol ${protocol} connects over IPv${family} only`;
}

/**
 * The addresses to connect to, in the resolver's order: all of them under `auto`, those of the
 * wanted family otherwise. A name without one fails with reason `dns` and says so ("no IPv6
 * address (AAAA) for kfz.example.de"), the finding an operator wants from an `ip6` probe; whether
 * the name has addresses of the other family is asked only then, so that the message tells a
 * missing AAAA from a name that does not exist.
 */
export async function resolveAddresses(
  host: string,
  protocol: IpProtocol,
  lookup: HostLookup,
  signal: AbortSignal,
): Promise<string[]> {
  const family = FAMILY[protocol];
  let found: readonly ResolvedAddress[];
  try {
    found = await abortable(lookup(host, { family, all: true }), signal);
  } catch (error) {
    signal.throwIfAborted();
    if (family === 0 || !isNoAddress(error)) throw dnsError(host, error);
    found = [];
  }
  const usable = found.filter((a) =>
    family === 0 ? isIP(a.address) !== 0 : isOfFamily(a, family),
  );
  // A resolver may list an address twice (once per socket type): one attempt is enough.
  const addresses = [...new Set(usable.map((a) => a.address))];
  if (addresses.length > 0) return addresses;
  if (family === 0) throw new PhaseError('dns', `DNS: ${host}: no address`);
  throw await missingFamily(host, family, lookup, signal);
}

/**
 * An IPv4-mapped IPv6 address (`::ffff:192.0.2.1`, what a resolver asked with V4MAPPED
 * returns for a name without AAAA) would be reached over IPv4: it is no IPv6 address.
 */
function isOfFamily(address: ResolvedAddress, family: IpFamily): boolean {
  if (address.family !== family || isIP(address.address) !== family) return false;
  return family === 4 || !/^::ffff:\d+\.\d+\.\d+\.\d+$/i.test(address.address);
}

/** Lookup errors that mean "this name has no address of that family" (or none at all). */
function isNoAddress(error: unknown): boolean {
  const { code } = error as NodeJS.ErrnoException;
  return code === 'ENOTFOUND' || code === 'ENODATA' || code === 'EAI_NONAME';
}

async function missingFamily(
  host: string,
  family: IpFamily,
  lookup: HostLookup,
  signal: AbortSignal,
): Promise<PhaseError> {
  let any: readonly ResolvedAddress[];
  try {
    any = await abortable(lookup(host, { family: 0, all: true }), signal);
  } catch (error) {
    signal.throwIfAborted();
    // The name does not resolve at all: the same finding as without ipProtocol.
    return dnsError(host, error);
  }
  const other = any.filter((a) => isIP(a.address) !== 0 && isIP(a.address) !== family);
  const has = other.length > 0 ? `; it has IPv${family === 6 ? 4 : 6} only (${list(other)})` : '';
  return new PhaseError('dns', `no IPv${family} address (${RECORD[family]}) for ${host}${has}`);
}

function list(addresses: readonly ResolvedAddress[]): string {
  const shown = addresses.slice(0, 3).map((a) => a.address);
  return addresses.length > 3 ? `${shown.join(', ')}, …` : shown.join(', ');
}

function dnsError(host: string, error: unknown): PhaseError {
  const { code, message } = error as NodeJS.ErrnoException;
  return new PhaseError('dns', `DNS: ${host}: ${code ?? message}`, { cause: error });
}

function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  signal.throwIfAborted();
  return new Promise((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: Error) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
