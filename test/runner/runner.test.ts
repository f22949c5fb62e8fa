import { pino } from 'pino';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import type { Checker, CheckContext } from '../../src/checkers/checker.ts';
import { probeSchema, type Probe } from '../../src/probes/schema.ts';
import type { Outcome, Result } from '../../src/results/result.ts';
import { FlapDamper } from '../../src/runner/flap-damper.ts';
import { HostLimiter } from '../../src/runner/host-limiter.ts';
import { MaintenanceCalendar } from '../../src/runner/maintenance.ts';
import { Runner, type ResultSink } from '../../src/runner/runner.ts';
import { systemClock } from '../../src/scheduler/clock.ts';

/** A checker whose behaviour each test scripts; the runner under test is real. */
function scripted(
  behaviour: (ctx: CheckContext, attempt: number) => Promise<Outcome>,
): Checker<unknown> {
  let attempt = 0;
  return {
    kind: 'http',
    spec: z.unknown(),
    pool: 'http',
    check: (ctx) => behaviour(ctx, ++attempt),
  };
}

const outcome = (status: Outcome['status'], reason?: Outcome['reason']): Outcome => ({
  status,
  ...(reason ? { reason } : {}),
  message: status,
  assertions: [],
});

function probe(fields: Record<string, unknown> = {}): Probe {
  return probeSchema.parse({
    id: 'kfz',
    name: 'Kfz',
    kind: 'http',
    every: '1m',
    timeout: '2s',
    labels: { service: 'kfz' },
    http: { url: 'https://kfz.example.de/' },
    ...fields,
  });
}

function runner(
  checker: Checker<unknown>,
  sinks: ResultSink[] = [],
  calendar?: MaintenanceCalendar,
  abortGraceMs?: number,
): Runner {
  return new Runner({
    ...(abortGraceMs !== undefined ? { abortGraceMs } : {}),
    checkerFor: () => checker,
    clock: systemClock,
    logger: pino({ level: 'silent' }),
    userAgent: 'ozgwatch-test',
    hosts: new HostLimiter(2),
    flap: new FlapDamper(),
    sinks,
    maintenance: () => calendar,
  });
}

describe('Runner', () => {
  it('retries a failed attempt when the probe asks, with backoff, and records the attempts', async () => {
    const times: number[] = [];
    const r = runner(
      scripted(async (_ctx, n) => {
        times.push(performance.now());
        return n < 3 ? outcome('fail', 'connect') : outcome('pass');
      }),
    );
    const result = await r.run(probe({ retries: 2, retryBackoff: '50ms' }));
    expect(result).toMatchObject({ status: 'pass', attempts: 3 });
    expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(45);
    expect(times[2]! - times[1]!).toBeGreaterThanOrEqual(95);
  });

  it('does not retry without retries, nor after an error of ozgwatch itself', async () => {
    expect(
      (await runner(scripted(async () => outcome('fail', 'connect'))).run(probe())).attempts,
    ).toBe(1);
    expect(
      (await runner(scripted(async () => outcome('error', 'internal'))).run(probe({ retries: 3 })))
        .attempts,
    ).toBe(1);
  });

  it('ends a hung checker as a timeout at the probe deadline: the signal reaches the work', async () => {
    const r = runner(
      scripted(
        (ctx) =>
          new Promise((_, reject) => {
            ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason as Error));
          }),
      ),
    );
    const started = performance.now();
    const result = await r.run(probe({ timeout: '300ms' }));
    expect(result).toMatchObject({ status: 'fail', reason: 'timeout' });
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it('leaves behind a checker that ignores the abort, after its grace: the run ends', async () => {
    let finishedLate = false;
    const deaf = scripted(
      () =>
        new Promise((resolve) => {
          setTimeout(() => {
            finishedLate = true;
            resolve(outcome('pass'));
          }, 3_000);
        }),
    );
    const stop = new AbortController();
    const timings: number[] = [];
    for (const [timeout, shutdown] of [
      ['200ms', false],
      ['5s', true],
    ] as const) {
      const started = performance.now();
      const running = runner(deaf, [], undefined, 300).run(probe({ timeout }), stop.signal);
      if (shutdown) setTimeout(() => stop.abort(), 100);
      const result = await running;
      timings.push(performance.now() - started);
      expect([result.status, result.reason]).toEqual(
        shutdown ? ['error', 'aborted'] : ['fail', 'timeout'],
      );
      expect(result.message).toMatch(/did not stop within 300 ms/);
    }
    // Deadline or shutdown, plus the 300 ms grace; not the checker's 3 s.
    expect(timings.every((ms) => ms >= 350 && ms < 1_500)).toBe(true);
    expect(finishedLate).toBe(false);
  });

  it('turns an exception of the checker into an error result', async () => {
    const result = await runner(scripted(() => Promise.reject(new Error('bug')))).run(probe());
    expect(result).toMatchObject({
      status: 'error',
      reason: 'internal',
      message: 'checker failed: bug',
    });
  });

  it('delivers the result to every sink even when one throws', async () => {
    const seen: Result[] = [];
    const sinks: ResultSink[] = [
      {
        name: 'broken',
        record: () => {
          throw new Error('disk full');
        },
      },
      { name: 'ok', record: (_p, result) => seen.push(result) },
    ];
    const result = await runner(
      scripted(async () => outcome('pass')),
      sinks,
    ).run(probe());
    expect(seen).toEqual([result]);
  });

  it('marks runs inside a maintenance window and leaves the damped state alone', async () => {
    const always = new MaintenanceCalendar(
      [probe({ maintenance: [{ cron: '* * * * *', duration: '2m' }] })],
      [],
    );
    const result = await runner(
      scripted(async () => outcome('fail', 'http_status')),
      [],
      always,
    ).run(probe());
    expect(result).toMatchObject({ maintenance: true, status: 'fail' });
  });

  it('applies flap damping to the reported status, keeping the raw status', async () => {
    const statuses: Outcome['status'][] = ['pass', 'fail', 'fail'];
    const r = runner(scripted(async (_c, n) => outcome(statuses[n - 1]!)));
    const p = probe({ failAfter: 2 });
    const results = [await r.run(p), await r.run(p), await r.run(p)];
    expect(results.map((x) => [x.status, x.reportedStatus])).toEqual([
      ['pass', 'pass'],
      ['fail', 'pass'],
      ['fail', 'fail'],
    ]);
  });
});
