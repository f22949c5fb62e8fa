import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPortal, type Portal } from '../fixtures/county-portal/index.ts';
import { runCli, type Ran } from './run-cli.ts';

const SECRET = 'Zugang-9f3e!streng geheim';

let dir: string;
let portal: Portal;

/** The CLI with a secret in its environment and debug logs on. */
function cli(args: string[]): Promise<Ran> {
  return runCli(args, {
    cwd: dir,
    env: { OZGWATCH_LOG_LEVEL: 'debug', OZGWATCH_TEST_SECRET: SECRET },
    timeoutMs: 60_000,
  });
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'ozgwatch-cli-journeys-'));
  portal = await startPortal();
  await mkdir(path.join(dir, 'probes'));
  await writeFile(
    path.join(dir, 'probes', 'journeys.yaml'),
    `- id: kfz-journey
  name: Kfz-Zulassung online
  kind: browser
  timeout: 20s
  labels: { service: kfz, county: musterkreis }
  browser:
    stepTimeout: 2s
    steps:
      - name: start
        goto: ${portal.http}/dienste/kfz/
      - name: antrag-oeffnen
        click: { role: link, name: Online beantragen }
      - name: vorname
        fill: { label: Vorname, value: "\${env:OZGWATCH_TEST_SECRET}" }
`,
  );
}, 30_000);

afterAll(async () => {
  await portal.close();
  await rm(dir, { recursive: true, force: true });
});

describe('CLI with browser journeys', () => {
  it('scan --checks a11y: one document per URL with violations and incomplete, one browser', async () => {
    const urls = ['ok', 'bild-ohne-alt', 'kontrast', 'widget/1'].map(
      (p) => `${portal.http}/a11y/${p}`,
    );
    const ran = await cli(['scan', '--checks', 'a11y', '--json', '--data', 'data', ...urls]);
    expect(ran.code).toBe(1);
    const docs = ran.stdout
      .trim()
      .split('\n')
      .map(
        (l) =>
          JSON.parse(l) as {
            url: string;
            status: string;
            a11y: {
              status: string;
              profile: string;
              violations: {
                ruleId: string;
                impact: string;
                tags: string[];
                nodes: { target: string[] }[];
              }[];
              incomplete: unknown[];
            };
          },
      );
    expect(docs.map((d) => d.url)).toEqual(urls);
    expect(docs.map((d) => d.a11y.violations.map((v) => v.ruleId))).toEqual([
      [],
      ['image-alt'],
      ['color-contrast'],
      ['button-name'],
    ]);
    expect(docs[1]!.a11y.violations[0]).toMatchObject({
      impact: 'critical',
      nodes: [{ target: ['img'] }],
    });
    expect(docs[1]!.a11y.violations[0]!.tags).toContain('EN-301-549');
    expect(docs[0]).toMatchObject({
      status: 'pass',
      a11y: { profile: 'en-301-549', incomplete: [] },
    });
    expect(ran.stderr.match(/browser launched/g)).toHaveLength(1);

    const table = await cli([
      'scan',
      '--checks',
      'a11y',
      '--profile',
      'wcag21aa',
      '--data',
      'data',
      urls[1]!,
    ]);
    expect(table.stdout).toMatch(/✗ image-alt\s+critical\s+1×/);
  }, 60_000);

  it('scan takes the browser and its pool size from the daemon configuration', async () => {
    const urls = ['ok', 'kontrast', 'widget/1'].map((p) => `${portal.http}/a11y/${p}`);
    await writeFile(path.join(dir, 'one-context.yaml'), 'concurrency:\n  kinds:\n    browser: 1\n');
    const ran = await cli([
      'scan',
      '--checks',
      'a11y',
      '--json',
      '--config',
      'one-context.yaml',
      '--data',
      'data',
      ...urls,
    ]);
    expect(ran.stdout.trim().split('\n')).toHaveLength(3);
    // One pool slot: all URLs in one batch, one browser context.
    expect(ran.stderr).toContain('"probe":"scan-a11y-1"');
    expect(ran.stderr).not.toContain('scan-a11y-2');

    const missing = await runCli(
      ['scan', '--checks', 'a11y', '--json', '--data', 'data', urls[0]!],
      { cwd: dir, env: { OZGWATCH_BROWSER_PATH: '/nonexistent/chromium' }, timeoutMs: 30_000 },
    );
    const doc = JSON.parse(missing.stdout.trim()) as { a11y: { status: string; message: string } };
    expect(doc.a11y.status).toBe('error');
    expect(doc.a11y.message).toContain('/nonexistent/chromium');
  }, 60_000);

  it('scan --checks a11y: a page with a frame it could not scan is degraded, as in a run, not pass', async () => {
    const url = `${portal.http}/a11y/iframe-nie`;
    const ran = await cli(['scan', '--checks', 'a11y', '--json', '--data', 'data', url]);
    const doc = JSON.parse(ran.stdout.trim()) as {
      status: string;
      a11y: { status: string; reason: string; message: string };
    };
    expect(doc.a11y).toMatchObject({ status: 'degraded', reason: 'frame_not_scanned' });
    expect(doc.a11y.message).toMatch(/^no violations found, but 1 frame\(s\) not scanned: html > /);
    expect(doc.status).toBe('degraded');
  }, 60_000);

  it('scan --checks a11y behind a proxy that is down: error/proxy_error, as in a run', async () => {
    // Port 1 takes no connection; the host resolves nowhere, so only the proxy could reach it.
    const ran = await runCli(
      ['scan', '--checks', 'a11y', '--json', '--data', 'data', 'http://kfz.ozgwatch.test/'],
      { cwd: dir, env: { HTTP_PROXY: 'http://127.0.0.1:1' }, timeoutMs: 60_000 },
    );
    const doc = JSON.parse(ran.stdout.trim()) as { a11y: { status: string; reason: string } };
    expect(doc.a11y).toMatchObject({ status: 'error', reason: 'proxy_error' });
  }, 60_000);

  it('run prints the step table, names the evidence, exits 1', async () => {
    const ran = await cli(['run', '--probes', 'probes', '--data', 'data', 'kfz-journey']);
    expect(ran.code).toBe(1);
    expect(ran.stdout).toMatch(/✗\s+kfz-journey\s+fail\s+selector_missing/);
    expect(ran.stdout).toMatch(
      /✓ start\s+goto\s+\d+ ms {2}200 http:\/\/127\.0\.0\.1:\d+\/dienste\/kfz\//,
    );
    expect(ran.stdout).toMatch(/✗ antrag-oeffnen\s+click/);
    expect(ran.stdout).toMatch(/· vorname\s+fill/);
    expect(ran.stdout).toMatch(/evidence: failure\.png, page\.html, trace\.zip/);
    expect(ran.stderr).toMatch(/browser launched/);
    expect(ran.stdout + ran.stderr).not.toContain(SECRET);
  }, 60_000);

  it('run ends once its results are out, whatever a TypeScript journey left running', async () => {
    await mkdir(path.join(dir, 'ts-probes'), { recursive: true });
    await writeFile(
      path.join(dir, 'ts-probes', 'warten.probe.ts'),
      `import { defineProbe } from 'ozgwatch';
export default defineProbe({
  id: 'liegengelassen',
  name: 'Journey mit Timer',
  kind: 'browser',
  labels: { service: 'kfz' },
  journey: async ({ page, step }) => {
    await step('start', async () => {
      await page.goto(${JSON.stringify(`${portal.http}/dienste/kfz/`)});
      // Left behind: without the CLI ending by itself, the process would wait for it.
      setTimeout(() => undefined, 120_000);
    });
  },
});
`,
    );
    const started = Date.now();
    const ran = await cli(['run', '--probes', 'ts-probes', '--data', 'data', 'liegengelassen']);
    expect(ran.code).toBe(0);
    expect(ran.stdout).toMatch(/✓\s+liegengelassen\s+pass/);
    expect(Date.now() - started).toBeLessThan(30_000);
  }, 60_000);

  it('scan --browser loads the page in Chromium as well', async () => {
    const ran = await cli(['scan', '--browser', '--json', '--data', 'data', `${portal.http}/`]);
    expect(ran.code).toBe(0);
    const doc = JSON.parse(ran.stdout.trim()) as {
      url: string;
      status: string;
      availability: { status: string };
      browser: { status: string; steps: { name: string; httpStatus: number }[] };
    };
    expect(doc.status).toBe('pass');
    expect(doc.availability.status).toBe('pass');
    expect(doc.browser.status).toBe('pass');
    expect(doc.browser.steps[0]).toMatchObject({ name: 'load', httpStatus: 200 });
  }, 60_000);

  it('scan: what the request guard held back is listed under each page, a blocked WebSocket a warning', async () => {
    const [socket, post, plain] = ['websocket', 'beim-laden', 'danke'].map(
      (p) => `${portal.http}/schutz/${p}`,
    );
    const opened = portal.webSockets().opened.length;
    const posts = portal.posts().get('/schutz/ziel/beim-laden') ?? 0;
    // Three URLs: the first two share one accessibility batch, so each page must get its own.
    const ran = await cli([
      'scan',
      '--checks',
      'a11y,browser',
      '--data',
      'data',
      socket!,
      post!,
      plain!,
    ]);
    expect(portal.webSockets().opened.length).toBe(opened);
    expect(portal.posts().get('/schutz/ziel/beim-laden') ?? 0).toBe(posts);
    // Warnings, not failures: what the pages showed passes.
    expect(ran.code).toBe(0);
    const section = (label: string): string =>
      ran.stdout.split('\n\n').find((s) => s.startsWith(`${label}:\n`)) ?? '';
    const ws = `ws://${new URL(portal.http).host}/schutz/ws/antrag`;
    const warning = `! WebSocket ${ws} was blocked: the page was scanned without what it would have shown over it`;
    expect(section(`${socket} (a11y)`)).toContain(`  blocked WEBSOCKET ${ws} (page ${socket})\n`);
    expect(section(`${socket} (a11y)`)).toContain(`  ${warning} (page ${socket})`);
    expect(section(`${socket} (browser)`)).toContain(`  blocked WEBSOCKET ${ws} (step load)\n`);
    expect(section(`${socket} (browser)`)).toContain(`  ${warning}`);
    expect(section(`${post} (a11y)`)).toContain(
      `  blocked POST ${portal.http}/schutz/ziel/beim-laden (page ${post})`,
    );
    expect(section(`${post} (a11y)`)).not.toContain('WEBSOCKET');
    expect(section(`${post} (a11y)`)).not.toContain('!');
    expect(section(`${plain} (a11y)`)).not.toContain('blocked');

    const json = await cli([
      'scan',
      '--checks',
      'a11y',
      '--json',
      '--data',
      'data',
      socket!,
      post!,
    ]);
    const [bySocket, byPost] = json.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { a11y: { warnings?: string[]; blockedRequests?: unknown[] } });
    expect(bySocket!.a11y.warnings).toEqual([`${warning.slice(2)} (page ${socket})`]);
    expect(byPost!.a11y.warnings).toBeUndefined();
    expect(byPost!.a11y.blockedRequests).toHaveLength(1);
  }, 90_000);

  it('scan: a page that cannot be reached is named by its network error in every check', async () => {
    // Nothing listens there: the connection is refused at once.
    const url = `${portal.closedPort}/dienste/`;
    const ran = await cli([
      'scan',
      '--checks',
      'availability,a11y,media-breaks,browser',
      '--json',
      '--data',
      'data',
      url,
    ]);
    expect(ran.code).toBe(1);
    const doc = JSON.parse(ran.stdout.trim()) as Record<string, { status: string; reason: string }>;
    for (const check of ['availability', 'a11y', 'mediaBreaks', 'browser']) {
      expect({ check, ...doc[check] }).toMatchObject({ check, status: 'fail', reason: 'connect' });
    }
  }, 60_000);

  it('scan --checks media-breaks: one document with breaks, evidence, maturity; readable without --json', async () => {
    const url = `${portal.http}/media-breaks/wohnberechtigungsschein-formularassistent/`;
    const ran = await cli(['scan', '--checks', 'media-breaks', '--json', url]);
    expect(ran.code).toBe(1);
    const doc = JSON.parse(ran.stdout.trim()) as {
      status: string;
      mediaBreaks: {
        status: string;
        breaks: { kind: string; evidence: { text: string; url: string } }[];
        maturity: { level: number };
        endToEndDigital: boolean;
        path: { steps: number; stoppedBecause: string };
      };
    };
    expect(doc.status).toBe('fail');
    expect(doc.mediaBreaks.breaks.map((b) => b.kind)).toEqual([
      'paper-form',
      'handwritten-signature',
      'postal-submission',
    ]);
    // The break is on the last page of the application, which the scan reached.
    expect(doc.mediaBreaks.breaks[0]!.evidence.url).toMatch(/zusammenfassung\.html/);
    expect(doc.mediaBreaks.maturity.level).toBe(2);
    expect(doc.mediaBreaks.endToEndDigital).toBe(false);
    expect(doc.mediaBreaks.path).toMatchObject({ stoppedBecause: 'would-post' });

    const readable = await cli(['scan', '--checks', 'media-breaks', url]);
    expect(readable.stdout).toContain('maturity 2 (estimated, citizen-side)');
    expect(readable.stdout).toMatch(
      /^ {2}postal-submission: .+\[.+zusammenfassung\.html[^\]]*\]$/m,
    );
    // Each sentence whole: what gave the break away is often at its end.
    for (const b of doc.mediaBreaks.breaks) {
      expect(readable.stdout).toContain(`  ${b.kind}: ${b.evidence.text} [`);
    }
    expect(Math.max(...doc.mediaBreaks.breaks.map((b) => b.evidence.text.length))).toBeGreaterThan(
      200,
    );

    const digital = await cli([
      'scan',
      '--checks',
      'media-breaks',
      '--json',
      `${portal.http}/media-breaks/wohngeld-onlineantrag-digital/`,
    ]);
    expect(digital.code).toBe(0);
    expect(JSON.parse(digital.stdout.trim())).toMatchObject({
      status: 'pass',
      mediaBreaks: { breaks: [], endToEndDigital: true },
    });
  }, 90_000);
});
