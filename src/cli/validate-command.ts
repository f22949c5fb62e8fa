import type { Config, ConfigError } from '../config/config.ts';
import { formatDiagnostic, type Diagnostic } from '../probes/diagnostics.ts';
import { loadProbes } from '../probes/loader.ts';
import type { CliValues } from './main.ts';

/** `ozgwatch validate`: every problem of the probe folder, or a count of good probes. */
export async function validateCommand(config: Config, values: CliValues): Promise<number> {
  const set = await loadProbes(config.probes);
  const ok = set.diagnostics.length === 0;
  if (values.json) {
    process.stdout.write(
      `${JSON.stringify({ ok, probes: set.probes.length, files: set.files.length, diagnostics: set.diagnostics })}\n`,
    );
  } else if (ok) {
    const count = (n: number, one: string): string => `${n} ${one}${n === 1 ? '' : 's'}`;
    process.stdout.write(
      `${count(set.probes.length, 'probe')} in ${count(set.files.length, 'file')}: valid\n`,
    );
  } else {
    for (const d of set.diagnostics) {
      process.stderr.write(`${formatDiagnostic(d, config.probes)}\n`);
    }
    process.stderr.write(`\n${set.diagnostics.length} problem(s) in ${config.probes}\n`);
  }
  return ok ? 0 : 1;
}

/**
 * `validate --json` when the daemon's config itself is invalid: the same document as for
 * probe problems, one diagnostic per problem, so a pipeline reading stdout sees why instead
 * of nothing. `file` is the config file when one was given (its line, when the problem names
 * one), else `config` (the problem came from a variable or a flag, which the message names).
 */
export function printConfigErrorJson(error: ConfigError, file: string | undefined): void {
  const diagnostics = error.message.split('\n').map((line): Diagnostic => {
    const at = file !== undefined && line.startsWith(`${file}:`) ? line.slice(file.length + 1) : '';
    const numbered = /^(\d+): (.*)$/s.exec(at);
    if (numbered)
      return { file: file!, line: Number(numbered[1]), path: '', message: numbered[2]! };
    return { file: file ?? 'config', path: '', message: at ? at.trimStart() : line };
  });
  process.stdout.write(`${JSON.stringify({ ok: false, probes: 0, files: 0, diagnostics })}\n`);
}
