import { existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { devtoolsEndpoint } from '../../src/checkers/browser/devtools-endpoint.ts';
import {
  BrowserHost,
  type MadeContext,
  type RestartReason,
} from '../../src/runner/browser-host.ts';

let host: BrowserHost | undefined;
afterEach(async () => {
  await host?.close();
  host = undefined;
});

function newHost(options: {
  restartAfterRuns?: number;
  memoryLimitMb?: number;
  downloadLimitMb?: number;
  spareIdleMs?: number;
  devtoolsPort?: boolean;
}) {
  const restarts: RestartReason[] = [];
  const active: number[] = [];
  host = new BrowserHost({
    args: [],
    restartAfterRuns: options.restartAfterRuns ?? 1000,
    memoryLimitMb: options.memoryLimitMb ?? 100_000,
    downloadLimitMb: options.downloadLimitMb ?? 20,
    ...(options.spareIdleMs !== undefined ? { spareIdleMs: options.spareIdleMs } : {}),
    ...(options.devtoolsPort !== undefined ? { devtoolsPort: options.devtoolsPort } : {}),
    logger: pino({ level: 'silent' }),
    onRestart: (reason) => restarts.push(reason),
    onContexts: (n) => active.push(n),
  });
  return { host, restarts, active };
}

describe('BrowserHost', () => {
  it.each([
    ['by default', undefined, true],
    ['not with devtoolsPort: false', false, false],
  ])('opens a DevTools port for the request guard %s', async (_, devtoolsPort, open) => {
    const { host } = newHost(devtoolsPort === undefined ? {} : { devtoolsPort });
    const lease = await host.lease({});
    try {
      const browser = lease.context.browser();
      expect(browser).not.toBeNull();
      const endpoint = await devtoolsEndpoint(browser!);
      if (open) expect(endpoint).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/devtools\/browser\//);
      else expect(endpoint).toBeUndefined();
    } finally {
      await lease.release();
    }
  });

  it('gives each run a fresh context and counts the open ones', async () => {
    const { host, active } = newHost({});
    const a = await host.lease({});
    const b = await host.lease({});
    await a.context.addCookies([{ name: 'sitzung', value: '1', url: 'http://127.0.0.1/' }]);
    expect(await b.context.cookies('http://127.0.0.1/')).toEqual([]);
    await a.release();
    await b.release();
    await b.release(); // idempotent
    expect(active).toEqual([1, 2, 1, 0]);
  }, 30_000);

  it('a lease waits no longer than the run’s signal; one that arrives late is released', async () => {
    const { host, active } = newHost({});
    // Launching Chromium takes far longer than 5 ms.
    await expect(host.lease({}, AbortSignal.timeout(5))).rejects.toMatchObject({
      name: 'TimeoutError',
    });
    await expect.poll(() => active.at(-1), { timeout: 20_000 }).toBe(0);
    expect(active).toEqual([1, 0]);
  }, 30_000);

  it('a killed browser’s spare context does not hold the next lease', async () => {
    const { host, restarts } = newHost({});
    const first = await host.lease({});
    await first.release();
    // The spare for the next run was being made in this browser when it died.
    await host.kill();
    await expect.poll(() => restarts, { timeout: 10_000 }).toEqual(['crash']);
    const next = await host.lease({}, AbortSignal.timeout(20_000));
    await next.page.setContent('<p>weiter</p>');
    expect(await next.page.textContent('p')).toBe('weiter');
    await next.release();
  }, 30_000);

  it('replaces the browser after restartAfterRuns contexts, without cutting a run short', async () => {
    const { host, restarts } = newHost({ restartAfterRuns: 2 });
    const first = await host.lease({});
    const second = await host.lease({}); // the second context retires the browser
    expect(restarts).toEqual(['runs']);
    // The retiring browser still serves the contexts it has.
    const page = await second.context.newPage();
    await page.setContent('<p>noch da</p>');
    expect(await page.textContent('p')).toBe('noch da');
    await first.release();
    await second.release();
    const third = await host.lease({});
    expect(third.crashed()).toBe(false);
    await third.release();
  }, 30_000);

  it('prepares the next run’s context ahead, and hands it only to the same preparation', async () => {
    const { host } = newHost({});
    let made = 0;
    const prepare = async ({ page }: MadeContext): Promise<number> => {
      const id = ++made;
      await page.setContent(`<p>Kontext ${id}</p>`);
      return id;
    };
    const first = await host.lease({}, undefined, prepare);
    expect(first.prepared).toBe(1);
    expect(await first.page.textContent('p')).toBe('Kontext 1');
    // While the first run is busy, the second run's context is made and prepared.
    await expect.poll(() => made, { timeout: 10_000 }).toBe(2);
    await first.release();
    const second = await host.lease({}, undefined, prepare);
    expect(second.prepared).toBe(2);
    expect(await second.page.textContent('p')).toBe('Kontext 2');
    await second.release();
    // Another preparation (or none) never gets a context prepared for this one.
    const plain = await host.lease({});
    expect(plain.prepared).toBeUndefined();
    expect(await plain.page.textContent('body')).toBe('');
    await plain.release();
  }, 30_000);

  it('closes the context kept ready when no run takes it in spareIdleMs', async () => {
    const { host } = newHost({ spareIdleMs: 3_000 });
    const first = await host.lease({});
    const browser = first.context.browser()!;
    // The run's context and the one kept ready for the next run.
    await expect.poll(() => browser.contexts().length, { timeout: 10_000 }).toBe(2);
    await first.release();
    expect(browser.contexts().length).toBe(1);
    await expect.poll(() => browser.contexts().length, { timeout: 10_000 }).toBe(0);
    // The browser lives on and serves the next run, which makes its context anew.
    const next = await host.lease({});
    expect(next.context.browser()).toBe(browser);
    expect(await next.page.evaluate(() => 6 * 7)).toBe(42);
    await next.release();
  }, 30_000);

  it('a preparation that fails fails the lease and leaves no context open', async () => {
    const { host, active } = newHost({});
    const failing = async (): Promise<never> => Promise.reject(new Error('kaputt'));
    await expect(host.lease({}, undefined, failing)).rejects.toThrow('kaputt');
    expect(active).toEqual([]);
    const next = await host.lease({});
    expect(next.context.browser()?.contexts().length).toBe(1);
    await next.release();
  }, 30_000);

  it('replaces the browser above the memory ceiling', async () => {
    const { host, restarts } = newHost({ memoryLimitMb: 100 });
    const lease = await host.lease({});
    const end = Date.now() + 5000;
    while (!restarts.includes('memory') && Date.now() < end)
      await new Promise((r) => setTimeout(r, 50));
    expect(restarts).toEqual(['memory']);
    await lease.release();
  }, 30_000);

  it('cancels a download as it grows past downloadLimitMb, in whichever context started it', async () => {
    // Sends `n` MiB, or without end (up to 1 GiB) for `/endless`; counts what it wrote.
    let sent = 0;
    const server = createServer((req, res) => {
      res.writeHead(200, {
        'content-type': 'application/octet-stream',
        'content-disposition': 'attachment; filename="antrag.bin"',
      });
      const chunks = req.url === '/endless' ? 1024 : Number(req.url!.slice(1));
      const chunk = Buffer.alloc(2 ** 20, 'A');
      let written = 0;
      const pump = (): void => {
        while (written < chunks && !res.destroyed) {
          written++;
          sent += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        if (written === chunks) res.end();
      };
      pump();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const { host } = newHost({ downloadLimitMb: 2 });
      const first = await host.lease({});
      const second = await host.lease({});
      const download = async (page: MadeContext['page'], address: string) => {
        const started = page.waitForEvent('download');
        await page.goto(address).catch(() => undefined); // "Download is starting"
        return started;
      };
      // In the second context: the first is asked first and must not stop the search.
      const endless = await download(second.page, `${base}/endless`);
      expect(await endless.failure()).toBe('canceled');
      // 2 MiB, plus the socket buffers and what arrived while the cut was on its way
      // (tens of MiB on a busy machine); uncut, the endless body runs to 1 GiB.
      expect(sent).toBeLessThan(256 * 2 ** 20);

      const small = await download(first.page, `${base}/1`);
      expect(await small.failure()).toBeNull();
      const file = await small.path();
      expect((await stat(file)).size).toBe(2 ** 20);
      await first.release();
      await second.release();
      // The download folder is the browser's own and goes with it, before close() returns.
      await host.close();
      expect(existsSync(path.dirname(file))).toBe(false);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  }, 30_000);
});
