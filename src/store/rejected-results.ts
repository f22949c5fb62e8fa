import {
  closeSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  statSync,
  writeSync,
} from 'node:fs';
import path from 'node:path';
import type { Result } from '../results/result.ts';

/** One line of the file: the result and why the database refused it. */
export interface RejectedLine {
  /** When it was set aside, ISO 8601. */
  at: string;
  runId: string;
  probeId: string;
  /** SQLSTATE (`22P02`) or Node's error code, when there was one. */
  code?: string;
  /** The database's message. */
  error: string;
  /**
   * The whole result as the store was given it, to write it again once the cause is fixed.
   * A result JSON cannot hold (a cycle, a BigInt: a bug) has those parts as strings.
   */
  result: unknown;
}

/**
 * Results the database refused for their content (a value out of range, a constraint), set
 * aside in a JSON-lines file so that none vanishes: each line says which run, the SQLSTATE
 * and the message, and holds the whole result. Synced on every line: rejections are rare,
 * and what is here is all that is left of the result.
 *
 * Bounded by `maxBytes`: a bug that rejects every result fills it, and past the bound the
 * result is lost, the older lines kept, because the first ones are what explains the bug.
 */
export class RejectedResults {
  readonly path: string;
  readonly #maxBytes: number;
  /** Bytes in the file, read once at the first line. */
  #bytes: number | undefined;

  constructor(file: string, maxBytes: number) {
    this.path = file;
    this.#maxBytes = maxBytes;
  }

  /**
   * Appends one line. Throws when it cannot: the file is full (`code` `EFBIG`, a bound of
   * ozgwatch's, not the disk's) or the disk refuses the write.
   */
  keep(result: Result, error: unknown): void {
    const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
    const line: RejectedLine = {
      at: new Date().toISOString(),
      runId: String(result.runId),
      probeId: String(result.probeId),
      ...(typeof code === 'string' ? { code } : {}),
      error: typeof message === 'string' ? message : String(error),
      result,
    };
    const text = `${serialize(line)}\n`;
    const size = Buffer.byteLength(text);
    this.#bytes ??= sizeOf(this.path);
    if (this.#bytes + size > this.#maxBytes) {
      throw Object.assign(
        new Error(`${this.path} holds ${this.#bytes} bytes, its bound is ${this.#maxBytes}`),
        { code: 'EFBIG' },
      );
    }
    mkdirSync(path.dirname(path.resolve(this.path)), { recursive: true });
    const fd = openSync(this.path, 'a', 0o600);
    try {
      writeSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    this.#bytes += size;
  }
}

function sizeOf(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}

/**
 * JSON of a line; a result JSON cannot hold keeps what it can: a repeated object (a cycle)
 * and a BigInt become strings that say so, rather than losing the whole result.
 */
function serialize(line: RejectedLine): string {
  try {
    return JSON.stringify(line);
  } catch {
    const seen = new WeakSet<object>();
    return JSON.stringify(line, (_key, value: unknown) => {
      if (typeof value === 'bigint') return `${value}n`;
      if (typeof value === 'object' && value !== null) {
        if (seen.has(value)) return '[repeated object]';
        seen.add(value);
      }
      return value;
    });
  }
}

/**
 * The results of a file of rejected lines the operator put back for another try (see
 * docs/operations.md), in file order. Throws when the file cannot be read or a line is no
 * line of ours, so that nothing of it is taken half.
 */
export function readRejected(file: string): Result[] {
  const results: Result[] = [];
  const lines = readFileSync(file, 'utf8').split('\n');
  for (const [index, line] of lines.entries()) {
    if (line.trim() === '') continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch (error) {
      throw new Error(`${file}:${index + 1}: not JSON: ${(error as Error).message}`, {
        cause: error,
      });
    }
    const result = (parsed as { result?: unknown } | null)?.result as Partial<Result> | undefined;
    if (typeof result?.runId !== 'string' || typeof result.probeId !== 'string') {
      throw new Error(`${file}:${index + 1}: no result with a runId and probeId`);
    }
    results.push(result as Result);
  }
  return results;
}
