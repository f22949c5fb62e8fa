#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { ConfigError, loadConfig, type Config } from '../config/config.ts';
import { createLogger } from '../log/logger.ts';
import { unknownCommandHint, unknownOptionHint } from './usage-hints.ts';
import { VERSION } from '../version.ts';

/** Exit codes: 0 all good, 1 a check failed or the config is invalid, 2 wrong usage. */
export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

const USAGE = `ozgwatch ${VERSION} — monitoring for public-sector online services

Usage:
  ozgwatch serve    [--probes DIR] [--port N] [--host ADDR] [--data DIR] [--config FILE] [--pretty]
                    [--shard INDEX/COUNT] [--location NAME]
  ozgwatch validate [--probes DIR] [--config FILE] [--json]
  ozgwatch run      <probe-id…> [--probes DIR] [--data DIR] [--config FILE] [--json] [--pretty]
  ozgwatch scan     <url…> [--checks availability,browser,a11y,media-breaks] [--browser] [--profile P]
                    [--timeout 30s] [--data DIR] [--config FILE] [--json]
  ozgwatch report   [--quarter 2026-Q4 | --from YYYY-MM-DD --to YYYY-MM-DD] [--county X] [--service Y]
                    [--format html,pdf,csv,json] [--lang de|en] [--out DIR] [--data DIR] [--config FILE]
  ozgwatch backup   <file> [--data DIR] [--config FILE]
  ozgwatch version
  ozgwatch help     (or --help, -h)

Reference: docs/cli.md`;

const OPTIONS = {
  probes: { type: 'string' },
  port: { type: 'string' },
  host: { type: 'string' },
  data: { type: 'string' },
  config: { type: 'string' },
  json: { type: 'boolean', default: false },
  pretty: { type: 'boolean', default: false },
  checks: { type: 'string' },
  browser: { type: 'boolean', default: false },
  profile: { type: 'string' },
  timeout: { type: 'string' },
  quarter: { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string' },
  county: { type: 'string' },
  service: { type: 'string' },
  format: { type: 'string' },
  lang: { type: 'string' },
  out: { type: 'string' },
  shard: { type: 'string' },
  location: { type: 'string' },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

export type CliValues = ReturnType<typeof parse>['values'];

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    options: OPTIONS,
    allowPositionals: true,
    strict: true,
    tokens: true,
  });
}

export async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parse(argv);
  } catch (error) {
    const command = argv.find((a) => !a.startsWith('-'));
    const options = [...(optionsOf(command ?? '') ?? Object.keys(OPTIONS))];
    process.stderr.write(`${unknownOptionHint(error, options)}\n\n${USAGE}\n`);
    return EXIT_USAGE;
  }
  const { values, positionals } = parsed;
  const [command, ...args] = positionals;
  if (values.help || command === undefined || command === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return command === undefined && !values.help ? EXIT_USAGE : EXIT_OK;
  }
  if (command === 'version') {
    process.stdout.write(`${VERSION}\n`);
    return EXIT_OK;
  }
  const allowed = optionsOf(command);
  const misplaced = (parsed.tokens ?? [])
    .flatMap((t) => (t.kind === 'option' ? [t.name] : []))
    .filter((name) => allowed !== undefined && !allowed.has(name));
  if (misplaced.length > 0) {
    // Silently ignored, `validate --port 1` would look as if it checked something.
    process.stderr.write(`option --${misplaced[0]} does not apply to ${command}\n\n${USAGE}\n`);
    return EXIT_USAGE;
  }
  let config: Config;
  try {
    config = await loadConfig({
      ...(values.config ? { file: values.config } : {}),
      env: process.env,
      overrides: {
        probes: values.probes,
        dataDir: values.data,
        'server.host': values.host,
        // As written: the configuration turns it into a number, or names --port in its error.
        'server.port': values.port,
        'log.format': values.pretty ? 'pretty' : undefined,
        shard: values.shard,
        location: values.location,
      },
    });
  } catch (error) {
    if (error instanceof ConfigError) {
      if (command === 'validate' && values.json) {
        (await import('./validate-command.ts')).printConfigErrorJson(error);
      } else {
        process.stderr.write(`${error.message}\n`);
      }
      return EXIT_FAILED;
    }
    throw error;
  }

  // Commands load lazily: `validate` should not pay for the daemon's imports.
  switch (command) {
    case 'scan':
      return (await import('./scan-command.ts')).scanCommand(config, args, values);
    case 'serve':
      return (await import('./serve-command.ts')).serveCommand(config);
    case 'report':
      return (await import('./report-command.ts')).reportCommand(config, values);
    case 'backup':
      return (await import('./backup-command.ts')).backupCommand(config, args);
    case 'validate':
      return (await import('./validate-command.ts')).validateCommand(config, values);
    case 'run':
      return (await import('./run-command.ts')).runCommand(
        config,
        args,
        values,
        // Logs go to standard error: standard output is the table or the JSON lines. Quiet
        // by default, like `scan`: the table already says what failed and why, and a log
        // line per failed run after it only repeats it. OZGWATCH_LOG_LEVEL opens them.
        createLogger({
          // An empty variable counts as unset, as in the daemon's configuration.
          level: process.env.OZGWATCH_LOG_LEVEL || 'warn',
          format: config.log.format,
          destination: pino.destination(2),
        }),
      );
    default:
      process.stderr.write(`${unknownCommandHint(command, commandsOf())}\n\n${USAGE}\n`);
      return EXIT_USAGE;
  }
}

/**
 * The program as the shell runs it. `run` and `scan` end once their results are out: a
 * TypeScript journey may leave a timer or a socket of its own behind, which would keep
 * the process alive long after the run's deadline.
 */
export async function runProgram(argv: string[]): Promise<void> {
  const code = await main(argv);
  process.exitCode = code;
  const command = parseCommand(argv);
  if (command !== 'run' && command !== 'scan') return;
  await Promise.all(
    [process.stdout, process.stderr].map((s) => new Promise((done) => s.write('', done))),
  );
  process.exit(code);
}

/**
 * The options `command` takes, read from its lines of the usage text (which a test keeps
 * equal to docs/cli.md); undefined for a command the usage does not know.
 */
function optionsOf(command: string): Set<string> | undefined {
  const lines = USAGE.split('\n');
  const start = lines.findIndex((l) => l.startsWith(`  ozgwatch ${command} `));
  if (start < 0) return undefined;
  let end = start + 1;
  while (end < lines.length && /^ {4,}\[/.test(lines[end]!)) end++;
  const text = lines.slice(start, end).join(' ');
  return new Set([...text.matchAll(/--([a-z]+)/g)].map((m) => m[1]!).concat('help'));
}

/** The commands of the usage text. */
function commandsOf(): string[] {
  return [...USAGE.matchAll(/^ {2}ozgwatch ([a-z-]+)/gm)].map((m) => m[1]!);
}

function parseCommand(argv: string[]): string | undefined {
  try {
    return parse(argv).positionals[0];
  } catch {
    return undefined;
  }
}

if (import.meta.main) await runProgram(process.argv.slice(2));
