import { pino } from 'pino';
import { beforeEach, describe, expect, it } from 'vitest';
import type { MediaBreakReport, Result } from '../../src/results/result.ts';
import { buildMetrics } from '../metrics/helpers.ts';
import { startServer } from '../../src/server/server.ts';
import type { Store } from '../../src/store/store.ts';
import { storeBackends } from './backends.ts';

const T0 = Date.UTC(2026, 10, 23, 8, 0, 0);
const DAY = 86_400_000;
const backends = storeBackends();
let store: Store;

let seq = 0;
function check(
  at: number,
  kinds: MediaBreakReport['breaks'][number]['kind'][],
  level: 0 | 1 | 2 | 3 | 4,
  maintenance = false,
): Result {
  seq++;
  return {
    runId: `run-${seq}`,
    probeId: 'wohngeld-mb',
    kind: 'media-breaks',
    startedAt: at,
    duration: 2,
    attempts: 1,
    maintenance,
    status: kinds.length > 0 ? 'fail' : 'pass',
    reportedStatus: kinds.length > 0 ? 'fail' : 'pass',
    message: '…',
    assertions: [],
    mediaBreaks: {
      lexicon: 'de',
      breaks: kinds.map((kind) => ({
        kind,
        evidence: {
          text: `Beleg für ${kind}`,
          url: 'https://example.de/wohngeld',
          selector: 'main p',
        },
        confidence: 0.9,
      })),
      maturity: { level, basis: 'estimated, citizen-side', base: level, because: [] },
      endToEndDigital: kinds.length === 0 && level >= 3,
      signals: {
        info: true,
        assist: false,
        online: true,
        auth: false,
        upload: false,
        epayment: false,
        noFee: false,
        onceOnly: false,
        decisionDigital: false,
        pathSteps: 0,
      },
      path: { steps: 0, stoppedBecause: 'no-online-application' },
      pages: ['https://example.de/wohngeld'],
      documents: [],
    },
  };
}

describe.each(backends)('media-break events ($name)', (backend) => {
  beforeEach(async () => {
    store = await backend.open();
  });

  it('records breaks that appear and disappear and level changes, newest first', async () => {
    store.save(check(T0, ['paper-form'], 1)); // baseline: no event
    store.save(check(T0 + DAY, ['paper-form'], 1)); // no change
    store.save(check(T0 + 2 * DAY, ['paper-form', 'postal-submission'], 1));
    store.save(check(T0 + 3 * DAY, ['postal-submission'], 2, true)); // maintenance: ignored
    store.save(check(T0 + 4 * DAY, [], 3));
    const events = await store.mediaBreakEvents({ limit: 100 });
    expect(events.map((e) => [e.at - T0, e.type, e.kind ?? `${e.levelFrom}→${e.levelTo}`])).toEqual(
      [
        [4 * DAY, 'level', '1→3'],
        [4 * DAY, 'disappeared', 'postal-submission'],
        [4 * DAY, 'disappeared', 'paper-form'],
        [2 * DAY, 'appeared', 'postal-submission'],
      ],
    );
    expect(events.at(-1)?.evidence).toEqual({
      text: 'Beleg für postal-submission',
      url: 'https://example.de/wohngeld',
      selector: 'main p',
    });
    const window = await store.mediaBreakEvents({ from: T0, to: T0 + 3 * DAY, limit: 100 });
    expect(window.map((e) => e.type)).toEqual(['appeared']);
    expect(await store.mediaBreakEvents({ probeId: 'other', limit: 100 })).toEqual([]);
  });

  it('a result stored late (older than the known state) changes nothing', async () => {
    store.save(check(T0 + DAY, ['in-person'], 2));
    store.save(check(T0, ['paper-form'], 1));
    store.save(check(T0 + 2 * DAY, ['in-person'], 2));
    expect(await store.mediaBreakEvents({ limit: 100 })).toEqual([]);
  });

  it('events survive reopening the store', async () => {
    store.save(check(T0, [], 3));
    store.save(check(T0 + DAY, ['manual-payment'], 2));
    await store.close();
    store = await backend.open();
    expect((await store.mediaBreakEvents({ limit: 10 })).map((e) => e.type).sort()).toEqual([
      'appeared',
      'level',
    ]);
  });

  it('the API lists them, filtered by probe and time', async () => {
    store.save(check(T0, [], 3));
    store.save(check(T0 + DAY, ['manual-payment'], 2));
    const server = await startServer({
      host: '127.0.0.1',
      port: 0,
      logger: pino({ level: 'silent' }),
      metrics: buildMetrics(),
      store,
      probes: () => [],
      nextRunAt: () => undefined,
      ready: () => true,
    });
    try {
      const get = async (query: string): Promise<{ status: number; body: unknown }> => {
        const res = await fetch(`${server.url}/api/media-breaks/events${query}`);
        return { status: res.status, body: await res.json() };
      };
      const all = await get('?probe=wohngeld-mb');
      expect(all.status).toBe(200);
      expect(all.body).toEqual([
        {
          probeId: 'wohngeld-mb',
          runId: expect.any(String) as unknown,
          at: new Date(T0 + DAY).toISOString(),
          type: 'level',
          levelFrom: 3,
          levelTo: 2,
        },
        expect.objectContaining({ type: 'appeared', kind: 'manual-payment' }) as unknown,
      ]);
      expect((await get(`?from=${new Date(T0 + 2 * DAY).toISOString()}`)).body).toEqual([]);
      expect((await get('?from=gestern')).status).toBe(400);
      // A day the calendar does not have is refused, not rolled over into March.
      expect((await get('?from=2026-02-30')).status).toBe(400);
      expect((await get('?from=2026-02-28&limit=')).status).toBe(200);
      expect((await get('?probe=../etc')).status).toBe(400);
    } finally {
      await server.close();
    }
  });
});
