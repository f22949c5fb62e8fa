/**
 * Issue 9, hostile input: script, markup, formulas and terminal escape sequences that
 * watched pages put in their titles, texts, links, console, errors, headers and PDFs never
 * run or inject where ozgwatch shows them — run, probe and overview pages, the quarterly
 * report (HTML, CSV, JSON, PDF), the logs (JSON and pretty), the CLI (tables and JSON).
 *
 * Real probes run in a real daemon against the hostile site; results go to a SQLite
 * store in a temporary folder; pages and report are loaded in Chromium. Every markup
 * payload requests `/pwned` from the site when a browser runs it, so the site's count is
 * the verdict, next to what the DOM holds.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext } from 'playwright';
import { pino, type DestinationStream } from 'pino';
import { extractText, getDocumentProxy } from 'unpdf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config/config.ts';
import { createLogger, prettyDestination } from '../../src/log/logger.ts';
import { startDaemon, type Daemon } from '../../src/main.ts';
import { generateReport, type GeneratedReport } from '../../src/report/generate.ts';
import { berlinDate, parseDays } from '../../src/report/period.ts';
import type { Result } from '../../src/results/result.ts';
import { CHROMIUM_ARGS, chromiumExecutable } from '../../src/runner/browser-host.ts';
import { openSqliteStore } from '../../src/store/sqlite.ts';
import { runCli } from '../cli/run-cli.ts';
import { startHostileSite, type HostileSite } from '../fixtures/hostile-content.ts';

const PROBE_IDS = [
  'hostile-http',
  'hostile-journey',
  'hostile-overlay',
  'hostile-a11y',
  'hostile-media',
] as const;
type ProbeId = (typeof PROBE_IDS)[number];

const DAY = 86_400_000;

/**
 * What must never reach a terminal raw: C0 controls but tab and line feed (ESC, BEL, CR
 * among them), DEL, C1 controls, and the invisible characters that reorder text.
 */
const TERMINAL_HOSTILE =
  // eslint-disable-next-line no-control-regex
  /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
/** The colour codes (SGR) pino-pretty writes itself. */
// eslint-disable-next-line no-control-regex
const SGR = /\u001b\[[\d;]*m/g;

/** Each raw control in `text`, as `U+001B after "…"`: a failure says what and where. */
function rawControls(text: string): string[] {
  return [...text.matchAll(TERMINAL_HOSTILE)].map(
    (m) =>
      `U+${m[0].charCodeAt(0).toString(16).padStart(4, '0')} after ${JSON.stringify(text.slice(Math.max(0, m.index - 30), m.index))}`,
  );
}

/** An HTML parser turns CR and CR LF into LF; compare page text after the same step. */
const asParsed = (text: string): string => text.replace(/\r\n?/g, '\n');

function probesYaml(site: string): string {
  return `- id: hostile-http
  name: Hinweis im Header
  kind: http
  every: 1h
  timeout: 10s
  labels: { service: portal, county: musterkreis }
  http:
    url: ${site}/weiterleitung
    expect:
      headers: { x-hinweis: '^ok$' }
- id: hostile-journey
  name: Antrag mit Abbruch
  kind: browser
  every: 1h
  timeout: 30s
  labels: { service: antrag, county: musterkreis }
  browser:
    stepTimeout: 10s
    steps:
      - name: start
        goto: ${site}/
      - name: pruefen
        scan: [a11y, media-breaks]
      - name: weiter
        click: { css: '#weiter' }
      - name: bestaetigung
        expectText: Antrag eingegangen
        timeout: 1s
- id: hostile-overlay
  name: Verdeckter Knopf
  kind: browser
  every: 1h
  timeout: 20s
  labels: { service: antrag, county: musterkreis }
  browser:
    stepTimeout: 10s
    steps:
      - name: start
        goto: ${site}/overlay
      - name: absenden
        click: { role: button, name: Absenden }
        timeout: 2s
- id: hostile-a11y
  name: Portal barrierefrei
  kind: a11y
  every: 1h
  timeout: 60s
  labels: { service: portal, county: musterkreis }
  a11y:
    urls: [${site}/]
- id: hostile-media
  name: Hundesteuer Medienbrüche
  kind: media-breaks
  every: 1h
  timeout: 60s
  labels: { service: portal, county: musterkreis }
  media-breaks:
    url: ${site}/dienst
`;
}

/**
 * Run in the page: whatever markup or script the payloads could have added. The daemon's
 * pages have no script, no frame, no event handler, and images only of run evidence; the
 * report has SVG only as the charts in its figures.
 */
const INSPECT_DOM = `(() => {
  const found = [];
  for (const el of document.querySelectorAll('*')) {
    for (const attr of el.attributes) {
      if (attr.name.startsWith('on')) found.push(el.localName + '[' + attr.name + ']');
      if (/^\\s*(javascript|data|vbscript):/i.test(attr.value) && /href|src|action|data/i.test(attr.name)) {
        found.push(el.localName + '[' + attr.name + '=' + attr.value.slice(0, 40) + ']');
      }
    }
  }
  for (const selector of ['script', 'iframe', 'frame', 'object', 'embed', 'base', 'meta[http-equiv]', 'form', 'link:not([rel=icon])', 'template', 'math']) {
    for (const el of document.querySelectorAll(selector)) found.push(el.outerHTML.slice(0, 80));
  }
  for (const img of document.querySelectorAll('img')) {
    if (!new URL(img.src, location.href).pathname.startsWith('/runs/') || new URL(img.src, location.href).origin !== location.origin) {
      found.push('img ' + img.src);
    }
  }
  for (const svg of document.querySelectorAll('svg')) {
    if (!(svg.parentElement && svg.parentElement.localName === 'figure' && svg.getAttribute('role') === 'img')) {
      found.push('svg ' + svg.outerHTML.slice(0, 80));
    }
  }
  return found;
})()`;

/** Run in the page: the text of each bidi isolate. */
const BIDI_ISOLATES = `[...document.querySelectorAll('bdi')].map((b) => b.textContent)`;

let site: HostileSite;
let dir: string;
let daemon: Daemon;
let viewer: Browser;
/** JSON log lines as the daemon wrote them, and the same lines through the pretty format. */
const jsonLines: string[] = [];
const prettyChunks: string[] = [];
/** The latest result of each probe (for hostile-media: the run after the breaks appeared). */
let latest: Map<string, Result>;

async function waitForRuns(ids: readonly string[]): Promise<Map<string, Result>> {
  const end = Date.now() + 90_000;
  for (;;) {
    await daemon.store.flush();
    const found = await daemon.store.latest([...ids]);
    if (found.size === ids.length) return found;
    if (Date.now() > end)
      throw new Error(`no run of ${ids.filter((i) => !found.has(i)).join(', ')}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

beforeAll(async () => {
  site = await startHostileSite();
  dir = await mkdtemp(path.join(tmpdir(), 'ozgwatch-escaping-'));
  await mkdir(path.join(dir, 'probes'));
  await writeFile(path.join(dir, 'probes', 'hostile.yaml'), probesYaml(site.url));
  const pretty = prettyDestination(
    { write: (s: string) => void prettyChunks.push(s) },
    {
      colour: false,
    },
  );
  const tee: DestinationStream = {
    write(line: string) {
      jsonLines.push(line);
      pretty.write(line);
    },
  };
  daemon = await startDaemon(
    {
      ...configSchema.parse({ probes: path.join(dir, 'probes'), dataDir: path.join(dir, 'data') }),
      server: { host: '127.0.0.1', port: 0 },
      watch: false,
    },
    {
      logger: createLogger({ level: 'debug', format: 'json', destination: tee }),
      store: openSqliteStore({
        path: path.join(dir, 'store.db'),
        logger: pino({ level: 'silent' }),
      }),
      random: () => 0,
    },
  );
  await waitForRuns(PROBE_IDS);
  // The first media-break run is the baseline; breaks that appear later are events, with
  // their evidence, on the probe page.
  site.setMediaBreaks(true);
  await daemon.runner.run(daemon.active()!.byId.get('hostile-media')!);
  latest = await waitForRuns(PROBE_IDS);
  const executablePath = await chromiumExecutable();
  viewer = await chromium.launch({
    ...(executablePath ? { executablePath } : {}),
    args: [...CHROMIUM_ARGS],
  });
}, 150_000);

afterAll(async () => {
  await viewer?.close();
  await daemon?.stop();
  await site?.close();
  await rm(dir, { recursive: true, force: true });
});

function result(id: ProbeId): Result {
  const r = latest.get(id);
  if (!r) throw new Error(`no result of ${id}`);
  return r;
}

describe('the hostile site reaches every place, and the store keeps it whole', () => {
  it('keeps titles, errors, console output, headers, evidence and PDF titles as the site wrote them', () => {
    const { markup, terminal, terminalLine, formulas } = site.payloads;
    // A header value: markup and the C1 CSI.
    expect(result('hostile-http').message).toContain(markup.script);
    expect(result('hostile-http').message).toContain('\u009b2J');
    // A thrown error becomes the journey's message; console errors are kept per step.
    const journey = result('hostile-journey');
    expect(journey.reason).toBe('js_error');
    expect(journey.message).toContain(`Abbruch: ${terminalLine}`);
    const steps = journey.steps ?? [];
    expect(steps.flatMap((s) => s.consoleErrors).join('\n')).toContain(terminal.windowTitle);
    expect(steps.flatMap((s) => s.pageErrors).join('\n')).toContain(terminal.overwrite);
    // Playwright names the overlay with its attributes.
    expect(result('hostile-overlay').message).toMatch(/intercepts pointer events/);
    expect(result('hostile-overlay').message).toContain(terminal.bidi);
    // Axe keeps the offending element's HTML.
    const nodes = result('hostile-a11y').a11y!.pages.flatMap((p) =>
      p.violations.flatMap((v) => v.nodes),
    );
    expect(nodes.map((n) => n.html).join('\n')).toContain(`${site.url}/pwned?via=axe-onerror`);
    expect(result('hostile-a11y').a11y!.documents?.map((d) => d.title)).toEqual(formulas);
    const evidence = result('hostile-media').mediaBreaks!.breaks.map((b) => b.evidence.text);
    expect(evidence.join('\n')).toContain(markup.img);
    expect(evidence.join('\n')).toContain(terminal.clear);
  });
});

describe('the daemon’s pages', () => {
  async function pagesToCheck(): Promise<string[]> {
    const runs = await Promise.all(
      PROBE_IDS.map((probeId) => daemon.store.runs({ probeId, limit: 10 })),
    );
    return [
      '/',
      ...PROBE_IDS.map((id) => `/probes/${id}`),
      ...runs.flat().map((r) => `/runs/${encodeURIComponent(r.runId)}`),
    ];
  }

  /**
   * Loads the pages side by side (each waits for the network to go quiet, so a payload's
   * late request would be seen); returns each page's text, the injected markup found, and
   * every request the pages sent to the hostile site.
   */
  async function visit(
    context: BrowserContext,
    urls: readonly string[],
  ): Promise<{
    text: Map<string, string>;
    isolated: Map<string, string[]>;
    injected: string[];
    requests: string[];
  }> {
    const requests: string[] = [];
    context.on('request', (r) => {
      if (r.url().startsWith(site.url)) requests.push(r.url());
    });
    const visited = await Promise.all(
      urls.map(async (url) => {
        const page = await context.newPage();
        try {
          const response = await page.goto(`${daemon.server.url}${url}`, {
            waitUntil: 'networkidle',
          });
          expect(response?.status(), url).toBe(200);
          const found = await page.evaluate<string[]>(INSPECT_DOM);
          const text = (await page.locator('body').textContent()) ?? '';
          const isolated = await page.evaluate<string[]>(BIDI_ISOLATES);
          return { url, text, isolated, injected: found.map((f) => `${url}: ${f}`) };
        } finally {
          await page.close();
        }
      }),
    );
    return {
      text: new Map(visited.map((v) => [v.url, v.text])),
      isolated: new Map(visited.map((v) => [v.url, v.isolated])),
      injected: visited.flatMap((v) => v.injected),
      requests,
    };
  }

  it('show every payload as text and run none, with and without their CSP', async () => {
    const urls = await pagesToCheck();
    const { markup, terminal, terminalLine } = site.payloads;
    // As served (the CSP forbids script), and with the CSP ignored: the markup itself must
    // be inert, the CSP is the second line.
    for (const bypassCSP of [false, true]) {
      const context = await viewer.newContext({ bypassCSP });
      try {
        const { text, isolated, injected, requests } = await visit(context, urls);
        expect(injected, `bypassCSP ${bypassCSP}`).toEqual([]);
        expect(requests, `bypassCSP ${bypassCSP}`).toEqual([]);
        expect(site.pwned(), `bypassCSP ${bypassCSP}`).toEqual([]);

        const runPage = (id: ProbeId): string =>
          text.get(`/runs/${encodeURIComponent(result(id).runId)}`) ?? '';
        // The header value, in the failed expectation and the message.
        expect(runPage('hostile-http')).toContain(markup.script);
        expect(runPage('hostile-http')).toContain('\u009b2J');
        // The thrown error, with its terminal sequences, as the page wrote it.
        expect(runPage('hostile-journey')).toContain(asParsed(`Abbruch: ${terminalLine}`));
        expect(runPage('hostile-journey')).toContain(markup.img);
        expect(runPage('hostile-overlay')).toContain(asParsed(result('hostile-overlay').message));
        // Media breaks that appeared, with their evidence, on the probe page.
        const mediaPage = text.get('/probes/hostile-media') ?? '';
        for (const b of result('hostile-media').mediaBreaks!.breaks) {
          expect(mediaPage).toContain(asParsed(b.evidence.text));
          // A right-to-left override stays inside the quote: the address after it reads right.
          expect(isolated.get('/probes/hostile-media')).toContain(asParsed(b.evidence.text));
        }
        const pageError = result('hostile-journey')
          .steps!.flatMap((s) => s.pageErrors)
          .find((m) => m.includes(terminal.bidi))!;
        expect(
          isolated.get(`/runs/${encodeURIComponent(result('hostile-journey').runId)}`),
        ).toContain(asParsed(pageError));
        // The overview shortens a message; its beginning shows.
        expect(text.get('/')).toContain(asParsed(result('hostile-journey').message.slice(0, 120)));
      } finally {
        await context.close();
      }
    }
  }, 60_000);
});

describe('the quarterly report', () => {
  let report: GeneratedReport;
  let outDir: string;

  beforeAll(async () => {
    outDir = path.join(dir, 'report');
    await daemon.store.flush();
    const now = Date.now();
    report = await generateReport(daemon.store, {
      period: parseDays(berlinDate(now - DAY), berlinDate(now + DAY)),
      formats: ['html', 'pdf', 'csv', 'json'],
      lang: 'de',
      outDir,
    });
  }, 60_000);

  it('HTML: shows snippets, titles and evidence as text and runs nothing', async () => {
    const file = report.files.find((f) => f.endsWith('.html'))!;
    const context = await viewer.newContext();
    const page = await context.newPage();
    try {
      await page.goto(`file://${file}`, { waitUntil: 'networkidle' });
      expect(await page.evaluate<string[]>(INSPECT_DOM)).toEqual([]);
      expect(site.pwned()).toEqual([]);
      const shown = (await page.locator('main').textContent()) ?? '';
      // The shared component (image-alt on both services) with the element's HTML.
      const snippet = result('hostile-a11y')
        .a11y!.pages.flatMap((p) => p.violations)
        .find((v) => v.ruleId === 'image-alt')!.nodes[0]!.html;
      expect(report.model.shared.map((s) => s.ruleId)).toContain('image-alt');
      expect(shown).toContain(snippet);
      for (const title of site.payloads.formulas) expect(shown).toContain(asParsed(title));
      expect(shown).toContain(site.payloads.markup.img);
      expect(shown).toContain(site.payloads.terminal.colour);
      // Each line of evidence in its own isolate: an override reorders no other line.
      const isolated = await page.evaluate<string[]>(BIDI_ISOLATES);
      const inPerson = isolated.find((line) => line.includes('persönlich im Bürgerbüro'));
      expect(inPerson).toContain(site.payloads.terminal.bidi);
    } finally {
      await context.close();
    }
  });

  it('CSV: no cell starts a formula; page text keeps its wording behind the guard', async () => {
    const csvFiles = report.files.filter((f) => f.endsWith('.csv'));
    expect(csvFiles.length).toBeGreaterThan(10);
    const formulaStart = /^[=+\-@\t\r\uff1d\uff0b\uff0d\uff20]/;
    const number = /^-?\d+(\.\d+)?(e[+-]?\d+)?$/i;
    const offending: string[] = [];
    for (const file of csvFiles) {
      for (const row of parseCsv(await readFile(file, 'utf8'))) {
        for (const cell of row) {
          if (formulaStart.test(cell) && !number.test(cell)) {
            offending.push(`${path.basename(file)}: ${JSON.stringify(cell)}`);
          }
        }
      }
    }
    expect(offending).toEqual([]);
    const documents = parseCsv(
      await readFile(
        csvFiles.find((f) => /documents\.csv$/.test(f))!,
        'utf8',
      ),
    );
    const titleColumn = documents[0]!.indexOf('title');
    const langColumn = documents[0]!.indexOf('lang');
    expect(documents.slice(1).map((r) => r[titleColumn])).toEqual(
      site.payloads.formulas.map((f) => `'${f}`),
    );
    expect(documents.slice(1).map((r) => r[langColumn])).toEqual(
      site.payloads.formulas.map((f) => `'${f}`),
    );
    // The media-break evidence, markup and all, is one cell.
    const media = parseCsv(
      await readFile(
        csvFiles.find((f) => /media-breaks\.csv$/.test(f))!,
        'utf8',
      ),
    );
    expect(media.flat().join('\n')).toContain(site.payloads.markup.script);
  });

  it('JSON keeps the text whole; the PDF prints it as text', async () => {
    const json = JSON.parse(
      await readFile(
        report.files.find((f) => f.endsWith('.json'))!,
        'utf8',
      ),
    ) as { model: { documents: { title: string | null }[] } };
    expect(json.model.documents.map((d) => d.title)).toEqual(site.payloads.formulas);
    const pdf = await readFile(report.files.find((f) => f.endsWith('.pdf'))!);
    const { text } = await extractText(await getDocumentProxy(new Uint8Array(pdf)), {
      mergePages: true,
    });
    expect(text).toContain('HYPERLINK');
    expect(site.pwned()).toEqual([]);
  });
});

describe('logs', () => {
  it('JSON lines: every line parses, no raw control reaches the terminal, the text is whole', () => {
    expect(jsonLines.length).toBeGreaterThan(5);
    const raw = jsonLines.flatMap((line) => rawControls(line));
    expect(raw).toEqual([]);
    const records = jsonLines.map((line) => JSON.parse(line) as { probe?: string; msg?: string });
    // The run's message is logged as stored: escaped on the way out, not stripped.
    for (const id of ['hostile-http', 'hostile-journey', 'hostile-overlay'] as const) {
      const messages = records.filter((r) => r.probe === id).map((r) => r.msg);
      expect(messages, id).toContain(result(id).message);
    }
  });

  it('pretty lines: the sequences show as visible stand-ins', () => {
    const text = prettyChunks.join('');
    expect(text).toContain('hostile-journey');
    expect(rawControls(text)).toEqual([]);
    expect(text).toContain('␛[2J␛[H');
    expect(text).toContain('␛]0;pwned-title␇');
    expect(text).toContain('\\u009b2J');
    expect(text).toContain('harmlos␍BÖSE');
    expect(text).toContain('\\u202eexe.pdf\\u202c');
  });

  it('pretty lines with colour: only the logger’s own colours are escape sequences', () => {
    const chunks: string[] = [];
    const logger = createLogger({
      level: 'info',
      format: 'pretty',
      destination: { write: (s: string) => void chunks.push(s) },
      colour: true,
    });
    logger.info({ probe: 'hostile-journey' }, result('hostile-journey').message);
    const text = chunks.join('');
    // Colour codes (SGR) of pino-pretty, not of the page: the page's own show as ␛.
    expect(text.match(SGR)?.length).toBeGreaterThan(0);
    expect(text).not.toContain(site.payloads.terminal.colour);
    expect(text).toContain('␛[1;31mROT␛[0m');
    expect(rawControls(text.replace(SGR, ''))).toEqual([]);
  });
});

describe('the CLI', () => {
  let cliDir: string;
  const args = (command: string[]): string[] => [
    ...command,
    // scan reads no probe files: it takes no --probes.
    ...(command[0] === 'scan' ? [] : ['--probes', path.join(dir, 'probes')]),
    '--data',
    cliDir,
  ];
  // Logs at info: `run` is quiet by default, and the logs are what is checked here.
  const run = (command: string[]) =>
    runCli(args(command), {
      cwd: dir,
      env: { NO_COLOR: '1', OZGWATCH_LOG_LEVEL: 'info' },
      timeoutMs: 60_000,
    });

  beforeAll(async () => {
    cliDir = path.join(dir, 'cli-data');
    await mkdir(cliDir);
  });

  it('ozgwatch run: the table and the pretty logs show the sequences, none reaches the terminal', async () => {
    const [table, json] = await Promise.all([
      run(['run', 'hostile-http', 'hostile-journey', 'hostile-overlay', '--pretty']),
      run(['run', 'hostile-http', 'hostile-journey', 'hostile-overlay', '--json']),
    ]);
    expect(table.code, table.stderr).toBe(1);
    expect(rawControls(table.stdout)).toEqual([]);
    expect(rawControls(table.stderr)).toEqual([]);
    // Recognisable: markup is harmless in a terminal, the sequences show as stand-ins.
    expect(table.stdout).toContain(site.payloads.markup.script);
    expect(table.stdout).toContain('Abbruch: ␛[2J␛[H ␛[1;31mROT␛[0m');
    expect(table.stdout).toContain('\\u202eexe.pdf\\u202c');
    expect(table.stderr).toContain('JavaScript error in step');
    expect(table.stderr).toContain('␛]0;pwned-title␇');

    expect(json.code, json.stderr).toBe(1);
    expect(rawControls(json.stdout)).toEqual([]);
    expect(rawControls(json.stderr)).toEqual([]);
    const results = json.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Result);
    // The same JSON value: the escapes decode to what the page said.
    const journey = results.find((r) => r.probeId === 'hostile-journey')!;
    expect(journey.message).toContain(`Abbruch: ${site.payloads.terminalLine}`);
    const overlay = results.find((r) => r.probeId === 'hostile-overlay')!;
    expect(overlay.message).toContain(site.payloads.terminal.bidi);
  }, 90_000);

  it('ozgwatch scan: evidence under the table, and JSON, without raw controls', async () => {
    const url = `${site.url}/dienst`;
    const checks = ['--checks', 'availability,browser,a11y,media-breaks'];
    const [table, json] = await Promise.all([
      run(['scan', url, ...checks]),
      run(['scan', url, ...checks, '--json']),
    ]);
    expect(table.code, table.stderr).toBe(1);
    expect(rawControls(table.stdout)).toEqual([]);
    expect(rawControls(table.stderr)).toEqual([]);
    expect(table.stdout).toMatch(/fax-submission: .*␛\[2J␛\[H/);
    expect(table.stdout).toContain('\\u009b2J\\u009d0;c1-title\\u009c');
    // The condition of a break is page text too.
    expect(table.stdout).toContain('in-person (bei vertretung ␛]0;pwned-title␇\\u202eexe)');
    expect(table.stdout).toContain(site.payloads.markup.script);

    expect(rawControls(json.stdout)).toEqual([]);
    expect(rawControls(json.stderr)).toEqual([]);
    const doc = JSON.parse(json.stdout) as {
      mediaBreaks: { breaks: { evidence: { text: string } }[] };
    };
    expect(doc.mediaBreaks.breaks.map((b) => b.evidence.text).join('\n')).toContain(
      site.payloads.terminal.c1,
    );
  }, 90_000);
});

/** RFC 4180 as csv-stringify writes it: quoted fields, doubled quotes, CR LF between records. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else cell += c;
  }
  if (cell !== '' || row.length > 0) rows.push([...row, cell]);
  return rows;
}
