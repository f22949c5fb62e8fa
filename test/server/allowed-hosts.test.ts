/**
 * DNS rebinding: without `server.token`, a page of another site that points its own name at
 * the daemon would read the daemon's pages as its own origin. The browser then sends that
 * public name as `Host`, and the daemon answers 403; local names, addresses, the external
 * URL's host and `server.allowedHosts` pass. `/metrics`, `/healthz` and `/readyz` answer
 * any name: Prometheus and the orchestrator use whatever their discovery gives them.
 */
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hostCheck, RefusedHosts } from '../../src/server/allowed-hosts.ts';
import { startWorld, type World } from './world.ts';

/** Status of a GET with this `Host` header (fetch would not let us set it). */
function statusWith(world: World, route: string, host: string): Promise<number> {
  const url = new URL(route, world.server.url);
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: { host } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('the Host a page may be read under, without a token', () => {
  let world: World;
  beforeAll(async () => {
    world = await startWorld({
      server: {
        allowedHosts: ['ozgwatch.lra-musterkreis.de', '.intranet.example'],
        externalUrl: 'https://monitor.example.org/ozgwatch',
      },
    });
  });
  afterAll(async () => {
    await world?.close();
  });

  it('refuses a public name that is none of the configured ones, on pages, API and reports', async () => {
    for (const route of ['/', '/api/probes', '/probes/kfz', '/runs/run-1', '/reports']) {
      expect(await statusWith(world, route, 'rebind.evil.example:9464'), route).toBe(403);
    }
    const body = await new Promise<string>((resolve, reject) => {
      request(
        new URL('/', world.server.url),
        { headers: { host: 'rebind.evil.example' } },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (text += chunk));
          res.on('end', () => resolve(text));
        },
      )
        .on('error', reject)
        .end();
    });
    expect(body).toContain('server.allowedHosts');
  });

  it('answers local names, addresses, the external URL’s host and the allowed ones', async () => {
    for (const host of [
      'localhost:9464',
      '127.0.0.1:9464',
      '[::1]:9464',
      'ozgwatch:9464',
      'ozgwatch.monitoring.svc:9464',
      'ozgwatch.monitoring.svc.cluster.local',
      'monitor.example.org',
      'OZGWATCH.LRA-MUSTERKREIS.DE.',
      'portal.intranet.example',
    ]) {
      expect(await statusWith(world, '/', host), host).toBe(200);
    }
  });

  it('answers /metrics, /healthz and /readyz under any name', async () => {
    for (const route of ['/metrics', '/healthz', '/readyz']) {
      expect(await statusWith(world, route, 'rebind.evil.example'), route).toBe(200);
    }
  });

  it('does not take a name that only ends like an allowed one', () => {
    const allowed = hostCheck(['ozgwatch.lra-musterkreis.de', '.intranet.example']);
    expect(allowed('evilozgwatch.lra-musterkreis.de')).toBe(false);
    expect(allowed('evil-intranet.example')).toBe(false);
    expect(allowed('intranet.example')).toBe(true);
    expect(allowed('a.b.intranet.example:443')).toBe(true);
    expect(allowed('localhost.evil.example')).toBe(false);
    expect(allowed('bad host')).toBe(false);
  });
});

describe('the log of refused names', () => {
  it('names each refused host once, and stops after a hundred names', () => {
    const warned: unknown[] = [];
    const log = new RefusedHosts({ warn: (fields: unknown) => void warned.push(fields) } as never);
    log.note('rebind.evil.example');
    log.note('rebind.evil.example');
    expect(warned).toEqual([{ host: 'rebind.evil.example' }]);
    for (let i = 0; i < 300; i++) log.note(`n${i}.evil.example`);
    expect(warned).toHaveLength(RefusedHosts.LIMIT);
  });
});

describe('with a token', () => {
  it('leaves the Host alone: the token already keeps other sites out', async () => {
    const world = await startWorld({ server: { token: 'a-token-of-16-chars-or-more' } });
    try {
      expect(await statusWith(world, '/', 'rebind.evil.example')).toBe(401);
    } finally {
      await world.close();
    }
  });
});
