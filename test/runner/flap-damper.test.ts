import { describe, expect, it } from 'vitest';
import type { RunStatus } from '../../src/results/result.ts';
import { FlapDamper } from '../../src/runner/flap-damper.ts';

function feed(statuses: RunStatus[], failAfter: number, recoverAfter: number): RunStatus[] {
  const damper = new FlapDamper();
  return statuses.map((s) => damper.report('p', s, failAfter, recoverAfter));
}

describe('FlapDamper', () => {
  it('reports raw results when damping is off', () => {
    expect(feed(['pass', 'fail', 'pass', 'error'], 1, 1)).toEqual([
      'pass',
      'fail',
      'pass',
      'error',
    ]);
  });

  it('turns failing only after failAfter consecutive failures', () => {
    expect(feed(['pass', 'fail', 'pass', 'fail', 'fail', 'fail'], 2, 1)).toEqual([
      'pass',
      'pass',
      'pass',
      'pass',
      'fail',
      'fail',
    ]);
  });

  it('recovers only after recoverAfter consecutive successes', () => {
    expect(feed(['fail', 'pass', 'fail', 'pass', 'degraded', 'pass'], 1, 2)).toEqual([
      'fail',
      'fail',
      'fail',
      'fail',
      'degraded',
      'pass',
    ]);
  });

  it('damps the first results of a new probe too: it starts presumed up', () => {
    expect(feed(['fail', 'pass', 'fail', 'fail'], 2, 1)).toEqual(['pass', 'pass', 'pass', 'fail']);
    expect(feed(['error', 'error'], 2, 1)).toEqual(['pass', 'error']);
    expect(feed(['degraded', 'fail'], 2, 1)).toEqual(['degraded', 'degraded']);
  });

  it('treats degraded as up and error as down', () => {
    expect(feed(['pass', 'degraded', 'error', 'error'], 2, 1)).toEqual([
      'pass',
      'degraded',
      'degraded',
      'error',
    ]);
  });

  it('seeded from the last stored run, damping goes on across a restart', () => {
    const damper = new FlapDamper();
    damper.seed('up', 'pass', 'pass');
    // The last run had failed once already, still reported up: one more failure is the second.
    damper.seed('flapping', 'pass', 'fail');
    // Seeding never overrides what this process has seen.
    expect(damper.report('seen', 'pass', 2, 1)).toBe('pass');
    damper.seed('seen', 'fail', 'fail');
    expect(damper.has('seen') && damper.has('up') && !damper.has('new')).toBe(true);
    expect([damper.report('up', 'fail', 2, 1), damper.report('up', 'fail', 2, 1)]).toEqual([
      'pass',
      'fail',
    ]);
    expect(damper.report('flapping', 'fail', 2, 1)).toBe('fail');
    expect(damper.report('seen', 'fail', 2, 1)).toBe('pass');
  });
});
