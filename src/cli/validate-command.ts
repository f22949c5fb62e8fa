import type { Config, ConfigError } from '../config/config.ts';
import { formatDiagnostic } from '../probes/diagnostics.ts';
import { loadProbes } from '../probes/loader.ts';
import { unsetSecretsMessage, unsetSecretsOf } from '../probes/unset-secrets.ts';
import type { CliValues } from './main.ts';

/** `ozgwatch validate`: every problem of the probe folder, or a count of good probes. */
export async function validateCommand(config: Config, values: CliValues): Promise<number> {
  const set = await loadProbes(config.probes);
  const ok = set.diagnostics.length === 0;
  // Not a problem of the files (CI validates without the secrets), but worth a word: the
  // daemon in this environment would run these probes into secret_missing.
  const unset = unsetSecretsOf(set.probes);
  if (values.json) {
    process.stdout.write(
      `${JSON.stringify({ ok, probes: set.probes.length, files: set.files.length, diagnostics: set.diagnostics, unsetSecrets: unset })}\n`,
    );
  } else if (ok) {
    const count = (n: number, one: string): string => `${n} ${one}${n === 1 ? '' : 's'}`;
    process.stdout.write(
      `${count(set.probes.length, 'probe')} in ${count(set.files.length, 'file')}: valid\n`,
    );
    for (const u of unset) {
      process.stderr.write(
        `note: ${unsetSecretsMessage(u, 'in this environment', config.probes)}\n`,
      );
    }
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
 * of nothing. A diagnostic's `file` is the settings file (with its line), or the variable or
 * flag that set the field.
 */
export function printConfigErrorJson(error: ConfigError): void {
  const doc = { ok: false, probes: 0, files: 0, diagnostics: error.diagnostics, unsetSecrets: [] };
  process.stdout.write(`${JSON.stringify(doc)}\n`);
}
