import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { unzipSync } from 'fflate';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckContext } from '../../../src/checkers/checker.ts';
import { checkBrowser } from '../../../src/checkers/browser/journey.ts';
import { browserSpecSchema, type BrowserSpecInput } from '../../../src/checkers/browser/spec.ts';
import type { Outcome } from '../../../src/results/result.ts';
import { ArtifactStore } from '../../../src/runner/artifacts.ts';
import { BrowserHost, type RestartReason } from '../../../src/runner/browser-host.ts';
import { HostLimiter } from '../../../src/runner/host-limiter.ts';
import { startPortal, type Portal } from '../../fixtures/county-portal/index.ts';

const USER_AGENT = 'ozgwatch/test (+https://example.org/contact)';
const SECRET = 'Geheim!Pa$$wort 42';
process.env.OZGWATCH_TEST_PASSWORD = SECRET;

let portal: Portal;
let host: BrowserHost;
let dir: string;
let artifacts: ArtifactStore;
const restarts: RestartReason[] = [];
let runs = 0;

beforeAll(async () => {
  portal = await startPortal();
  dir = await mkdtemp(path.join(tmpdir(), 'ozgwatch-journey-'));
  artifacts = new ArtifactStore(path.join(dir, 'artifacts'));
  host = new BrowserHost({
    // A small renderer heap makes the crash page die in a moment instead of at 4 GB.
    args: ['--js-flags=--max-old-space-size=64'],
    restartAfterRuns: 1000,
    memoryLimitMb: 4000,
    downloadLimitMb: 20,
    logger: pino({ level: 'silent' }),
    onRestart: (reason) => restarts.push(reason),
  });
}, 30_000);

afterAll(async () => {
  await host.close();
  await portal.close();
  await rm(dir, { recursive: true, force: true });
});

function context(timeoutMs: number, hosts = new HostLimiter(2)): CheckContext {
  runs++;
  return {
    signal: AbortSignal.timeout(timeoutMs),
    deadlineAt: performance.now() + timeoutMs,
    logger: pino({ level: 'silent' }),
    userAgent: USER_AGENT,
    hosts,
    now: () => Date.now(),
    browser: host,
    artifacts: artifacts.forRun('journey', `run-${runs}`),
  };
}

function journey(
  spec: BrowserSpecInput,
  timeoutMs = 20_000,
  hosts?: HostLimiter,
): Promise<Outcome> {
  return checkBrowser(
    context(timeoutMs, hosts),
    browserSpecSchema.parse({ stepTimeout: '3s', ...spec }),
  );
}

const site = (p: string): string => `${portal.http}/dienste/${p}`;

const applyForHousingBenefit = (): BrowserSpecInput['steps'] & object => [
  { name: 'start', goto: site('wohngeld/') },
  { name: 'antrag-oeffnen', click: { role: 'link', name: 'Online beantragen' } },
  { fill: { label: 'Vorname', value: 'Erika' } },
  { fill: { label: 'Nachname', value: 'Mustermann' } },
  { select: { label: 'Haushaltsgröße', value: '2' } },
  { check: { label: 'Ich habe die Datenschutzhinweise gelesen' } },
  { name: 'weiter', click: { role: 'button', name: 'Weiter' } },
  { expectText: 'Zusammenfassung' },
  { expectVisible: { role: 'button', name: 'Antrag absenden' } },
  { expectUrl: '**/antrag/schritt-2?*' },
];

function artifactFile(out: Outcome, name: string): string {
  expect(out.artifacts?.map((a) => a.name)).toContain(name);
  const runDir = path.join(dir, 'artifacts', 'journey', `run-${runs}`);
  return path.join(runDir, name);
}

describe('browser journeys', () => {
  it('walks a service up to the summary, step by step, and stops before submitting', async () => {
    const out = await journey({ steps: applyForHousingBenefit() });
    expect(out.message).toMatch(/^10 step\(s\) in \d+\.\d{3}s$/);
    expect(out.status).toBe('pass');
    expect(out.steps?.map((s) => s.name)).toEqual([
      'start',
      'antrag-oeffnen',
      '3-fill',
      '4-fill',
      '5-select',
      '6-check',
      'weiter',
      '8-expectText',
      '9-expectVisible',
      '10-expectUrl',
    ]);
    const start = out.steps![0]!;
    expect(start).toMatchObject({ status: 'pass', httpStatus: 200, url: site('wohngeld/') });
    expect(out.steps!.every((s) => s.duration > 0)).toBe(true);
    expect(out.steps!.at(-1)!.url).toMatch(
      /schritt-2\?vorname=Erika&nachname=Mustermann&haushalt=2/,
    );
    expect(out.vitals?.[0]?.ttfb).toBeGreaterThanOrEqual(0);
    expect(out.blockedRequests).toEqual([]);
    expect(out.artifacts).toEqual([]); // evidence is kept for failures only
    expect(portal.posts().size).toBe(0);
    expect(portal.userAgents()).toContain(USER_AGENT);
  });

  it('a changed button label is selector_missing, with screenshot, HTML and trace', async () => {
    const before = Date.now();
    const out = await journey({
      steps: [
        { name: 'start', goto: site('kfz/') },
        { name: 'antrag-oeffnen', click: { role: 'link', name: 'Online beantragen' } },
        { name: 'weiter', click: { role: 'button', name: 'Weiter' } },
      ],
    });
    expect(out).toMatchObject({ status: 'fail', reason: 'selector_missing' });
    expect(out.message).toBe(
      `step "antrag-oeffnen": no link "Online beantragen" on ${site('kfz/')}`,
    );
    expect(out.steps?.map((s) => s.status)).toEqual(['pass', 'fail', 'skipped']);
    const png = readFileSync(artifactFile(out, 'failure.png'));
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    expect(readFileSync(artifactFile(out, 'page.html'), 'utf8')).toContain(
      'Jetzt digital beantragen',
    );
    const trace = unzipSync(readFileSync(artifactFile(out, 'trace.zip')));
    const events = Buffer.from(trace['trace.trace']!)
      .toString()
      .split('\n')
      .filter(Boolean)
      .map(
        (line) =>
          JSON.parse(line) as {
            type: string;
            method?: string;
            wallTime?: number;
            callId?: string;
            parentId?: string;
            title?: string;
          },
      );
    // The probe's own steps, with the DOM as it was around them.
    expect(events.filter((e) => e.type === 'before').map((e) => e.method)).toEqual(
      expect.arrayContaining(['goto', 'click']),
    );
    expect(events.some((e) => e.type === 'frame-snapshot')).toBe(true);
    // The trace begins with this run, although its tracer was started with the context,
    // ahead of the run; and ozgwatch's own reading of the vitals is not in it.
    expect(events[0]).toMatchObject({ type: 'context-options' });
    expect(events[0]!.wallTime).toBeGreaterThanOrEqual(before);
    expect(Buffer.from(trace['trace.trace']!).toString()).not.toContain('__ozgwatchVitals');
    // ozgwatch's own calls: whether the page still answers is asked outside the trace, and
    // the evidence it keeps is a group of its own after the probe's steps.
    const actions = events.filter((e) => e.type === 'before');
    expect(actions.map((e) => e.method)).not.toContain('evaluate');
    const group = actions.find((e) => e.method === 'tracingGroup');
    expect(group).toMatchObject({ title: 'ozgwatch: evidence' });
    expect(actions.filter((e) => e.parentId === group?.callId).map((e) => e.method)).toEqual([
      'screenshot',
      'content',
    ]);
  });

  it('blocks a form that POSTs: reported as request_blocked, never sent', async () => {
    const out = await journey({
      steps: [
        { goto: site('anmeldung/') },
        { fill: { label: 'E-Mail', value: 'test@example.org' } },
        { name: 'weiter', click: { role: 'button', name: 'Weiter' } },
        { expectText: 'Antrag eingegangen' },
      ],
    });
    expect(out).toMatchObject({ status: 'error', reason: 'request_blocked' });
    expect(out.blockedRequests).toEqual([
      { method: 'POST', url: site('anmeldung/weiter'), step: 'weiter' },
    ]);
    expect(out.message).toMatch(/^blocked POST .*\/dienste\/anmeldung\/weiter in step "weiter"/);
    expect(portal.posts().get('/dienste/anmeldung/weiter')).toBeUndefined();
  });

  it('sends what allowRequests allows, and keeps a secret out of result, HTML and trace', async () => {
    const out = await journey({
      allowRequests: [{ method: 'POST', url: '**/dienste/login/anmelden' }],
      steps: [
        { goto: site('login/') },
        { fill: { label: 'Benutzername', value: 'testnutzer' } },
        { fill: { label: 'Passwort', value: '${env:OZGWATCH_TEST_PASSWORD}' } },
        { name: 'anmelden', click: { role: 'button', name: 'Anmelden' } },
        { expectText: 'Angemeldet als testnutzer' },
        // Fails on purpose, so that all evidence is written.
        { name: 'postfach', expectText: 'Ihr Postfach' },
      ],
    });
    expect(portal.posts().get('/dienste/login/anmelden')).toBe(1);
    expect(out).toMatchObject({ status: 'fail', reason: 'assertion' });
    const forms = [
      SECRET,
      encodeURIComponent(SECRET),
      encodeURIComponent(SECRET).replace(/%20/g, '+'),
    ];
    const leaks = (text: string): string[] => forms.filter((f) => text.includes(f));
    expect(leaks(JSON.stringify(out))).toEqual([]);
    expect(leaks(readFileSync(artifactFile(out, 'page.html'), 'utf8'))).toEqual([]);
    const trace = unzipSync(readFileSync(artifactFile(out, 'trace.zip')));
    for (const [name, bytes] of Object.entries(trace)) {
      expect(leaks(Buffer.from(bytes).toString('latin1')), name).toEqual([]);
    }
    // The trace still shows the journey, with the secret masked.
    expect(Buffer.from(trace['trace.trace']!).toString()).toContain('***');
  });

  it('an unset ${env:NAME} is error secret_missing, naming it, not a failure of the service', async () => {
    // Declared steps are checked before the run: no page opened, no evidence against anyone.
    const declared = await journey({
      steps: [
        { goto: site('login/') },
        { fill: { label: 'Passwort', value: '${env:OZGWATCH_TEST_UNSET}' } },
      ],
    });
    expect(declared).toMatchObject({ status: 'error', reason: 'secret_missing' });
    expect(declared.message).toContain('OZGWATCH_TEST_UNSET');
    expect(declared.steps ?? []).toEqual([]);
    expect(declared.artifacts ?? []).toEqual([]);
    // A TypeScript journey asks for it on the way: the step that asked is named.
    const typed = await journey({
      journey: async ({ page, step, secret }) => {
        await step('start', async () => {
          await page.goto(site('login/'));
        });
        await step('anmelden', async () => {
          await page.getByLabel('Passwort').fill(secret('OZGWATCH_TEST_UNSET'));
        });
      },
    });
    expect(typed).toMatchObject({ status: 'error', reason: 'secret_missing' });
    expect(typed.message).toMatch(/step "anmelden".*OZGWATCH_TEST_UNSET/);
  });

  it('expectText finds a text that comes late; one that never comes leaves one read in the trace', async () => {
    const late = site('bescheid/');
    const found = await journey({
      steps: [{ goto: late }, { name: 'bescheid', expectText: 'Bescheid bereit', timeout: '3s' }],
    });
    expect(found.status).toBe('pass');
    const missing = await journey({
      steps: [{ goto: late }, { name: 'bescheid', expectText: 'Nie da', timeout: '3s' }],
    });
    expect(missing).toMatchObject({ status: 'fail', reason: 'assertion' });
    const trace = unzipSync(readFileSync(artifactFile(missing, 'trace.zip')));
    const reads = Buffer.from(trace['trace.trace']!)
      .toString()
      .split('\n')
      .filter((line) => line.includes('"type":"before"') && line.includes('"method":"innerText"'));
    // One Playwright read, at the deadline; the reads every 100 ms before it leave no
    // action in the trace. With Playwright reads only, the same step left 30.
    expect(reads.length).toBe(1);
    // The failure still says what the page showed.
    expect(missing.message).toContain('does not contain "Nie da"');
    expect(JSON.stringify(missing.assertions)).toContain('Bitte warten');
  });

  it('expectText on an element follows it when it is replaced, and leaves no read per look in the trace', async () => {
    const late = site('bescheid/');
    const found = await journey({
      steps: [
        { goto: late },
        { name: 'stand', expectText: { css: '#stand', value: 'Bescheid erstellt' }, timeout: '3s' },
      ],
    });
    expect(found.status).toBe('pass');
    // Found when it came (1.2 s), not at the deadline.
    expect(found.steps?.[1]?.duration).toBeGreaterThanOrEqual(1.1);
    expect(found.steps?.[1]?.duration).toBeLessThan(2.5);

    const missing = await journey({
      steps: [
        { goto: late },
        { name: 'stand', expectText: { css: '#stand', value: 'Nie da' }, timeout: '3s' },
      ],
    });
    expect(missing).toMatchObject({ status: 'fail', reason: 'assertion' });
    expect(missing.message).toContain('does not contain "Nie da"');
    // The last text of the element that replaced the first one.
    expect(JSON.stringify(missing.assertions)).toContain('Stand: Bescheid erstellt');
    const actions = Buffer.from(
      unzipSync(readFileSync(artifactFile(missing, 'trace.zip')))['trace.trace']!,
    )
      .toString()
      .split('\n')
      .filter((line) => line.includes('"type":"before"'))
      .map((line) => (JSON.parse(line) as { method: string }).method);
    // One look at the first element, one at the element that replaced it (each is the
    // wait for the element, in the trace); read with Playwright every 100 ms, the step left
    // 30 reads.
    const looks = actions.filter((m) => m === 'waitForSelector').length;
    expect(looks).toBeGreaterThanOrEqual(1);
    expect(looks).toBeLessThanOrEqual(3);
    expect(actions.filter((m) => m === 'innerText')).toEqual([]);
  });

  it('a page that never finishes loading is navigation_timeout', async () => {
    const out = await journey({ steps: [{ goto: site('endlos/'), timeout: '1500ms' }] });
    expect(out).toMatchObject({ status: 'fail', reason: 'navigation_timeout' });
  });

  it('a step that would outlast the run ends in time to keep its evidence', async () => {
    const started = performance.now();
    const out = await journey({ steps: [{ goto: site('endlos/'), timeout: '30s' }] }, 4000);
    expect(out).toMatchObject({ status: 'fail', reason: 'navigation_timeout' });
    expect(out.artifacts?.map((a) => a.name).sort()).toEqual([
      'failure.png',
      'page.html',
      'trace.zip',
    ]);
    // A quarter of the run was kept for the evidence; the step stopped before it.
    expect(out.steps?.[0]?.duration).toBeLessThan(3.2);
    expect(performance.now() - started).toBeLessThan(4000);
  });

  it('the run deadline ends a journey that waits for nothing on the page as a timeout', async () => {
    const started = performance.now();
    const out = await journey(
      {
        journey: async ({ step }) => {
          await step('warten', () => new Promise(() => undefined));
        },
      },
      1500,
    );
    expect(out).toMatchObject({
      status: 'fail',
      reason: 'timeout',
      message: 'timeout in step "warten"',
    });
    expect(out.steps?.[0]).toMatchObject({ name: 'warten', status: 'fail' });
    expect(performance.now() - started).toBeLessThan(6000);
  });

  it('a JavaScript error that breaks "Weiter" is js_error', async () => {
    const out = await journey({
      steps: [
        { goto: site('js-fehler/') },
        { name: 'weiter', click: { role: 'button', name: 'Weiter' } },
        { expectText: 'Schritt 2 von 3' },
      ],
    });
    expect(out).toMatchObject({ status: 'fail', reason: 'js_error' });
    expect(out.message).toMatch(/JavaScript error in step "3-expectText": TypeError: .*append/);
    expect(out.steps?.[1]?.pageErrors[0]).toMatch(/^TypeError/);
  });

  it('a cookie banner over the page is not_actionable until accepted', async () => {
    const covered = await journey({
      steps: [
        { goto: site('cookie/') },
        { click: { role: 'link', name: 'Online beantragen' }, timeout: '1s' },
      ],
    });
    expect(covered).toMatchObject({ status: 'fail', reason: 'not_actionable' });
    expect(covered.message).toMatch(/intercepts pointer events/);

    const accepted = await journey({
      steps: [
        { goto: site('cookie/') },
        { click: { role: 'button', name: 'Alle akzeptieren' } },
        { click: { role: 'link', name: 'Online beantragen' } },
        { expectText: 'Schritt 1 von 2' },
      ],
    });
    expect(accepted.status).toBe('pass');
  });

  it('reaches into an iframe-hosted form', async () => {
    const frame = 'iframe[title="Antragsformular"]';
    const out = await journey({
      steps: [
        { goto: site('iframe/') },
        { fill: { label: 'E-Mail', value: 'test@example.org', frame } },
        { click: { role: 'button', name: 'Weiter', frame } },
        { expectText: { css: '#status', frame, value: 'Eingabe geprüft' } },
      ],
    });
    expect(out.status).toBe('pass');
  });

  it('a slow third-party script makes the journey degraded, not failed', async () => {
    const out = await journey({ degradedAfter: '1s', steps: [{ goto: site('drittanbieter/') }] });
    expect(out).toMatchObject({ status: 'degraded', reason: 'slow' });
    expect(out.steps?.[0]?.duration).toBeGreaterThanOrEqual(1.4);
  });

  it('a renderer crash fails only that run; the next run passes', async () => {
    const crashed = await journey({ steps: [{ goto: site('absturz/'), timeout: '15s' }] });
    // The page killed its renderer: evidence against the page.
    expect(crashed).toMatchObject({ status: 'fail', reason: 'browser_crash' });
    expect(crashed.message).toMatch(/^the page crashed in step/);
    const next = await journey({ steps: applyForHousingBenefit().slice(0, 2) });
    expect(next.status).toBe('pass');
  }, 30_000);

  it('a killed browser is replaced; the run inside it ends as error (ours), the next one passes', async () => {
    const inside = journey({ steps: [{ goto: site('endlos/'), timeout: '10s' }] });
    await new Promise((r) => setTimeout(r, 800));
    await host.kill();
    const out = await inside;
    // ozgwatch's own browser died: no evidence against the service, so no service-down page.
    expect(out).toMatchObject({ status: 'error', reason: 'browser_crash' });
    expect(out.message).toMatch(/^ozgwatch's browser crashed in step/);
    expect(restarts).toContain('crash');
    const next = await journey({ steps: applyForHousingBenefit().slice(0, 2) });
    expect(next.status).toBe('pass');
  }, 30_000);

  it('runs a TypeScript journey: named steps, the failing one attributed', async () => {
    const out = await journey({
      journey: async ({ page, step, secret }) => {
        await step('start', async () => {
          await page.goto(site('wohngeld/'));
        });
        await step('antrag-oeffnen', async () => {
          await page.getByRole('link', { name: 'Online beantragen' }).click();
        });
        await step('anmelden', async () => {
          await page.getByLabel('Vorname').fill(secret('OZGWATCH_TEST_PASSWORD'));
          await page.getByRole('button', { name: 'Zum Postfach' }).click({ timeout: 1000 });
        });
      },
    });
    expect(out).toMatchObject({ status: 'fail', reason: 'selector_missing' });
    expect(out.steps?.map((s) => [s.name, s.status])).toEqual([
      ['start', 'pass'],
      ['antrag-oeffnen', 'pass'],
      ['anmelden', 'fail'],
    ]);
    expect(JSON.stringify(out)).not.toContain(SECRET);
  });

  it('keeps a download as evidence inside the artifacts folder', async () => {
    const out = await journey({
      steps: [
        { goto: site('formulare/') },
        { click: { role: 'link', name: 'Antrag als PDF herunterladen' } },
        { name: 'warten', expectText: 'Formulare' },
      ],
    });
    expect(out.status).toBe('pass');
    expect(out.artifacts).toMatchObject([{ name: 'download-1.pdf', kind: 'download' }]);
    const file = path.join(dir, 'artifacts', 'journey', `run-${runs}`, 'download-1.pdf');
    expect(readFileSync(file, 'utf8')).toMatch(/^%PDF-1\.4/);
  });

  it('navigations wait for the per-host limit like HTTP probes', async () => {
    const oneAtATime = new HostLimiter(1);
    const started = performance.now();
    const outs = await Promise.all(
      [1, 2, 3].map(() =>
        journey({ steps: [{ goto: `${portal.http}/slow?ms=400` }] }, 20_000, oneAtATime),
      ),
    );
    expect(outs.map((o) => o.status)).toEqual(['pass', 'pass', 'pass']);
    // Three page loads of 400 ms each, one at a time.
    expect(performance.now() - started).toBeGreaterThanOrEqual(1150);
  });

  it('uses the system Chromium when Playwright has none, and says which', () => {
    expect(host.browserVersion).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    expect(existsSync(host.executable)).toBe(true);
  });
});
