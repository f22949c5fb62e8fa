import { pino, type Logger, type DestinationStream } from 'pino';
import { isColorSupported, prettyFactory } from 'pino-pretty';
import { escapeJsonText, printable } from './terminal-text.ts';

export type LogFormat = 'json' | 'pretty';

export interface LoggerOptions {
  level: string;
  format: LogFormat;
  /** Where lines go; standard output when absent. Tests pass a stream to read lines back. */
  destination?: DestinationStream;
  /** Pretty format: colour level and keys. @default when the terminal supports it (`NO_COLOR`, `FORCE_COLOR`) */
  colour?: boolean;
}

/**
 * Structured JSON lines for machines (the default), or coloured lines for a terminal.
 * Child loggers carry `probe` and `run` so every line of a run can be found.
 *
 * Log lines carry text from watched sites (a run's message quotes page errors, titles,
 * header values). JSON lines keep it whole, with the characters a terminal would obey
 * written as `\u` escapes (`kubectl logs` prints them to one); pretty lines show them as
 * visible stand-ins.
 */
export function createLogger(options: LoggerOptions): Logger {
  const base = {
    level: options.level,
    base: { app: 'ozgwatch' },
    timestamp: pino.stdTimeFunctions.isoTime,
    hooks: { streamWrite: escapeJsonText },
  };
  if (options.format === 'pretty') {
    const out = options.destination ?? pino.destination(1);
    return pino(base, prettyDestination(out, { colour: options.colour ?? isColorSupported }));
  }
  if (options.destination) return pino(base, options.destination);
  return pino(base);
}

/**
 * Takes pino's JSON lines and writes them pretty-printed to `out`, every string of the
 * record (message, fields, error stacks) made printable first. In process rather than as
 * a pino transport: a transport runs in a worker and cannot take this function, and the
 * pretty format is for a person at a terminal, not for throughput.
 */
export function prettyDestination(
  out: DestinationStream,
  options: { colour?: boolean } = {},
): DestinationStream {
  const format = prettyFactory({
    colorize: options.colour ?? isColorSupported,
    translateTime: 'SYS:HH:MM:ss.l',
  });
  return {
    write(line: string): void {
      let record: unknown;
      try {
        record = JSON.parse(line);
      } catch {
        out.write(`${printable(line.trimEnd(), 'lines')}\n`);
        return;
      }
      out.write(format(printableRecord(record)));
    },
  };
}

/** A copy of a parsed log record with every key and string value made printable. */
function printableRecord(value: unknown): unknown {
  if (typeof value === 'string') return printable(value, 'lines');
  if (Array.isArray(value)) return value.map(printableRecord);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [printable(k), printableRecord(v)]),
    );
  }
  return value;
}

export type { Logger };
