import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkLighthouse } from '../../../src/checkers/lighthouse/check.ts';
import type { Outcome, Result } from '../../../src/results/result.ts';
import { renderRunPage } from '../../../src/server/run-page.ts';
import { lighthouseSpecSchema } from '../../../src/checkers/lighthouse/spec.ts';
import { ArtifactStore } from '../../../src/runner/artifacts.ts';
import { startBrowserWorld, type BrowserWorld } from '../browser-world.ts';
import { startLighthouseGuardSite } from '../../fixtures/lighthouse-guard-site.ts';

let world: BrowserWorld;
let dir: string;
/** This file's temporary folder: the audits' Chromium profiles are made in it. */
let profiles: string;
const tmpBefore = process.env.TMPDIR;

beforeAll(async () => {
  world = await startBrowserWorld();
  dir = await mkdtemp(path.join(tmpdir(), 'ozgwatch-lighthouse-'));
  // The Lighthouse child inherits it, so its Chromium's profile names this file: audits that
  // other test files run at the same time are not counted as this file's leftovers.
  profiles = await mkdtemp(path.join(tmpdir(), 'ozgwatch-lighthouse-profiles-'));
  process.env.TMPDIR = profiles;
}, 30_000);

afterAll(async () => {
  if (tmpBefore === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = tmpBefore;
  await world.close();
  await rm(dir, { recursive: true, force: true });
  await rm(profiles, { recursive: true, force: true });
});

/**
 * Chromium processes of this file's audits still running: started with a debugging port
 * (Lighthouse's, never Playwright's, which uses a pipe) and a profile in this file's folder.
 */
async function lighthouseChromiums(): Promise<number> {
  let n = 0;
  for (const pid of (await readdir('/proc')).filter((p) => /^\d+$/.test(p))) {
    const cmd = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    if (
      cmd.includes('--remote-debugging-port=') &&
      !cmd.includes('--type=') &&
      cmd.includes(`--user-data-dir=${profiles}/`)
    ) {
      n++;
    }
  }
  return n;
}

/** An audit's outcome as the store keeps it, for the run page. */
function stored(outcome: Outcome, runId: string, probeId: string): Result {
  return {
    ...outcome,
    runId,
    probeId,
    kind: 'lighthouse',
    startedAt: Date.now(),
    duration: 10,
    attempts: 1,
    maintenance: false,
    reportedStatus: outcome.status,
  };
}

function audit(page: string, runId: string, signal?: AbortSignal, base = world.portal.http) {
  const ctx = world.context();
  return checkLighthouse(
    {
      ...ctx,
      ...(signal ? { signal } : {}),
      artifacts: new ArtifactStore(dir).forRun('kfz-lighthouse', runId),
    },
    lighthouseSpecSchema.parse({ url: `${base}/a11y/${page}` }),
  );
}

describe('Lighthouse audits', () => {
  it('scores a page in every category, keeps the report, and tells broken from correct', async () => {
    const good = await audit('ok', 'run-1', AbortSignal.timeout(60_000));
    expect(good.message).toMatch(/^Lighthouse /);
    expect(good.status).toBe('pass');
    expect(Object.keys(good.lighthouse!.scores).sort()).toEqual([
      'accessibility',
      'best-practices',
      'performance',
      'seo',
    ]);
    for (const score of Object.values(good.lighthouse!.scores)) {
      expect(score).toBeGreaterThanOrEqual(0);
      expect(score).toBeLessThanOrEqual(1);
    }
    expect(good.lighthouse!.metrics.lcp).toBeGreaterThan(0);
    expect(good.lighthouse!.formFactor).toBe('desktop');
    expect(good.artifacts).toEqual([
      expect.objectContaining({ name: 'lighthouse.json', kind: 'report' }),
    ]);
    const report = JSON.parse(
      await readFile(path.join(dir, 'kfz-lighthouse', 'run-1', 'lighthouse.json'), 'utf8'),
    ) as { lighthouseVersion: string; environment: { networkUserAgent: string } };
    expect(report.lighthouseVersion).toBe(good.lighthouse!.version);
    // The audited site sees who is calling.
    expect(report.environment.networkUserAgent).toBe('ozgwatch/test');

    // The run page shows the scores beside the report download.
    const page = renderRunPage(stored(good, 'run-1', 'kfz-lighthouse'), undefined);
    const accessibility = Math.round(good.lighthouse!.scores.accessibility! * 100);
    expect(page).toContain(`<th scope="row">accessibility</th><td>${accessibility}</td>`);
    expect(page).toContain('/runs/run-1/artifacts/lighthouse.json');

    const broken = await audit('bild-ohne-alt', 'run-2', AbortSignal.timeout(60_000));
    expect(broken.lighthouse!.scores.accessibility).toBeLessThan(
      good.lighthouse!.scores.accessibility!,
    );
    expect(await lighthouseChromiums()).toBe(0);
  }, 90_000);

  it('a page that cannot be reached is named by its network error, and for a 404 by its status', async () => {
    const refused = await audit(
      'ok',
      'run-4',
      AbortSignal.timeout(60_000),
      // Nothing listens there: the connection is refused at once.
      world.portal.closedPort,
    );
    expect(refused).toMatchObject({ status: 'fail', reason: 'connect' });
    expect(refused.message).toContain('ERR_CONNECTION_REFUSED');
    const missing = await audit('gibt-es-nicht', 'run-5', AbortSignal.timeout(60_000));
    expect(missing).toMatchObject({ status: 'fail', reason: 'http_status' });
    expect(missing.message).toContain('ERR_HTTP_RESPONSE_CODE_FAILURE');
  }, 120_000);

  it('at the deadline the audit and its Chromium are killed', async () => {
    const started = Date.now();
    await expect(audit('ok', 'run-3', AbortSignal.timeout(1500))).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(10_000);
    await new Promise((r) => setTimeout(r, 300));
    expect(await lighthouseChromiums()).toBe(0);
  }, 30_000);
});

describe('the request guard in Lighthouse audits', () => {
  it('holds back and lists what a page sends on load, and lets through what the probe allows', async () => {
    const site = await startLighthouseGuardSite();
    try {
      const ctx = world.context();
      const ran = await checkLighthouse(
        {
          ...ctx,
          signal: AbortSignal.timeout(90_000),
          artifacts: new ArtifactStore(dir).forRun('antrag-lighthouse', 'run-g1'),
        },
        lighthouseSpecSchema.parse({
          url: site.page,
          categories: ['accessibility', 'performance'],
          allowRequests: [
            { method: 'POST', url: '**/erlaubt/**' },
            { method: 'WEBSOCKET', url: 'ws://127.0.0.1:*/ws/erlaubt' },
          ],
        }),
      );
      // A beacon sent as Lighthouse closes the page would come last.
      await new Promise((r) => setTimeout(r, 500));
      // The page was audited as usual.
      expect(ran.status).toBe('pass');
      expect(ran.lighthouse!.scores.accessibility).toBeGreaterThan(0);
      expect(ran.lighthouse!.metrics.lcp).toBeGreaterThan(0);

      // Only what the probe allows reached the server; not the 307's repeat of an allowed POST.
      expect(new Set(site.received())).toEqual(
        new Set(['POST /erlaubt/ok', 'POST /erlaubt/umleiten']),
      );
      expect(site.sockets.opened).toEqual(['/ws/erlaubt']);
      // No service worker was registered: its script was never fetched.
      expect(site.read()).not.toContain('/service-worker.js');
      expect(site.read()).toContain('/worker.js');
      expect(site.sockets.messages).toEqual(['Guten Tag']);

      // Everything else is listed, under the audited page, as a page scan lists it.
      const blocked = new Set(
        ran.blockedRequests!.map((b) => `${b.method} ${new URL(b.url).pathname} ${b.step}`),
      );
      for (const what of [
        'POST /ziel/fetch',
        'PUT /ziel/xhr',
        'POST /ziel/beacon',
        'POST /ziel/formular',
        'POST /ziel/fremder-frame',
        'POST /ziel/worker',
        'POST /ziel/umgeleitet',
        'WEBSOCKET /ws/antrag',
        'WEBSOCKET /ws/worker',
      ]) {
        expect(blocked).toContain(`${what} ${site.page}`);
      }
      expect([...blocked].filter((b) => b.includes('/erlaubt'))).toEqual([]);
      // As in a scan, the page was audited without what its blocked socket would have shown.
      expect(ran.warnings).toContain(
        `WebSocket ${site.page.replace('http://', 'ws://').replace('/antrag', '/ws/antrag')} was blocked: the page was scanned without what it would have shown over it (page ${site.page})`,
      );

      // The run page's "blocked" section shows them.
      const page = renderRunPage(stored(ran, 'run-g1', 'antrag-lighthouse'), undefined);
      expect(page).toContain('<h2>Blockierte Anfragen</h2>');
      expect(page).toContain('/ziel/fremder-frame');
      expect(await lighthouseChromiums()).toBe(0);
    } finally {
      await site.close();
    }
  }, 120_000);

  it("a lighthouse probe's allowRequests is checked as a browser probe's", () => {
    const spec = lighthouseSpecSchema.parse({
      url: 'https://example.org/',
      allowRequests: [{ method: 'POST', url: 'https://example.org/api/**' }],
    });
    expect(spec.allowRequests).toEqual([{ method: 'POST', url: 'https://example.org/api/**' }]);
    expect(lighthouseSpecSchema.parse({ url: 'https://example.org/' }).allowRequests).toEqual([]);
    const wrong = lighthouseSpecSchema.safeParse({
      url: 'https://example.org/',
      allowRequests: [{ method: 'WEBSOCKET', url: 'https://example.org/hub' }],
    });
    expect(wrong.success).toBe(false);
    expect(wrong.error!.issues[0]!.message).toContain('write wss://example.org/hub');
    expect(
      lighthouseSpecSchema.safeParse({
        url: 'https://example.org/',
        allowRequests: [{ method: 'GET', url: 'https://example.org/' }],
      }).success,
    ).toBe(false);
  });
});
