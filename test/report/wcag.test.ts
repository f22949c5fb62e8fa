import { describe, expect, it } from 'vitest';
import { axeRules } from '../../src/checkers/a11y/axe.ts';
import { coverageMatrix } from '../../src/report/wcag.ts';

describe('the coverage matrix', () => {
  it('counts only rules the recorded profile runs: 4.1.1 has none since axe-core 4 deprecated duplicate-id', () => {
    const matrix = coverageMatrix(['wcag21aa']);
    expect(matrix).toHaveLength(50);
    expect(matrix.find((r) => r.sc === '4.1.1')).toMatchObject({ rules: [], coverage: 'manual' });
    const listed = new Set(matrix.flatMap((r) => r.rules));
    for (const id of listed) {
      const tags = axeRules().get(id)?.tags ?? [];
      expect(
        tags.filter((t) => t === 'deprecated' || t.endsWith('-obsolete')),
        id,
      ).toEqual([]);
    }
    expect(listed).not.toContain('aria-roledescription');
    expect(matrix.filter((r) => r.coverage === 'partial').length).toBeLessThan(22);
    // A profile this version does not know selects nothing: the matrix never claims more.
    expect(coverageMatrix(['no-such-profile']).every((r) => r.coverage === 'manual')).toBe(true);
  });
});
