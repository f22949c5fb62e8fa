import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { fixtureMetrics, normalise } from './exposition-fixture.ts';

/**
 * The names and label sets of a fixed exposition, compared with a golden file: a change
 * to them breaks dashboards and alert rules, so it must show up in review.
 * Regenerate with `UPDATE_GOLDEN=1 npx vitest run test/metrics` and read the diff.
 */
const GOLDEN = fileURLToPath(new URL('golden/exposition.txt', import.meta.url));

describe('metrics golden exposition', () => {
  it('matches test/metrics/golden/exposition.txt', async () => {
    const actual = normalise(await fixtureMetrics().render());
    if (process.env.UPDATE_GOLDEN === '1' || !existsSync(GOLDEN)) {
      if (process.env.UPDATE_GOLDEN !== '1') {
        throw new Error(`${GOLDEN} is missing; create it with UPDATE_GOLDEN=1`);
      }
      writeFileSync(GOLDEN, actual);
    }
    expect(actual).toBe(readFileSync(GOLDEN, 'utf8'));
  });
});
