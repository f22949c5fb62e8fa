import { mkdir, mkdtemp, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config/config.ts';
import { startDaemon, type Daemon } from '../../src/main.ts';
import { oneAtATime } from '../../src/probes/one-at-a-time.ts';

/**
 * SIGHUP and the folder watch may both ask for a reload while one is under way. The daemon
 * must end on the files as they are after the last request, whichever reload read faster.
 */
const probe = (id: string): string => `- id: ${id}
  name: ${id}
  kind: http
  every: 1h
  labels: { service: kfz }
  http: { url: "http://127.0.0.1:9/${id}" }
`;

// A TypeScript probe whose import takes its time, as one that reads a large file would.
const slowProbe = `await new Promise((resolve) => setTimeout(resolve, 1500));
export default { id: 'kfz-slow', name: 'kfz-slow', kind: 'http', every: '1h', labels: { service: 'kfz' }, http: { url: 'http://127.0.0.1:9/slow' } };
`;

let dir: string;
let daemon: Daemon | undefined;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'ozgwatch-reload-order-'));
  await mkdir(path.join(dir, 'probes'));
});
afterEach(async () => {
  await daemon?.stop();
  daemon = undefined;
  await rm(dir, { recursive: true, force: true });
});

describe('reloads asked for while one runs', () => {
  it('end on the files of the last request, not on those of the slowest reload', async () => {
    await writeFile(path.join(dir, 'probes/a.yaml'), probe('kfz-ok'));
    daemon = await startDaemon(
      {
        ...configSchema.parse({
          probes: path.join(dir, 'probes'),
          dataDir: path.join(dir, 'data'),
        }),
        server: { host: '127.0.0.1', port: 0 },
        watch: false,
      },
      { logger: pino({ level: 'silent' }) },
    );

    await writeFile(path.join(dir, 'probes/slow.probe.ts'), slowProbe);
    const first = daemon.reload();
    // The first reload is importing the slow file; the operator replaces it meanwhile.
    await new Promise((r) => setTimeout(r, 300));
    await unlink(path.join(dir, 'probes/slow.probe.ts'));
    await writeFile(path.join(dir, 'probes/b.yaml'), probe('kfz-new'));
    const second = daemon.reload();

    expect(await Promise.all([first, second])).toEqual([true, true]);
    expect([...daemon.active()!.byId.keys()].sort()).toEqual(['kfz-new', 'kfz-ok']);
    const metrics = await (await fetch(`${daemon.server.url}/metrics`)).text();
    expect(metrics).toMatch(/^ozgwatch_probes_loaded 2$/m);
  });
});

describe('oneAtATime', () => {
  it('runs a call made during a run after it, once for all such calls, and never two at once', async () => {
    let inFlight = 0;
    let most = 0;
    let runs = 0;
    const task = oneAtATime(async () => {
      inFlight++;
      most = Math.max(most, inFlight);
      const n = ++runs;
      await new Promise((r) => setTimeout(r, 20));
      inFlight--;
      return n;
    });
    const results = await Promise.all([task(), task(), task(), task()]);
    expect(results).toEqual([1, 2, 2, 2]);
    expect(most).toBe(1);
    expect(await task()).toBe(3);
  });

  it('runs the next call after a run that failed', async () => {
    let calls = 0;
    const task = oneAtATime(async () => {
      calls++;
      if (calls === 1) throw new Error('unreadable');
      return calls;
    });
    const [a, b] = await Promise.allSettled([task(), task()]);
    expect(a.status).toBe('rejected');
    expect(b).toEqual({ status: 'fulfilled', value: 2 });
  });
});
