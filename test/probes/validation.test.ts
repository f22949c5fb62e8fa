import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../../src/probes/diagnostics.ts';
import { loadProbes } from '../../src/probes/loader.ts';

/**
 * One folder per validation rule under test/fixtures/validation/, each with the exact
 * diagnostics it must produce in expected.txt. Regenerate with UPDATE_GOLDEN=1.
 */
const root = path.join(import.meta.dirname, '../fixtures/validation');
const rules = readdirSync(root).sort();

describe('probe validation diagnostics', () => {
  it('has a fixture for every rule', () => {
    expect(rules.length).toBeGreaterThanOrEqual(25);
  });

  for (const rule of rules) {
    it(rule, async () => {
      const set = await loadProbes(path.join(root, rule));
      const actual = set.diagnostics.map((d) => formatDiagnostic(d)).join('\n') + '\n';
      const expectedFile = path.join(root, rule, 'expected.txt');
      if (process.env.UPDATE_GOLDEN === '1' || !existsSync(expectedFile)) {
        if (process.env.CI) throw new Error(`${expectedFile} missing; run with UPDATE_GOLDEN=1`);
        writeFileSync(expectedFile, actual);
      }
      expect(set.diagnostics.length).toBeGreaterThan(0);
      expect(actual).toBe(readFileSync(expectedFile, 'utf8'));
    });
  }
});
