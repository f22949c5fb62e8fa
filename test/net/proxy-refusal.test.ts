/**
 * When a page does not load through the outbound proxy, ozgwatch asks the proxy for the same
 * tunnel to tell "the proxy refuses us" (ours) from "the service is slow or down" (theirs).
 */
import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { proxyRefusal } from '../../src/net/proxy-refusal.ts';
import { proxySettings } from '../../src/net/proxy.ts';
import { startForwardProxy, type ForwardProxy } from '../fixtures/forward-proxy.ts';

let proxy: ForwardProxy;
let silent: Server;

beforeAll(async () => {
  // A target that takes the connection and never answers: a slow service.
  silent = createServer(() => undefined);
  await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
  proxy = await startForwardProxy({
    routes: { 'slow.ozgwatch.test:443': (silent.address() as AddressInfo).port },
    credentials: 'monitor:richtig',
  });
});
afterAll(async () => {
  await proxy.close();
  silent.close();
});

const ask = (url: string, proxyUrl: string, noProxy: string[] = []) =>
  proxyRefusal(proxySettings({ url: proxyUrl, noProxy }), url, AbortSignal.timeout(10_000));

describe('proxyRefusal', () => {
  it('names the proxy’s refusal of our credentials', async () => {
    expect(
      await ask('https://slow.ozgwatch.test/', `http://monitor:falsch@127.0.0.1:${proxy.port}`),
    ).toBe('answered 407 Proxy Authentication Required');
  });

  it('says nothing when the tunnel opens: the service is the slow part', async () => {
    expect(
      await ask('https://slow.ozgwatch.test/', `http://monitor:richtig@127.0.0.1:${proxy.port}`),
    ).toBeUndefined();
  });

  it('says nothing when the proxy reports the target unreachable (502): the service’s failure', async () => {
    expect(
      await ask('https://nowhere.ozgwatch.test/', `http://monitor:richtig@127.0.0.1:${proxy.port}`),
    ).toBeUndefined();
  });

  it('names a proxy that is down', async () => {
    const gone = await startForwardProxy({ routes: {} });
    await gone.close();
    expect(await ask('https://slow.ozgwatch.test/', gone.url)).toMatch(
      /^unreachable: ECONNREFUSED$/,
    );
  });

  it('asks nothing for a target that goes direct, or without a proxy', async () => {
    const wrong = `http://monitor:falsch@127.0.0.1:${proxy.port}`;
    expect(await ask('https://slow.ozgwatch.test/', wrong, ['ozgwatch.test'])).toBeUndefined();
    expect(
      await proxyRefusal(undefined, 'https://slow.ozgwatch.test/', AbortSignal.timeout(1000)),
    ).toBeUndefined();
  });
});
