import type { Logger } from 'pino';
import type { Config } from '../config/config.ts';
import { terminalJson } from '../log/terminal-text.ts';
import { formatDiagnostic } from '../probes/diagnostics.ts';
import { loadProbes } from '../probes/loader.ts';
import { resultDocument, type Result } from '../results/result.ts';
import { MaintenanceCalendar } from '../runner/maintenance.ts';
import { runOnce } from './cli-runner.ts';
import type { CliValues } from './main.ts';
import { anyFailed, formatResultTable } from './result-table.ts';
import { unknownProbeHint } from './usage-hints.ts';

/** `ozgwatch run <id…>`: runs probes once now and prints the results; nothing goes to the store (evidence of failed journeys goes to the data folder). */
export async function runCommand(
  config: Config,
  ids: string[],
  values: CliValues,
  logger: Logger,
): Promise<number> {
  if (ids.length === 0) {
    // `validate` counts probes and does not list them: point at where the ids are written.
    process.stderr.write(
      `ozgwatch run: name at least one probe id (the id: of a probe in the files under ${config.probes})\n`,
    );
    return 2;
  }
  const set = await loadProbes(config.probes);
  if (set.diagnostics.length > 0) {
    for (const d of set.diagnostics) {
      process.stderr.write(`${formatDiagnostic(d, config.probes)}\n`);
    }
    return 1;
  }
  const byId = new Map(set.probes.map((l) => [l.probe.id, l.probe]));
  const unknown = ids.filter((id) => !byId.has(id));
  if (unknown.length > 0) {
    const hint = unknownProbeHint(unknown, [...byId.keys()]);
    process.stderr.write(`${hint.replace(/^/gm, 'ozgwatch run: ')}\n`);
    return 2;
  }
  const probes = ids.map((id) => byId.get(id)!);
  const calendar = new MaintenanceCalendar(probes, set.maintenance);
  const results: Result[] = await runOnce(config, probes, logger, calendar);
  if (values.json) {
    for (const r of results) process.stdout.write(`${terminalJson(resultDocument(r))}\n`);
  } else {
    process.stdout.write(
      `${formatResultTable(results.map((r) => ({ label: r.probeId, result: r })))}\n`,
    );
  }
  return anyFailed(results) ? 1 : 0;
}
