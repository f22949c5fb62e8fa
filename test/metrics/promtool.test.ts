import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { fixtureMetrics, isDefaultMetric } from './exposition-fixture.ts';

const promtool = spawnSync('promtool', ['--version'], { encoding: 'utf8' });
const available = promtool.error === undefined && promtool.status === 0;
if (!available) {
  console.warn(
    'promtool not found on PATH: skipping `promtool check metrics` (install prometheus)',
  );
}

describe('promtool check metrics', () => {
  it.skipIf(!available && !process.env.CI)(
    'accepts the exposition; no lint findings for our metrics',
    async () => {
      const text = await fixtureMetrics().render();
      const run = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
      const findings = `${run.stdout}${run.stderr}`
        .split('\n')
        .map((l) => l.trim())
        .filter((l) => l !== '');
      // Exit 1 is a parse error; 3 means lint findings, allowed only for prom-client's defaults
      // (e.g. `nodejs_active_handles_total` is a gauge with a _total suffix).
      expect(run.status === 0 || run.status === 3, findings.join('\n')).toBe(true);
      const ours = findings.filter((l) => !isDefaultMetric(l.split(/\s/)[0] ?? ''));
      expect(ours).toEqual([]);
    },
  );
});
