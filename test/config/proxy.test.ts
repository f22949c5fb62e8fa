import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/config.ts';
import {
  chromiumBypassList,
  chromiumProxyFlags,
  describeProxy,
  playwrightProxy,
  proxyFor,
  proxySettings,
  redactProxyUrl,
} from '../../src/net/proxy.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'ozgwatch-proxy-config-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function settingsFrom(env: NodeJS.ProcessEnv, yaml?: string) {
  let file: string | undefined;
  if (yaml !== undefined) {
    file = path.join(dir, `c-${Math.random().toString(36).slice(2)}.yaml`);
    await writeFile(file, yaml);
  }
  const config = await loadConfig({ env, ...(file ? { file } : {}) });
  return proxySettings(config.proxy);
}

const via = (settings: ReturnType<typeof proxySettings>, url: string): string =>
  proxyFor(settings, new URL(url))?.origin ?? 'direct';

describe('proxy settings: where they come from', () => {
  it('none set: everything direct', async () => {
    expect(await settingsFrom({})).toBeUndefined();
  });

  it('HTTPS_PROXY for https targets, HTTP_PROXY for http ones, as curl and Go read them', async () => {
    const s = await settingsFrom({ HTTPS_PROXY: 'http://secure.rz:3128' });
    expect(via(s, 'https://kfz.example.de/')).toBe('http://secure.rz:3128');
    expect(via(s, 'http://kfz.example.de/')).toBe('direct');
    const both = await settingsFrom({ HTTPS_PROXY: 'secure.rz:3128', HTTP_PROXY: 'plain.rz:8080' });
    // Without a scheme, http:// is meant.
    expect(via(both, 'https://a.de/')).toBe('http://secure.rz:3128');
    expect(via(both, 'http://a.de/')).toBe('http://plain.rz:8080');
  });

  it('the lower-case form wins over the upper-case one, as in curl and undici', async () => {
    const s = await settingsFrom({
      HTTPS_PROXY: 'http://upper:3128',
      https_proxy: 'http://lower:3128',
      NO_PROXY: '.upper.intern',
      no_proxy: '.lower.intern',
    });
    expect(via(s, 'https://a.de/')).toBe('http://lower:3128');
    expect(s?.noProxy).toEqual(['.lower.intern']);
  });

  it('proxy.url in the file serves both schemes; the variables win over it per scheme', async () => {
    const yaml = 'proxy:\n  url: http://file.rz:3128\n  noProxy: [.intern, 10.0.0.0/8]\n';
    const file = await settingsFrom({}, yaml);
    expect(via(file, 'https://a.de/')).toBe('http://file.rz:3128');
    expect(via(file, 'http://a.de/')).toBe('http://file.rz:3128');
    const mixed = await settingsFrom({ HTTPS_PROXY: 'http://env.rz:3128', NO_PROXY: '*' }, yaml);
    expect(mixed?.noProxy).toEqual(['*']);
    const envOnly = await settingsFrom({ HTTPS_PROXY: 'http://env.rz:3128' }, yaml);
    expect(via(envOnly, 'https://a.de/')).toBe('http://env.rz:3128');
    expect(via(envOnly, 'http://a.de/')).toBe('http://file.rz:3128');
  });

  it('a wrong proxy URL stops the start, named by its variable and never quoted', async () => {
    const error = await loadConfig({ env: { HTTPS_PROXY: 'socks5://user:geheim@rz:1080' } }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toBe(
      'HTTPS_PROXY: proxy.https: socks5:// proxies are not supported; expected http://host:port',
    );
    const file = path.join(dir, 'bad.yaml');
    await writeFile(file, 'proxy:\n  url: http://user:geheim@rz:3128/pfad\n  nope: 1\n');
    const message = await loadConfig({ file }).catch((e: Error) => e.message);
    expect(message).toContain(`${file}:2: proxy.url: expected only scheme, host and port`);
    expect(message).toContain(`${file}:3: proxy.nope: unknown key`);
    expect(message).not.toContain('geheim');
  });
});

describe('proxy settings: which requests go direct', () => {
  const s = proxySettings({
    url: 'http://proxy.rz:3128',
    noProxy: ['.intern', 'amt.example.de', '10.0.0.0/8', '192.168.1.7', 'ports.example:8443'],
  });

  it('loopback always, NO_PROXY hosts with their subdomains, IP ranges and ports', () => {
    for (const url of [
      'http://localhost:9464/metrics',
      'http://127.0.0.2/',
      'http://[::1]:8080/',
      'https://portal.intern/',
      'https://a.b.intern/',
      'https://intern/',
      'https://amt.example.de/',
      'https://www.amt.example.de/',
      'http://10.1.2.3/',
      'http://192.168.1.7/',
      'https://ports.example:8443/',
    ]) {
      expect(via(s, url), url).toBe('direct');
    }
    for (const url of [
      'https://kfz.example.de/',
      'https://notamt.example.de/',
      'https://internal.example/',
      'http://11.0.0.1/',
      'http://192.168.1.8/',
      'https://ports.example/',
    ]) {
      expect(via(s, url), url).toBe('http://proxy.rz:3128');
    }
  });

  it('* sends everything direct', () => {
    expect(via(proxySettings({ url: 'http://p:1', noProxy: ['*'] }), 'https://a.de/')).toBe(
      'direct',
    );
  });
});

describe('proxy settings: credentials', () => {
  const s = proxySettings({ url: 'http://mon%40rz:p%3Ass@proxy.rz:3128', noProxy: ['.intern'] })!;

  it('are decoded into a Basic header and kept out of the origin', () => {
    expect(s.https?.origin).toBe('http://proxy.rz:3128');
    expect(s.https?.authorization).toBe(`Basic ${Buffer.from('mon@rz:p:ss').toString('base64')}`);
  });

  it('never appear in what is logged or given to Chromium’s command line', () => {
    const logged = JSON.stringify(describeProxy(s));
    expect(logged).not.toContain('p:ss');
    expect(logged).not.toContain('p%3Ass');
    expect(describeProxy(s)).toMatchObject({
      httpsProxy: 'http://proxy.rz:3128',
      httpsProxyUser: 'mon@rz',
      httpProxyUser: 'mon@rz',
      noProxy: ['localhost', '127.0.0.0/8', '::1', '.intern'],
    });
    expect(chromiumProxyFlags(s).join(' ')).not.toContain('p%3Ass');
    expect(redactProxyUrl('http://mon:geheim@proxy.rz:3128')).toBe('http://mon:***@proxy.rz:3128');
  });

  it('are logged per proxy when the https and the http proxy use different accounts', () => {
    const two = proxySettings({
      https: 'http://tls-mon:geheim1@proxy-a.rz:3128',
      http: 'http://web-mon:geheim2@proxy-b.rz:8080',
      noProxy: [],
    });
    const logged = describeProxy(two);
    expect(logged).toMatchObject({
      httpsProxy: 'http://proxy-a.rz:3128',
      httpsProxyUser: 'tls-mon',
      httpProxy: 'http://proxy-b.rz:8080',
      httpProxyUser: 'web-mon',
    });
    expect(JSON.stringify(logged)).not.toMatch(/geheim/);
    const onlyHttp = describeProxy(
      proxySettings({
        https: 'http://proxy-a.rz:3128',
        http: 'http://web-mon:x@proxy-b.rz:8080',
        noProxy: [],
      }),
    );
    expect(onlyHttp).not.toHaveProperty('httpsProxyUser');
    expect(onlyHttp).toMatchObject({ httpProxyUser: 'web-mon' });
  });

  it('go to Playwright, which answers the proxy’s 407 with them', () => {
    expect(playwrightProxy(s)).toEqual({
      server: 'http://proxy.rz:3128',
      bypass: 'intern,*.intern',
      username: 'mon@rz',
      password: 'p:ss',
    });
  });
});

describe('proxy settings for Chromium', () => {
  it('a bypass list meaning what NO_PROXY means', () => {
    expect(chromiumBypassList(['.intern', '*.dataport.de', '10.0.0.0/8', 'host:8080'])).toEqual([
      'intern',
      '*.intern',
      'dataport.de',
      '*.dataport.de',
      '10.0.0.0/8',
      'host:8080',
      '*.host:8080',
    ]);
    expect(chromiumBypassList(['a.de', '*'])).toEqual(['*']);
  });

  it('one proxy per scheme when http and https targets use different ones', () => {
    const s = proxySettings({ https: 'http://s:3128', http: 'http://p:8080', noProxy: [] });
    expect(chromiumProxyFlags(s)).toEqual([
      '--proxy-server=https=http://s:3128;http=http://p:8080',
    ]);
    const only = proxySettings({ https: 'http://s:3128', noProxy: [] });
    expect(chromiumProxyFlags(only)).toEqual(['--proxy-server=https=http://s:3128']);
  });
});
