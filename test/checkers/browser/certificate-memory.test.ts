/**
 * A journey's exported certificate across runs: the runner, the browser checker, Chromium and
 * the metrics are real, against HTTPS sites on 127.0.0.1; only the wall clock is the test's.
 */
import { chromium } from 'playwright';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkerFor } from '../../../src/checkers/registry.ts';
import { ProbeSeries } from '../../../src/metrics/probe-series.ts';
import { probeSchema, type Probe } from '../../../src/probes/schema.ts';
import type { Result } from '../../../src/results/result.ts';
import {
  BrowserHost,
  CHROMIUM_ARGS,
  chromiumExecutable,
} from '../../../src/runner/browser-host.ts';
import {
  CERTIFICATE_MEMORY_MS,
  CertificateMemory,
} from '../../../src/runner/certificate-memory.ts';
import { FlapDamper } from '../../../src/runner/flap-damper.ts';
import { HostLimiter } from '../../../src/runner/host-limiter.ts';
import { Runner } from '../../../src/runner/runner.ts';
import { ManualClock } from '../../../src/scheduler/clock.ts';
import { when } from '../../../src/server/pages.ts';
import { renderRunPage } from '../../../src/server/run-page.ts';
import { axeViolations } from '../../fixtures/axe-violations.ts';
import { startTlsSites, type TlsSites } from './tls-sites.ts';

const DAY = 86_400_000;

let sites: TlsSites;
let host: BrowserHost;

beforeAll(async () => {
  sites = await startTlsSites();
  host = new BrowserHost({
    args: sites.trustArgs,
    restartAfterRuns: 1000,
    memoryLimitMb: 4000,
    downloadLimitMb: 20,
    logger: pino({ level: 'silent' }),
  });
}, 30_000);

afterAll(async () => {
  sites.setServiceDown(false);
  await host.close();
  await sites.close();
});

function journeyProbe(steps: unknown[]): Probe {
  return probeSchema.parse({
    id: 'wohngeld-journey',
    name: 'Wohngeld online',
    kind: 'browser',
    every: '5m',
    timeout: '20s',
    labels: { service: 'wohngeld', county: 'musterkreis' },
    browser: { stepTimeout: '3s', steps },
  });
}

/** The daemon's pieces that outlive a run, as main.ts wires them; a new World is a restart. */
class World {
  readonly series: ProbeSeries;
  readonly runner: Runner;
  readonly results: Result[] = [];
  readonly clock: ManualClock;
  readonly probe: Probe;

  constructor(clock: ManualClock, probe: Probe, memory = new CertificateMemory()) {
    this.clock = clock;
    this.probe = probe;
    this.series = new ProbeSeries(undefined, () => clock.now());
    this.series.setProbes([probe]);
    this.runner = new Runner({
      checkerFor,
      clock,
      logger: pino({ level: 'silent' }),
      userAgent: 'ozgwatch/test',
      hosts: new HostLimiter(2),
      flap: new FlapDamper(),
      certificates: memory,
      sinks: [
        {
          name: 'metrics',
          record: (p, result) => {
            this.results.push(result);
            this.series.record(p, result, clock.now());
          },
        },
      ],
      maintenance: () => undefined,
      browser: host,
    });
  }

  /** A restart: memory and series start from the last stored result, as main.ts does. */
  restart(): World {
    const last = this.results.at(-1)!;
    const memory = new CertificateMemory();
    memory.seed(this.probe.id, last, this.clock.now());
    const next = new World(this.clock, this.probe, memory);
    next.series.seed(this.probe, last, this.clock.now());
    return next;
  }

  run(): Promise<Result> {
    return this.runner.run(this.probe);
  }

  /** probe_ssl_earliest_cert_expiry as a scrape would read it, seconds. */
  exported(): number | undefined {
    const line = /^probe_ssl_earliest_cert_expiry\{[^}]*\} (\S+)$/m.exec(this.series.render());
    return line ? Number(line[1]) : undefined;
  }
}

const login = (): unknown[] => [
  { name: 'start', goto: `${sites.service.url}/` },
  { name: 'anmelden', click: { role: 'link', name: 'Anmelden' } },
  { name: 'bundid', expectText: 'Anmeldung mit BundID' },
];

describe('browser journey: the certificates of the sites its recent runs reached', () => {
  it('a journey broken before the identity provider still exports its 10-day certificate, until a week without a visit', async () => {
    const clock = new ManualClock(Date.now());
    let world = new World(clock, journeyProbe(login()));
    const idpHost = new URL(sites.idp.url).host;
    const serviceHost = new URL(sites.service.url).host;
    try {
      const reached = await world.run();
      expect(reached.status).toBe('pass');
      expect(reached.tls).toMatchObject({ host: idpHost, earliestExpiry: sites.idp.notAfter });
      expect(reached.tls?.seenAt).toBeUndefined();
      expect(world.exported()).toBe(sites.idp.notAfter / 1000);
      const visited = clock.now();

      // The service's start page is down: the journey never gets to the identity provider.
      sites.setServiceDown(true);
      clock.jump(DAY);
      const broken = await world.run();
      expect(broken).toMatchObject({ status: 'fail', reason: 'http_status' });
      expect(broken.steps?.map((s) => s.status)).toEqual(['fail', 'skipped', 'skipped']);
      // Still the provider's certificate, with when it was read and the days left from now.
      expect(broken.tls).toMatchObject({
        host: idpHost,
        earliestExpiry: sites.idp.notAfter,
        seenAt: visited,
      });
      expect(broken.tls?.daysLeft).toBeLessThanOrEqual(9);
      // The service's certificate this run read stands beside it.
      expect(broken.certificates?.map((c) => [c.host, c.seenAt])).toEqual([
        [idpHost, visited],
        [serviceHost, undefined],
      ]);
      expect(world.exported()).toBe(sites.idp.notAfter / 1000);

      // A restart in between keeps it: the last stored result holds what was known.
      world = world.restart();
      clock.jump(DAY);
      expect((await world.run()).tls).toMatchObject({ host: idpHost, seenAt: visited });
      expect(world.exported()).toBe(sites.idp.notAfter / 1000);

      // A week after the last visit the provider's certificate is forgotten.
      clock.jump(CERTIFICATE_MEMORY_MS - 2 * DAY);
      const later = await world.run();
      expect(later.status).toBe('fail');
      expect(later.tls).toMatchObject({
        host: serviceHost,
        earliestExpiry: sites.service.notAfter,
      });
      expect(later.certificates).toHaveLength(1);
      expect(world.exported()).toBe(sites.service.notAfter / 1000);
    } finally {
      sites.setServiceDown(false);
    }
  }, 90_000);

  it('a remembered certificate that expires meanwhile stops counting: an outage elsewhere is not taken for it', async () => {
    const clock = new ManualClock(Date.now());
    // A memory longer than the provider's 10 days, so that only the expiry can end it.
    const world = new World(clock, journeyProbe(login()), new CertificateMemory(30 * DAY));
    try {
      expect((await world.run()).tls?.earliestExpiry).toBe(sites.idp.notAfter);
      sites.setServiceDown(true);
      clock.jump(5 * DAY);
      expect((await world.run()).tls?.earliestExpiry).toBe(sites.idp.notAfter);
      // Past the provider's expiry: no run has seen whether it was renewed.
      clock.jump(6 * DAY);
      const broken = await world.run();
      expect(broken.reason).toBe('http_status');
      expect(broken.tls).toMatchObject({
        host: new URL(sites.service.url).host,
        earliestExpiry: sites.service.notAfter,
      });
      expect(world.exported()).toBe(sites.service.notAfter / 1000);
    } finally {
      sites.setServiceDown(false);
    }
  }, 60_000);

  it('a passing run forgets the sites it did not reach: a journey that no longer logs in stops reporting the provider', async () => {
    const clock = new ManualClock(Date.now());
    const memory = new CertificateMemory();
    const before = new World(clock, journeyProbe(login()), memory);
    expect((await before.run()).tls?.earliestExpiry).toBe(sites.idp.notAfter);

    // The same probe, its journey changed to end on the service's page.
    clock.jump(60_000);
    const after = new World(
      clock,
      journeyProbe([{ name: 'start', goto: `${sites.service.url}/` }]),
      memory,
    );
    const result = await after.run();
    expect(result.status).toBe('pass');
    expect(result.certificates?.map((c) => c.host)).toEqual([new URL(sites.service.url).host]);
    expect(after.exported()).toBe(sites.service.notAfter / 1000);
  }, 60_000);

  it('the run page of a broken run names the site of the certificate, that it is from an earlier run, and passes axe', async () => {
    const clock = new ManualClock(Date.now());
    const world = new World(clock, journeyProbe(login()));
    const idpHost = new URL(sites.idp.url).host;
    const serviceHost = new URL(sites.service.url).host;
    const executablePath = await chromiumExecutable();
    const viewer = await chromium.launch({
      ...(executablePath ? { executablePath } : {}),
      args: CHROMIUM_ARGS,
    });
    try {
      await world.run();
      const visited = clock.now();
      sites.setServiceDown(true);
      clock.jump(DAY);
      const broken = await world.run();
      // Whole days from the run's time (the test's clock stands still during a run).
      const left = (notAfter: number): number => Math.floor((notAfter - clock.now()) / DAY);
      const page = await viewer.newPage();
      await page.setContent(renderRunPage(broken, undefined));
      // A journey's certificate is no HTTP detail of the run.
      expect(await page.locator('h2').allInnerTexts()).not.toContain('HTTP');
      expect(await page.locator('h2:text-is("Zertifikate der Strecke")').count()).toBe(1);
      const dl = page.locator('h3:text-is("Zertifikat, das zuerst abläuft") + dl');
      const terms = await dl.locator('dt').allInnerTexts();
      const values = await dl.locator('dd').allInnerTexts();
      const rows = terms.map((t, i) => `${t}: ${values[i]}`);
      expect(rows.slice(0, 4)).toEqual([
        `Site: ${idpHost}`,
        `Gelesen: zuletzt am ${when(visited)}, in diesem Lauf nicht erreicht`,
        `Ablauf: gültig bis ${when(sites.idp.notAfter)} (noch ${left(sites.idp.notAfter)} Tage)`,
        'Prüfung: vertrauenswürdig, passt zum Namen der Site',
      ]);
      expect(rows).toContain('Namen im Zertifikat: DNS:localhost');
      const table = page.locator(
        'table:has(caption:text-is("Alle Sites der Strecke, zuerst ablaufend zuerst")) tbody tr',
      );
      expect(await table.allInnerTexts()).toEqual([
        `${idpHost}\tgültig bis ${when(sites.idp.notAfter)} (noch ${left(sites.idp.notAfter)} Tage)\tzuletzt am ${when(visited)}, in diesem Lauf nicht erreicht`,
        `${serviceHost}\tgültig bis ${when(sites.service.notAfter)} (noch ${left(sites.service.notAfter)} Tage)\tin diesem Lauf`,
      ]);
      expect(await axeViolations(page)).toEqual([]);
    } finally {
      sites.setServiceDown(false);
      await viewer.close();
    }
  }, 60_000);
});
