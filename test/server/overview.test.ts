import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Locator, type Page } from 'playwright';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations } from '../fixtures/axe-violations.ts';
import { probeSchema, type LoadedProbe } from '../../src/probes/schema.ts';
import type {
  A11yFinding,
  A11yNode,
  MediaBreakReport,
  Result,
  RunStatus,
} from '../../src/results/result.ts';
import { CHROMIUM_ARGS, chromiumExecutable } from '../../src/runner/browser-host.ts';
import { MAX_FINDING_ROWS, renderProbePage, when as pageWhen } from '../../src/server/pages.ts';
import { startServer, type RunningServer } from '../../src/server/server.ts';
import type { FindingRecord } from '../../src/store/store.ts';
import { openSqliteStore, type SqliteStore } from '../../src/store/sqlite.ts';
import { buildMetrics } from '../metrics/helpers.ts';

const T0 = Date.UTC(2026, 10, 23, 8, 0, 0);
const HOUR = 3_600_000;
const XSS = '<script>alert(1)</script><b>x</b>';
const TOKEN = 'a-long-enough-secret-token';

/** Two counties; `none` for a probe tied to none. */
const PROBES: {
  id: string;
  name: string;
  kind: string;
  county: string;
  service: string;
  /** Daily unless given: an hourly probe whose last run is five hours old is stale. */
  every?: string;
}[] = [
  { id: 'kfz-a', name: 'Kfz-Zulassung Kreis A', kind: 'http', county: 'kreis-a', service: 'kfz' },
  {
    id: 'kfz-a-portal',
    name: 'Anmeldung Kreis A',
    kind: 'http',
    county: 'kreis-a',
    service: 'kfz',
  },
  {
    id: 'wohngeld-a11y',
    name: 'Wohngeld barrierefrei',
    kind: 'a11y',
    county: 'kreis-a',
    service: 'wohngeld',
  },
  {
    id: 'wohngeld-mb',
    name: 'Wohngeld Medienbrüche',
    kind: 'media-breaks',
    county: 'kreis-a',
    service: 'wohngeld',
  },
  {
    id: 'hund-b-mb',
    name: 'Hundesteuer digital',
    kind: 'media-breaks',
    county: 'stadt-b',
    service: 'hundesteuer',
  },
  {
    id: 'hund-b-xss',
    name: `Hundesteuer ${XSS}`,
    kind: 'http',
    county: 'stadt-b',
    service: 'hundesteuer',
  },
  {
    id: 'hund-b-broken',
    name: 'Hundesteuer Formular',
    kind: 'http',
    county: 'stadt-b',
    service: 'hundesteuer',
    every: '1h',
  },
  {
    id: 'portal-b-a11y',
    name: 'Portal B barrierefrei',
    kind: 'a11y',
    county: 'stadt-b',
    service: 'portal',
  },
  { id: 'portal-b-new', name: 'Portal B neu', kind: 'http', county: 'stadt-b', service: 'portal' },
];

function loaded(): LoadedProbe[] {
  return PROBES.map((p) => {
    const url = `https://${p.id}.example.de/`;
    const spec =
      p.kind === 'a11y' ? { urls: [url] } : p.kind === 'media-breaks' ? { url } : { url };
    return {
      probe: probeSchema.parse({
        id: p.id,
        name: p.name,
        kind: p.kind,
        every: p.every ?? '1d',
        labels: { county: p.county, service: p.service },
        [p.kind]: spec,
      }),
      source: { file: 'test.yaml' },
    };
  });
}

let seq = 0;
function result(
  probeId: string,
  at: number,
  status: RunStatus,
  extra: Partial<Result> = {},
): Result {
  seq++;
  return {
    runId: `run-${String(seq).padStart(3, '0')}`,
    probeId,
    kind: PROBES.find((p) => p.id === probeId)!.kind,
    startedAt: at,
    duration: 0.5,
    attempts: 1,
    maintenance: false,
    status,
    reportedStatus: status,
    message: status === 'pass' ? 'status 200 ∈ [200]' : 'status 503 ∈ [200]',
    assertions: [],
    ...extra,
  };
}

const waiver = { reason: 'Widget des Landes', owner: 'team-a', expires: '2027-01-01' };

function node(occurrence: string, waived = false): A11yNode {
  return {
    target: [`#${occurrence}`],
    ancestry: [`html > body > #${occurrence}`],
    html: `<div id="${occurrence}">`,
    occurrence,
    pattern: `pattern-${occurrence}`,
    ...(waived ? { waived: waiver } : {}),
  };
}

function rule(ruleId: string, impact: string, nodes: A11yNode[]): A11yFinding {
  return {
    ruleId,
    impact,
    tags: ['wcag2a'],
    wcag: ['4.1.2'],
    en301549: ['9.4.1.2'],
    help: ruleId,
    helpUrl: `https://dequeuniversity.com/rules/axe/4.14/${ruleId}`,
    nodes,
  };
}

function a11yRun(probeId: string, at: number, status: RunStatus, violations: A11yFinding[]) {
  return result(probeId, at, status, {
    a11y: {
      engine: { name: 'axe-core', version: '4.14.1' },
      profile: 'en-301-549',
      pages: [
        { url: `https://${probeId}.example.de/antrag`, seconds: 0.3, violations, incomplete: [] },
      ],
    },
  });
}

function mediaBreaks(
  level: 0 | 1 | 2 | 3 | 4,
  breaks: MediaBreakReport['breaks'],
  endToEndDigital = false,
): MediaBreakReport {
  return {
    lexicon: 'de',
    breaks,
    maturity: { level, basis: 'estimated, citizen-side', base: level, because: [] },
    endToEndDigital,
    signals: {
      info: true,
      assist: true,
      online: true,
      auth: false,
      upload: false,
      epayment: false,
      noFee: true,
      onceOnly: false,
      decisionDigital: false,
      pathSteps: 1,
    },
    path: { steps: 1, stoppedBecause: 'would-post' },
    pages: ['https://example.de/'],
    documents: [],
  };
}

function seed(store: SqliteStore): void {
  // kfz-a: 2 of the 3 runs that count passed; a maintenance run and an error do not count.
  store.save(result('kfz-a', T0, 'pass'));
  store.save(result('kfz-a', T0 + HOUR, 'fail'));
  store.save(result('kfz-a', T0 + 2 * HOUR, 'fail', { maintenance: true }));
  store.save(result('kfz-a', T0 + 3 * HOUR, 'error', { message: 'browser crashed' }));
  store.save(result('kfz-a', T0 + 4 * HOUR, 'pass'));
  // A failure not yet confirmed by failAfter runs: reported up, said on the overview.
  store.save(result('kfz-a-portal', T0 + 4 * HOUR, 'fail', { reportedStatus: 'pass' }));

  // wohngeld-a11y: one finding fixed, then 3 critical (1 waived), 1 serious, 1 minor (waived).
  store.save(
    a11yRun('wohngeld-a11y', T0, 'fail', [rule('image-alt', 'serious', [node('old-logo')])]),
  );
  const latest = a11yRun('wohngeld-a11y', T0 + HOUR, 'fail', [
    rule('button-name', 'critical', [node('btn-1'), node('btn-2'), node('btn-3', true)]),
    rule('color-contrast', 'serious', [node('footer')]),
    rule('region', 'minor', [node('banner', true)]),
  ]);
  // Its documents: a PDF/UA claim that fails the machine checks, a form with unnamed
  // fields whose title a hostile site wrote; and the BITV signals of the same service.
  const pdf = { format: 'pdf', bytes: 40_000, pages: 2, fonts: 1, images: 0 } as const;
  latest.a11y!.documents = [
    {
      ...pdf,
      url: 'https://wohngeld-a11y.example.de/vollmacht.pdf',
      class: 'pdfua',
      tagged: true,
      formFields: 0,
      pdfuaPart: 1,
      pdfuaProblems: [
        '7.3: a Figure has no alternative text',
        '7.21.4.1: font Helvetica is not embedded',
      ],
      lang: 'de-DE',
      title: 'Vollmacht',
    },
    {
      ...pdf,
      url: 'https://wohngeld-a11y.example.de/antrag.pdf',
      // Known by the linked address; the file was served from where it redirected.
      finalUrl: 'https://wohngeld-a11y.example.de/dl/antrag-2026.pdf',
      class: 'untagged',
      tagged: false,
      formFields: 3,
      formFieldsUnnamed: 2,
      title: `Antrag ${XSS}`,
    },
  ];
  latest.bitv = {
    signals: {
      statement_link: {
        value: 1,
        evidence: '"Erklärung zur Barrierefreiheit" → /barrierefreiheit',
      },
      leichte_sprache: { value: 0, evidence: `kein Link ${XSS}` },
    },
    statementAgeDays: 400,
  };
  store.save(latest);

  // wohngeld-mb: a baseline at level 3, then a paper form appears (its evidence is hostile).
  store.save(result('wohngeld-mb', T0, 'pass', { mediaBreaks: mediaBreaks(3, []) }));
  store.save(
    result('wohngeld-mb', T0 + HOUR, 'fail', {
      reason: 'media_breaks',
      mediaBreaks: mediaBreaks(2, [
        {
          kind: 'paper-form',
          evidence: {
            text: `Formular ausdrucken ${XSS}`,
            url: 'https://wohngeld-mb.example.de/antrag',
            selector: 'main p',
          },
          confidence: 0.9,
        },
      ]),
    }),
  );

  store.save(result('hund-b-mb', T0, 'pass', { mediaBreaks: mediaBreaks(4, [], true) }));
  store.save(result('hund-b-xss', T0, 'fail', { message: `Fehlerseite ${XSS}` }));
  store.save(result('hund-b-broken', T0, 'error', { message: 'DNS-Auflösung fehlgeschlagen' }));

  // portal-b-a11y: the latest run broke off; the badge comes from the run before.
  store.save(a11yRun('portal-b-a11y', T0, 'pass', []));
  store.save(result('portal-b-a11y', T0 + HOUR, 'error', { message: 'navigation timeout' }));
}

let dir: string;
let store: SqliteStore;
let open: RunningServer;
let guarded: RunningServer;
let viewer: Browser;
let serverOptions: Parameters<typeof startServer>[0];

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'ozgwatch-overview-'));
  store = openSqliteStore({ path: path.join(dir, 'store.db'), logger: pino({ level: 'silent' }) });
  seed(store);
  await store.flush();
  const options = (serverOptions = {
    host: '127.0.0.1',
    port: 0,
    logger: pino({ level: 'silent' }),
    metrics: buildMetrics(),
    store,
    probes: loaded,
    nextRunAt: () => undefined,
    ready: () => true,
    // Shortly after the last seeded runs: what is stale then is fixed, whatever today is.
    now: () => T0 + 5 * HOUR,
  });
  open = await startServer(options);
  guarded = await startServer({ ...options, token: TOKEN });
  const executablePath = await chromiumExecutable();
  viewer = await chromium.launch({
    ...(executablePath ? { executablePath } : {}),
    args: CHROMIUM_ARGS,
  });
}, 30_000);

afterAll(async () => {
  await viewer?.close();
  await open?.close();
  await guarded?.close();
  await store?.close();
  await rm(dir, { recursive: true, force: true });
});

/** Opens a page of the open server; the dialog handler catches any script that ran. */
async function visit(route: string, run: (page: Page) => Promise<void>): Promise<void> {
  const context = await viewer.newContext();
  const dialogs: string[] = [];
  try {
    const page = await context.newPage();
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    const response = await page.goto(`${open.url}${route}`);
    expect(response?.status(), route).toBe(200);
    await run(page);
    // Nothing a watched site wrote became an element or ran.
    expect(await page.locator('script, b').count(), route).toBe(0);
    expect(dialogs, route).toEqual([]);
    expect(await axeViolations(page), route).toEqual([]);
  } finally {
    await context.close();
  }
}

/** The rows of the overview as `county | service | cells…`. */
async function overviewRows(page: Page): Promise<string[]> {
  const lines: string[] = [];
  for (const section of await page.locator('main section').all()) {
    const county = await section.locator('h2').innerText();
    const services = await section.locator('h3').allInnerTexts();
    const tables = await section.locator('table').all();
    for (const [i, table] of tables.entries()) {
      for (const row of await table.locator('tbody tr').all()) {
        const cells = await row.locator('th, td').allInnerTexts();
        lines.push([county, services[i], ...cells].join(' | ').replace(/\s+/g, ' '));
      }
    }
  }
  return lines;
}

/** The first cells of each body row of a table. */
async function cells(table: Locator, columns: number): Promise<string[][]> {
  const rows: string[][] = [];
  for (const row of await table.locator('tbody tr').all()) {
    rows.push((await row.locator('th, td').allInnerTexts()).slice(0, columns));
  }
  return rows;
}

describe('overview at /', () => {
  it('the API names a probe stale whose last run is older than three of its intervals', async () => {
    const probes = (await (await fetch(`${open.url}/api/probes`)).json()) as {
      id: string;
      stale: boolean;
    }[];
    expect(probes.filter((p) => p.stale).map((p) => p.id)).toEqual(['hund-b-broken']);
    // Never run is not stale without a time since when it has had its schedule.
    expect(probes.find((p) => p.id === 'portal-b-new')?.stale).toBe(false);
  });

  it('names a probe stale that has not run since it got its daily schedule three days ago', async () => {
    const since = (days: number) =>
      startServer({
        ...serverOptions,
        scheduledSince: (id) =>
          id === 'portal-b-new' ? T0 + 5 * HOUR - days * 24 * HOUR : undefined,
      });
    for (const [days, stale] of [
      [2.9, false],
      [3.1, true],
    ] as const) {
      const server = await since(days);
      try {
        const probes = (await (await fetch(`${server.url}/api/probes`)).json()) as {
          id: string;
          stale: boolean;
        }[];
        expect([days, probes.find((p) => p.id === 'portal-b-new')?.stale]).toEqual([days, stale]);
        const overview = await (await fetch(`${server.url}/`)).text();
        expect(overview.includes('noch kein Lauf<br><strong>veraltet:</strong>')).toBe(stale);
      } finally {
        await server.close();
      }
    }
  });

  it('groups probes by county and service, shows state, last run and badges', async () => {
    await visit('/', async (page) => {
      expect(await page.locator('h1').count()).toBe(1);
      expect(await page.locator('html').getAttribute('lang')).toBe('de');
      const summary = await page.locator('dl.summary').innerText();
      expect(summary.replace(/\s+/g, ' ')).toBe(
        'Prüfungen 9 Derzeit fehlgeschlagen 3 Bestanden 3 Prüfung nicht möglich 2 Noch ohne Lauf 1 Veraltet (läuft derzeit nicht) 1',
      );
      const when = (ms: number): string =>
        new Date(ms)
          .toISOString()
          .replace('T', ' ')
          .replace(/\.\d+Z$/, ' UTC');
      expect(await overviewRows(page)).toEqual([
        `Gebiet: kreis-a | Leistung: kfz | Anmeldung Kreis A | http | bestanden letzter Lauf: fehlgeschlagen, noch nicht bestätigt status 503 ∈ [200] | ${when(T0 + 4 * HOUR)} | nicht geprüft | nicht geprüft`,
        `Gebiet: kreis-a | Leistung: kfz | Kfz-Zulassung Kreis A | http | bestanden | ${when(T0 + 4 * HOUR)} | nicht geprüft | nicht geprüft`,
        `Gebiet: kreis-a | Leistung: wohngeld | Wohngeld barrierefrei | a11y | fehlgeschlagen status 503 ∈ [200] | ${when(T0 + HOUR)} | 2 kritisch, 1 schwer; 2 ausgenommen | nicht geprüft`,
        `Gebiet: kreis-a | Leistung: wohngeld | Wohngeld Medienbrüche | media-breaks | fehlgeschlagen status 503 ∈ [200] | ${when(T0 + HOUR)} | nicht geprüft | Reifegrad 2 (geschätzt), 1 Medienbruch`,
        `Gebiet: stadt-b | Leistung: hundesteuer | Hundesteuer ${XSS} | http | fehlgeschlagen Fehlerseite ${XSS} | ${when(T0)} | nicht geprüft | nicht geprüft`,
        `Gebiet: stadt-b | Leistung: hundesteuer | Hundesteuer digital | media-breaks | bestanden | ${when(T0)} | nicht geprüft | Reifegrad 4 (geschätzt), Ende-zu-Ende digital`,
        `Gebiet: stadt-b | Leistung: hundesteuer | Hundesteuer Formular | http | Prüfung nicht möglich DNS-Auflösung fehlgeschlagen veraltet: drei fällige Läufe ohne Ergebnis | ${when(T0)} | nicht geprüft | nicht geprüft`,
        `Gebiet: stadt-b | Leistung: portal | Portal B barrierefrei | a11y | Prüfung nicht möglich navigation timeout | ${when(T0 + HOUR)} | keine Verstöße aus dem Lauf ${when(T0)} | nicht geprüft`,
        `Gebiet: stadt-b | Leistung: portal | Portal B neu | http | noch kein Lauf | – | nicht geprüft | nicht geprüft`,
      ]);
      // Each service is a table with a caption and header cells that say what they head.
      expect(await page.locator('section > h3').count()).toBe(4);
      expect(await page.locator('table:not(:has(caption))').count()).toBe(0);
      expect(await page.locator('th:not([scope])').count()).toBe(0);
      // Names link to the probe page, times to the run page.
      const row = page.locator('tr', { hasText: 'Kfz-Zulassung Kreis A' });
      expect(
        await row.getByRole('link', { name: 'Kfz-Zulassung Kreis A' }).getAttribute('href'),
      ).toBe('/probes/kfz-a');
      expect(
        await row.getByRole('link', { name: when(T0 + 4 * HOUR) }).getAttribute('href'),
      ).toMatch(/^\/runs\/run-\d+$/);
    });
  });

  it('moves the JSON endpoint list to /api', async () => {
    const res = await fetch(`${open.url}/api`);
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    const body = (await res.json()) as { endpoints: string[] };
    expect(body.endpoints).toEqual(
      expect.arrayContaining([
        '/',
        '/api',
        '/api/probes',
        '/reports',
        '/runs/{id}/artifacts/{name}',
      ]),
    );
    const root = await fetch(`${open.url}/`);
    expect(root.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(root.headers.get('content-security-policy')).toMatch(/default-src 'none'/);
  });

  it('needs the token for /, /api and the pages; health and metrics stay open', async () => {
    for (const route of ['/', '/api', '/api/probes', '/probes/kfz-a']) {
      expect((await fetch(`${guarded.url}${route}`)).status, route).toBe(401);
      const wrong = { headers: { authorization: 'Bearer wrong-token-of-some-length' } };
      expect((await fetch(`${guarded.url}${route}`, wrong)).status, route).toBe(401);
      const right = { headers: { authorization: `Bearer ${TOKEN}` } };
      expect((await fetch(`${guarded.url}${route}`, right)).status, route).toBe(200);
    }
    for (const route of ['/healthz', '/readyz', '/metrics']) {
      expect((await fetch(`${guarded.url}${route}`)).status, route).toBe(200);
    }
  });
});

describe('probe page', () => {
  it('shows the availability of the shown runs', async () => {
    await visit('/probes/kfz-a', async (page) => {
      const text = await page.locator('main').innerText();
      expect(text).toContain(
        'Verfügbarkeit in den unten gezeigten Läufen: 66,7 % (2 von 3 Läufen erfolgreich). Nicht mitgezählt: 2 Läufe im Wartungsfenster oder ohne Prüfergebnis.',
      );
      expect(await page.locator('table').count()).toBe(1);
      expect(await page.locator('tbody tr').count()).toBe(5);
    });
  });

  it('lists accessibility findings, open first, waived ones marked', async () => {
    await visit('/probes/wohngeld-a11y', async (page) => {
      // A scan fails on findings: its share of passed runs is not called availability.
      expect(await page.locator('h2').first().innerText()).toBe('Bestandene Läufe');
      expect(await page.locator('main').innerText()).toContain(
        '5 offen (davon 2 ausgenommen), 1 behoben.',
      );
      const table = page.locator('table', { has: page.locator('caption', { hasText: 'Befunde' }) });
      expect(await cells(table, 4)).toEqual([
        ['button-name', 'kritisch', 'https://wohngeld-a11y.example.de/antrag', 'offen'],
        ['button-name', 'kritisch', 'https://wohngeld-a11y.example.de/antrag', 'offen'],
        [
          'button-name',
          'kritisch',
          'https://wohngeld-a11y.example.de/antrag',
          'offen, ausgenommen',
        ],
        ['color-contrast', 'schwer', 'https://wohngeld-a11y.example.de/antrag', 'offen'],
        ['region', 'gering', 'https://wohngeld-a11y.example.de/antrag', 'offen, ausgenommen'],
        ['image-alt', 'schwer', 'https://wohngeld-a11y.example.de/antrag', 'behoben'],
      ]);
    });
  });

  it('lists media-break changes, the hostile evidence as text', async () => {
    await visit('/probes/wohngeld-mb', async (page) => {
      const table = page.locator('table', {
        has: page.locator('caption', { hasText: 'Änderungen' }),
      });
      const text = await table.locator('tbody').innerText();
      expect(text).toContain('neu: Papierformular');
      expect(text).toContain(`„Formular ausdrucken ${XSS}“`);
      expect(text).toContain('Reifegrad 3 → 2 (geschätzt)');
    });
  });

  it("shows on an accessibility run's page what it found: pages, documents, BITV signals", async () => {
    const [run] = await store.runs({ probeId: 'wohngeld-a11y', limit: 1 });
    await visit(`/runs/${run!.runId}`, async (page) => {
      const pages = page.locator('table', {
        has: page.locator('caption', { hasText: 'Geprüfte Seiten' }),
      });
      // 3 critical of which 1 waived, 1 serious, 1 minor waived.
      expect(await cells(pages, 7)).toEqual([
        ['https://wohngeld-a11y.example.de/antrag', '2', '1', '0', '0', '2', '0'],
      ]);
      const documents = page.locator('table', {
        has: page.locator('caption', { hasText: 'Verlinkte Dokumente' }),
      });
      const rows = await cells(documents, 6);
      expect(rows[0]!.slice(0, 3)).toEqual([
        'https://wohngeld-a11y.example.de/vollmacht.pdf',
        'PDF/UA',
        'erklärt, nicht bestanden (7.3, 7.21.4.1)\n7.3: a Figure has no alternative text\n7.21.4.1: font Helvetica is not embedded',
      ]);
      // The checks' own words are English, and marked so.
      expect(await documents.locator('ul[lang="en"] li').count()).toBe(2);
      expect(rows[1]).toEqual([
        'https://wohngeld-a11y.example.de/antrag.pdf\nweitergeleitet zu https://wohngeld-a11y.example.de/dl/antrag-2026.pdf',
        'ohne Struktur',
        '–',
        `Antrag ${XSS}`,
        '',
        '3, davon 2 ohne Namen',
      ]);
      const bitv = page.locator('table', {
        has: page.locator('caption', { hasText: 'BITV' }),
      });
      expect(await cells(bitv, 3)).toEqual([
        [
          'Erklärung verlinkt (Startseite)',
          'erfüllt',
          '"Erklärung zur Barrierefreiheit" → /barrierefreiheit',
        ],
        ['Leichte Sprache', 'nicht erfüllt', `kein Link ${XSS}`],
      ]);
      expect(await page.locator('main').innerText()).toContain('Alter der Erklärung (Tage): 400');
    });
  });

  it("shows on a media-break run's page the maturity and each break with its evidence", async () => {
    const [run] = await store.runs({ probeId: 'wohngeld-mb', limit: 1 });
    await visit(`/runs/${run!.runId}`, async (page) => {
      const main = await page.locator('main').innerText();
      expect(main).toContain('Geschätzter OZG-Reifegrad 2 (aus Sicht der Bürgerinnen und Bürger)');
      expect(main).toContain(
        `Papierformular: „Formular ausdrucken ${XSS}“ auf https://wohngeld-mb.example.de/antrag`,
      );
    });
  });

  it("shows on an HTTP run's page the address asked for, where redirects led, and the phases", async () => {
    // Older than the seeded runs, so what the other cases see stays as it was.
    const timedOut = result('kfz-a-portal', T0 - 2 * HOUR, 'fail', {
      reason: 'timeout',
      message: 'timeout while waiting for the first byte',
      phases: { resolve: 0.004, connect: 0.012, tls: 0.031, processing: 4.953, transfer: 0 },
      http: {
        status: 0,
        // Where a redirect led is the site's choice: hostile text, never a link.
        finalUrl: `https://kfz-a-portal.example.de/weiter?${XSS}`,
        redirects: [{ url: 'https://kfz-a-portal.example.de/', status: 302 }],
        bodyBytes: 0,
        remoteAddress: '192.0.2.10',
      },
    });
    const passed = result('kfz-a-portal', T0 - 3 * HOUR, 'pass', {
      phases: { resolve: 0.004, connect: 0.012, tls: 0.031, processing: 0.152, transfer: 0.006 },
      http: {
        status: 200,
        httpVersion: '2',
        finalUrl: 'https://kfz-a-portal.example.de/',
        redirects: [],
        bodyBytes: 12_000,
      },
      warnings: [`IPv6 ::1 refused the connection <${XSS}>; connected over IPv4 127.0.0.1`],
    });
    store.save(timedOut);
    store.save(passed);
    await store.flush();
    const details = async (page: Page): Promise<string[]> => {
      const dl = page.locator('h2:text-is("HTTP") + dl');
      const terms = await dl.locator('dt').allInnerTexts();
      const values = await dl.locator('dd').allInnerTexts();
      return terms.map((t, i) => `${t}: ${values[i]}`);
    };

    await visit(`/runs/${timedOut.runId}`, async (page) => {
      expect(await details(page)).toEqual([
        'Angefragte Adresse: https://kfz-a-portal.example.de/',
        'Weiterleitungen: 1 (302)',
        `Ziel der Weiterleitungen: https://kfz-a-portal.example.de/weiter?${XSS}`,
        'Antwort: keine Antwort erhalten von 192.0.2.10',
      ]);
      expect(await page.locator('a[href*="example.de"]').count()).toBe(0);
      const phases = page.locator('table', {
        has: page.locator('caption', { hasText: 'Dauer je Phase' }),
      });
      expect(await cells(phases, 2)).toEqual([
        ['resolve', '0,004 s'],
        ['connect', '0,012 s'],
        ['tls', '0,031 s'],
        ['processing', '4,953 s'],
        ['transfer', '0,000 s'],
      ]);
      expect(await page.locator('main').innerText()).toContain(
        'Bricht ein Lauf ab, zählt die Phase, in der er war, bis zum Abbruch',
      );
      expect(await page.locator('h2:text-is("Hinweise")').count()).toBe(0);
    });

    await visit(`/runs/${passed.runId}`, async (page) => {
      expect(await details(page)).toEqual([
        'Angefragte Adresse: https://kfz-a-portal.example.de/',
        'Antwort: Status 200, HTTP/2',
      ]);
      expect(await page.locator('main').innerText()).not.toContain('Bricht ein Lauf ab');
      // A passing run's warning is shown, as text.
      expect(await page.locator('h2:text-is("Hinweise") + p + ul li').allInnerTexts()).toEqual([
        `IPv6 ::1 refused the connection <${XSS}>; connected over IPv4 127.0.0.1`,
      ]);
    });
  });

  it('shows the certificate of a run that failed on it', async () => {
    const expired = result('kfz-a-portal', T0 - 4 * HOUR, 'fail', {
      reason: 'cert_invalid',
      message: 'certificate not trusted: CERT_HAS_EXPIRED',
      http: {
        status: 0,
        finalUrl: 'https://kfz-a-portal.example.de/',
        redirects: [],
        bodyBytes: 0,
      },
      tls: {
        earliestExpiry: T0 - 30 * HOUR,
        daysLeft: -1.1,
        subject: `CN=kfz-a-portal.example.de ${XSS}`,
        issuer: 'CN=Beispiel-CA',
        subjectAltNames: ['kfz.example.de'],
        hostnameMatch: false,
        authorized: false,
        authorizationError: 'CERT_HAS_EXPIRED',
      },
    });
    store.save(expired);
    await store.flush();
    await visit(`/runs/${expired.runId}`, async (page) => {
      const dl = page.locator('h3:text-is("Zertifikat") + dl');
      const terms = await dl.locator('dt').allInnerTexts();
      const values = await dl.locator('dd').allInnerTexts();
      expect(terms.map((t, i) => `${t}: ${values[i]}`)).toEqual([
        `Ablauf: abgelaufen am ${pageWhen(T0 - 30 * HOUR)}`,
        'Prüfung: passt nicht zum Hostnamen; nicht vertrauenswürdig (CERT_HAS_EXPIRED)',
        `Inhaber: CN=kfz-a-portal.example.de ${XSS}`,
        'Aussteller: CN=Beispiel-CA',
        'Namen im Zertifikat: kfz.example.de',
      ]);
    });
  });

  it('shows the hostile name and message as text', async () => {
    await visit('/probes/hund-b-xss', async (page) => {
      expect(await page.locator('h1').innerText()).toBe(`Hundesteuer ${XSS}`);
      expect(await page.locator('tbody').innerText()).toContain(`Fehlerseite ${XSS}`);
    });
  });

  it(`shows at most ${MAX_FINDING_ROWS} findings and says so`, () => {
    const findings: FindingRecord[] = Array.from({ length: MAX_FINDING_ROWS + 50 }, (_, i) => ({
      probeId: 'p',
      occurrence: `o${i}`,
      pattern: `p${i}`,
      ruleId: 'button-name',
      impact: 'critical',
      page: 'https://example.de/',
      selector: 'button',
      firstSeen: T0,
      lastSeen: T0,
      state: i % 2 === 0 ? 'open' : 'fixed',
      fixedAt: i % 2 === 0 ? null : T0 + HOUR,
      reopened: 0,
    }));
    const html = renderProbePage(
      { id: 'p', name: 'P', kind: 'a11y', service: 's', county: 'c' },
      [],
      { findings },
    );
    expect(html.match(/<tr><th scope="row"><code>button-name/g)).toHaveLength(MAX_FINDING_ROWS);
    expect(html).toContain(
      `Gezeigt werden ${MAX_FINDING_ROWS} von ${MAX_FINDING_ROWS + 50} Befunden`,
    );
    // Open ones first: all 125 open rows come before the first fixed one.
    const states = [...html.matchAll(/<td>(offen|behoben)<\/td>/g)].map((m) => m[1]);
    expect(states.indexOf('behoben')).toBe(125);
  });
});
