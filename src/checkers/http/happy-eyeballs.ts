import { isIP, Socket } from 'node:net';
import type { IpFamily } from './ip-protocol.ts';
import { PhaseError } from './phase-error.ts';

/**
 * How long one connection attempt has to itself before the next address is tried alongside it
 * (RFC 8305 §5 recommends 250 ms; Firefox and Node's `autoSelectFamily` wait as long). A dead
 * IPv6 address then costs a citizen's browser a quarter of a second, not the service.
 */
export const ATTEMPT_DELAY_MS = 250;

/** An address an attempt was made to that did not give the connection, and why. */
export interface FailedAttempt {
  address: string;
  family: IpFamily;
  /** For people: "refused the connection (ECONNREFUSED)", "did not answer within 250 ms". */
  why: string;
}

export interface Connected {
  socket: Socket;
  address: string;
  family: IpFamily;
  /** Addresses tried before this one that failed or were still silent, in the order tried. */
  failed: FailedAttempt[];
}

/**
 * The order to try addresses in (RFC 8305 §4): the resolver's first address first (its order
 * already follows the system's preference, RFC 6724), then the families taking turns, so that a
 * family that is broken as a whole costs one attempt delay, not one per address.
 */
export function interleave(addresses: readonly string[]): string[] {
  const first = addresses[0];
  if (first === undefined) return [];
  const preferred = addresses.filter((a) => familyOf(a) === familyOf(first));
  const other = addresses.filter((a) => familyOf(a) !== familyOf(first));
  const ordered: string[] = [];
  for (let i = 0; i < Math.max(preferred.length, other.length); i++) {
    for (const address of [preferred[i], other[i]])
      if (address !== undefined) ordered.push(address);
  }
  return ordered;
}

/**
 * Connects to the first of `addresses` that answers, the way a browser does (Happy Eyeballs,
 * RFC 8305 §5): one attempt at first; the next one starts as soon as the last one failed or has
 * gone `delayMs` without an answer, the earlier ones still running. The first connection up is
 * returned and every other attempt closed. When all fail, the `connect` error names each address
 * and why, under the target's `host` name. `onAttempt` hears of each address as it is tried, so
 * that a run the deadline ends while connecting can say which ones stayed silent.
 */
export function connectFirst(
  addresses: readonly string[],
  port: number,
  host: string,
  signal: AbortSignal,
  delayMs = ATTEMPT_DELAY_MS,
  onAttempt: (address: string) => void = () => undefined,
): Promise<Connected> {
  return new Promise((resolve, reject) => {
    signal.throwIfAborted();
    if (addresses.length === 0)
      throw new PhaseError('connect', `connect ${host}:${port}: no address`);
    const attempts: { address: string; socket: Socket; why?: string }[] = [];
    let timer: NodeJS.Timeout | undefined;
    let settled = false;

    const settle = (): void => {
      settled = true;
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
    };
    const onAbort = (): void => {
      settle();
      for (const attempt of attempts) attempt.socket.destroy();
      reject(signal.reason as Error);
    };
    const start = (): void => {
      clearTimeout(timer);
      const address = addresses[attempts.length];
      if (address === undefined) return;
      const socket = new Socket();
      const attempt: { address: string; socket: Socket; why?: string } = { address, socket };
      const index = attempts.push(attempt) - 1;
      onAttempt(address);
      socket.once('connect', () => {
        socket.off('error', onError);
        settle();
        const failed: FailedAttempt[] = [];
        for (const [i, other] of attempts.entries()) {
          if (other === attempt) continue;
          other.socket.destroy();
          // One started before the winner had its delay and said nothing; one started after
          // merely lost the race.
          const why = other.why ?? (i < index ? `did not answer within ${delayMs} ms` : undefined);
          if (why) failed.push({ address: other.address, family: familyOf(other.address), why });
        }
        resolve({ socket, address, family: familyOf(address), failed });
      });
      const onError = (error: NodeJS.ErrnoException): void => {
        socket.destroy();
        if (settled) return;
        attempt.why = describe(error);
        if (attempts.length < addresses.length) {
          start();
        } else if (attempts.every((a) => a.why !== undefined)) {
          settle();
          reject(allFailed(attempts, host, port, error));
        }
      };
      socket.once('error', onError);
      socket.setNoDelay(true);
      socket.connect({ host: address, port });
      if (attempts.length < addresses.length) timer = setTimeout(start, delayMs);
    };

    signal.addEventListener('abort', onAbort, { once: true });
    start();
  });
}

/**
 * The note for the result when the connection came only after another address failed, e.g.
 * "IPv6 2001:db8::1 refused the connection (ECONNREFUSED); connected over IPv4 192.0.2.1".
 */
export function fallbackNote(connected: Connected): string | undefined {
  if (connected.failed.length === 0) return undefined;
  const failed = connected.failed.map((f) => `IPv${f.family} ${f.address} ${f.why}`);
  return `${failed.join(', ')}; connected over IPv${connected.family} ${connected.address}`;
}

function allFailed(
  attempts: readonly { address: string; why?: string }[],
  host: string,
  port: number,
  last: NodeJS.ErrnoException,
): PhaseError {
  const only = attempts.length === 1 ? attempts[0] : undefined;
  if (only) {
    // One address: as short as it always was ("connect 192.0.2.1:443: ECONNREFUSED").
    return new PhaseError('connect', `connect ${only.address}:${port}: ${codeOf(last)}`);
  }
  const each = attempts.map((a) => `IPv${familyOf(a.address)} ${a.address} ${a.why ?? 'failed'}`);
  return new PhaseError('connect', `connect ${host}:${port}: ${each.join(', ')}`);
}

const WHY: Record<string, string> = {
  ECONNREFUSED: 'refused the connection',
  ECONNRESET: 'reset the connection',
  EHOSTUNREACH: 'is unreachable',
  ENETUNREACH: 'is unreachable (no route)',
  ETIMEDOUT: 'did not answer (timed out)',
  EADDRNOTAVAIL: 'cannot be reached from this machine',
};

function describe(error: NodeJS.ErrnoException): string {
  const code = codeOf(error);
  return `${WHY[code] ?? 'failed'} (${code})`;
}

function codeOf(error: NodeJS.ErrnoException): string {
  return error.code ?? error.message;
}

function familyOf(address: string): IpFamily {
  return isIP(address) === 6 ? 6 : 4;
}
