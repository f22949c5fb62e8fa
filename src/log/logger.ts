import { pino, type Logger, type DestinationStream } from 'pino';

export type LogFormat = 'json' | 'pretty';

export interface LoggerOptions {
  level: string;
  format: LogFormat;
  /** Where lines go; standard output when absent. Tests pass a stream to read lines back. */
  destination?: DestinationStream;
}

/**
 * Structured JSON lines for machines (the default), or coloured lines for a terminal.
 * Child loggers carry `probe` and `run` so every line of a run can be found.
 */
export function createLogger(options: LoggerOptions): Logger {
  const base = {
    level: options.level,
    base: { app: 'ozgwatch' },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  if (options.destination) return pino(base, options.destination);
  if (options.format === 'pretty') {
    return pino({
      ...base,
      transport: {
        target: 'pino-pretty',
        options: { colorize: true, translateTime: 'SYS:HH:MM:ss.l' },
      },
    });
  }
  return pino(base);
}

export type { Logger };
