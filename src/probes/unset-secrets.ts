import path from 'node:path';
import { unsetSecrets } from '../checkers/secrets.ts';
import type { LoadedProbe } from './schema.ts';

/** A probe whose `${env:NAME}` references name variables the environment does not set. */
export interface UnsetSecrets {
  probe: string;
  file: string;
  line?: number;
  variables: string[];
}

/**
 * The probes that read variables this environment lacks, in `http.headers` or a journey's
 * declared steps (what a TypeScript journey's `secret(name)` reads is only known when it runs).
 * Their runs end `error`/`secret_missing` without sending anything: said when the probes are
 * loaded — in the daemon's own environment — instead of at each probe's first run.
 */
export function unsetSecretsOf(
  probes: readonly LoadedProbe[],
  env: NodeJS.ProcessEnv = process.env,
): UnsetSecrets[] {
  const found: UnsetSecrets[] = [];
  for (const { probe, source } of probes) {
    const spec = probe[probe.kind] as { headers?: unknown; steps?: unknown } | undefined;
    const read =
      probe.kind === 'http' ? spec?.headers : probe.kind === 'browser' ? spec?.steps : undefined;
    const variables = unsetSecrets(read, env);
    if (variables.length === 0) continue;
    found.push({
      probe: probe.id,
      file: source.file,
      ...(source.line !== undefined ? { line: source.line } : {}),
      variables,
    });
  }
  return found;
}

/**
 * `wohngeld (probes/kreis.yaml:12) reads ${env:WOHNGELD_PASSWORD}, not set for the daemon: …`;
 * the file named as diagnostics name it, below `folder`.
 */
export function unsetSecretsMessage(u: UnsetSecrets, where: string, folder: string): string {
  const refs = u.variables.map((v) => `\${env:${v}}`).join(', ');
  const file = path.join(folder, u.file);
  const at = u.line === undefined ? file : `${file}:${u.line}`;
  return `${u.probe} (${at}) reads ${refs}, not set ${where}: its runs end error (secret_missing) without sending anything`;
}
