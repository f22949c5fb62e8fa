import { describe, expect, it } from 'vitest';
import {
  proxyAuthenticator,
  proxyLogins,
  type AuthChallenge,
} from '../../../src/checkers/lighthouse/proxy-login.ts';
import { proxySettings } from '../../../src/net/proxy.ts';

const PROXY = 'http://proxy.rz.example:3128';
const login = { origin: PROXY, username: 'monitor', password: 'rz-Passwort-0815' };
const fromProxy = (origin = PROXY): AuthChallenge => ({
  source: 'Proxy',
  origin,
  scheme: 'basic',
  realm: 'rz',
});

describe('the answer to an authentication challenge in a Lighthouse audit', () => {
  it('gives the proxy its credentials, once per request', () => {
    const auth = proxyAuthenticator([login]);
    expect(auth.answer('job-1', fromProxy())).toEqual({
      response: 'ProvideCredentials',
      username: 'monitor',
      password: 'rz-Passwort-0815',
    });
    // Chromium names the proxy as a URL origin: case and a spelled-out port do not matter.
    expect(auth.answer('job-2', fromProxy('http://PROXY.rz.example:3128'))).toMatchObject({
      response: 'ProvideCredentials',
    });
    expect(auth.refusedBy).toBeUndefined();
  });

  it('a second challenge for the same request is a refusal: cancelled, and no proxy login after it', () => {
    const auth = proxyAuthenticator([login]);
    auth.answer('job-1', fromProxy());
    expect(auth.answer('job-1', fromProxy())).toEqual({ response: 'CancelAuth' });
    expect(auth.refusedBy).toBe(PROXY);
    // The credentials are known to be wrong: they are not tried again on other requests.
    expect(auth.answer('job-2', fromProxy())).toEqual({ response: 'CancelAuth' });
  });

  it('declines a server’s login and leaves an unknown proxy to Chromium, without the credentials', () => {
    const auth = proxyAuthenticator([login]);
    const server: AuthChallenge = {
      source: 'Server',
      origin: 'https://kfz.example.de',
      scheme: 'basic',
      realm: 'Bürgerkonto',
    };
    expect(auth.answer('job-1', server)).toEqual({ response: 'CancelAuth' });
    // A server that names the proxy's origin is still a server.
    expect(auth.answer('job-2', { ...server, origin: PROXY })).toEqual({ response: 'CancelAuth' });
    expect(auth.answer('job-4', { ...server, source: undefined })).toEqual({
      response: 'CancelAuth',
    });
    expect(auth.answer('job-3', fromProxy('http://other-proxy.example:8080'))).toEqual({
      response: 'Default',
    });
    expect(auth.refusedBy).toBeUndefined();
  });
});

describe('proxyLogins', () => {
  it('lists each proxy with credentials once, and none without', () => {
    const shared = proxySettings({
      url: 'http://monitor:geheim%40rz@proxy.rz.example:3128',
      noProxy: [],
    });
    expect(proxyLogins(shared)).toEqual([
      { origin: PROXY, username: 'monitor', password: 'geheim@rz' },
    ]);
    const split = proxySettings({
      https: 'http://a:1@secure.rz.example:3128',
      http: 'http://plain.rz.example:8080',
      noProxy: [],
    });
    expect(proxyLogins(split)).toEqual([
      { origin: 'http://secure.rz.example:3128', username: 'a', password: '1' },
    ]);
    expect(proxyLogins(undefined)).toEqual([]);
  });
});
