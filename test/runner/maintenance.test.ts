import { describe, expect, it } from 'vitest';
import { probeSchema, type Probe } from '../../src/probes/schema.ts';
import { MaintenanceCalendar } from '../../src/runner/maintenance.ts';

const probe = (id: string, county: string, maintenance: unknown[] = []): Probe =>
  probeSchema.parse({
    id,
    name: id,
    kind: 'http',
    labels: { service: 'kfz', county },
    maintenance,
    http: { url: 'https://kfz.example.de/' },
  });

describe('MaintenanceCalendar', () => {
  // Sundays 02:00–04:00 Berlin; 2026-11-22 is a Sunday (CET = UTC+1).
  const sunday = (h: number, m = 0): number => Date.UTC(2026, 10, 22, h - 1, m);

  it('marks runs inside a probe’s own window, with its reason', () => {
    const cal = new MaintenanceCalendar(
      [probe('a', 'ulm', [{ cron: '0 2 * * 0', duration: '2h', reason: 'Patchday' }])],
      [],
    );
    expect(cal.windowAt('a', sunday(1, 59))).toBeUndefined();
    expect(cal.windowAt('a', sunday(2, 0))).toEqual({ reason: 'Patchday', until: sunday(4, 0) });
    expect(cal.windowAt('a', sunday(3, 59))).toBeDefined();
    expect(cal.windowAt('a', sunday(4, 0))).toBeUndefined();
  });

  it('applies selector windows to the probes whose labels match', () => {
    const cal = new MaintenanceCalendar(
      [probe('a', 'ulm'), probe('b', 'biberach')],
      [{ match: { county: 'ulm' }, cron: '0 2 * * 0', duration: 7_200_000 }],
    );
    expect(cal.windowAt('a', sunday(3))).toBeDefined();
    expect(cal.windowAt('b', sunday(3))).toBeUndefined();
  });
});
