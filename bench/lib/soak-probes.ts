/**
 * The probes and daemon settings of `npm run soak`: an hour of a small county's monitoring
 * compressed into minutes. The HTTP probes run every second instead of every minute, the
 * journeys every 5–10 s, the accessibility scans every 30 s; about a fifth of it fails in the
 * ways real services fail, so that error paths (timeouts, resets, evidence files) are soaked
 * as much as the happy one.
 */

/** How many HTTP probes of each case, and what the case's URL path is on the fixture portal. */
export const HTTP_CASES: readonly { name: string; path: string; probes: number }[] = [
  { name: 'ok', path: '/', probes: 70 },
  { name: 'ok-page', path: '/hundesteuer', probes: 3 },
  // Two hops, then the start page: a pass that exercises the redirect path.
  { name: 'redirect', path: '/redirect/2', probes: 5 },
  { name: 'status-500', path: '/status/500', probes: 8 },
  // Never answered: the run ends at its deadline (below the 1 s interval).
  { name: 'hang', path: '/hang', probes: 5 },
  { name: 'reset', path: '/reset', probes: 4 },
  { name: 'garbage', path: '/garbage', probes: 2 },
  { name: 'soft-404', path: '/soft-404', probes: 2 },
];

/** Probes against a port where nothing listens (connection refused). */
export const REFUSED_PROBES = 1;

export const HTTP_PROBES = HTTP_CASES.reduce((sum, c) => sum + c.probes, 0) + REFUSED_PROBES;

/** Journeys: id suffix, interval, and whether the fixture makes them fail. */
export const JOURNEYS: readonly { id: string; every: string; fails: boolean }[] = [
  { id: 'wohngeld', every: '5s', fails: false },
  { id: 'wohngeld-formular', every: '10s', fails: false },
  { id: 'hundesteuer-cookie', every: '10s', fails: false },
  // The portal renamed the link: the step fails and the run keeps screenshot, HTML and trace.
  { id: 'kfz-umbenannt', every: '10s', fails: true },
];

export const A11Y_EVERY = '30s';

export interface SoakSetup {
  /** File name → YAML text, written into the probes folder. */
  probeFiles: Map<string, string>;
  /** The daemon's config file (YAML). */
  config: string;
}

export interface SoakSettings {
  /** Fixture portal, `http://127.0.0.1:PORT` without a trailing slash. */
  portal: string;
  /** `http://127.0.0.1:PORT` where nothing listens. */
  refused: string;
  probesDir: string;
  dataDir: string;
  /** Replace Chromium after this many contexts; see {@link soakSetup}. */
  restartAfterRuns: number;
}

const yamlString = (s: string): string => JSON.stringify(s);

function httpProbes(portal: string, refused: string): string {
  const lines: string[] = [];
  let n = 0;
  const add = (url: string, service: string): void => {
    const id = `soak-http-${String(n++).padStart(3, '0')}`;
    lines.push(
      `- id: ${id}`,
      `  name: ${yamlString(`Soak HTTP ${id} (${service})`)}`,
      `  kind: http`,
      `  every: 1s`,
      // Shorter than the interval, as the schema demands; long enough for a local answer.
      `  timeout: 800ms`,
      `  labels: { service: ${service}, county: soak }`,
      `  http: { url: ${yamlString(url)} }`,
    );
  };
  for (const c of HTTP_CASES) {
    for (let i = 0; i < c.probes; i++) {
      // A query per probe: distinct URLs as distinct services would have, same page.
      add(`${portal}${c.path}${c.path.includes('?') ? '&' : '?'}probe=${n}`, c.name);
    }
  }
  for (let i = 0; i < REFUSED_PROBES; i++) add(`${refused}/`, 'refused');
  return `${lines.join('\n')}\n`;
}

function journeySteps(portal: string, id: string): string[] {
  switch (id) {
    case 'wohngeld':
      return [
        `      - { name: start, goto: ${yamlString(`${portal}/dienste/wohngeld/`)} }`,
        `      - { name: antrag, click: { role: link, name: Online beantragen } }`,
        `      - { name: formular, expectText: Schritt 1 von 2 }`,
      ];
    case 'wohngeld-formular':
      return [
        `      - { name: formular, goto: ${yamlString(`${portal}/dienste/wohngeld/antrag/schritt-1`)} }`,
        `      - { name: vorname, fill: { label: Vorname, value: Erika } }`,
        `      - { name: nachname, fill: { label: Nachname, value: Mustermann } }`,
        `      - { name: haushalt, select: { label: Haushaltsgröße, value: "2" } }`,
        `      - { name: datenschutz, check: { label: Ich habe die Datenschutzhinweise gelesen } }`,
        `      - { name: weiter, click: { role: button, name: Weiter } }`,
        `      - { name: zusammenfassung, expectText: Zusammenfassung }`,
      ];
    case 'hundesteuer-cookie':
      return [
        `      - { name: start, goto: ${yamlString(`${portal}/dienste/cookie/`)} }`,
        `      - { name: cookies, click: { role: button, name: Alle akzeptieren } }`,
        `      - { name: antrag, click: { role: link, name: Online beantragen } }`,
        `      - { name: formular, expectText: Schritt 1 von 2 }`,
      ];
    case 'kfz-umbenannt':
      return [
        `      - { name: start, goto: ${yamlString(`${portal}/dienste/kfz/`)} }`,
        `      - { name: antrag, click: { role: link, name: Online beantragen } }`,
        `      - { name: formular, expectText: Schritt 1 von 2 }`,
      ];
    default:
      throw new Error(`no steps for journey ${id}`);
  }
}

function journeyProbes(portal: string): string {
  const lines: string[] = [];
  for (const j of JOURNEYS) {
    const everyS = Number(j.every.replace('s', ''));
    lines.push(
      `- id: soak-journey-${j.id}`,
      `  name: ${yamlString(`Soak journey ${j.id}`)}`,
      `  kind: browser`,
      `  every: ${j.every}`,
      // Below the interval; a journey on the fixture takes 1–3 s when the browser pool is free.
      `  timeout: ${everyS - 1}s`,
      `  labels: { service: ${j.id}, county: soak }`,
      `  browser:`,
      // A failing step should fail well within the run's deadline, so its evidence is written.
      `    stepTimeout: 2s`,
      `    steps:`,
      ...journeySteps(portal, j.id),
    );
  }
  return `${lines.join('\n')}\n`;
}

function a11yProbes(portal: string): string {
  const probe = (id: string, pages: string[]): string[] => [
    `- id: soak-a11y-${id}`,
    `  name: ${yamlString(`Soak accessibility ${id}`)}`,
    `  kind: a11y`,
    `  every: ${A11Y_EVERY}`,
    `  timeout: 20s`,
    `  labels: { service: a11y-${id}, county: soak }`,
    `  a11y:`,
    `    urls: [${pages.map((p) => yamlString(`${portal}${p}`)).join(', ')}]`,
    `    pageTimeout: 5s`,
  ];
  return `${[
    ...probe('ok', ['/a11y/ok']),
    ...probe('maengel', ['/a11y/bild-ohne-alt', '/a11y/formular-ohne-label', '/a11y/kontrast']),
  ].join('\n')}\n`;
}

/**
 * The probe files and daemon config. Everything not set here is the daemon's default,
 * with these exceptions and their reasons:
 * - `perHost: 256`: one local portal stands for a hundred services; the default of 2
 *   would measure the per-host limit, not the daemon (as in bench/scale.ts).
 * - `browser.restartAfterRuns`: low, so that the soak sees Chromium replaced several
 *   times and can tell whether old browsers really go away.
 * - `artifacts.retention: 2m`: short, as the brief allows. Retention runs once an hour
 *   (src/main.ts), so in a 10-minute soak it never prunes; the evidence just accumulates.
 * - `shutdownGrace: 5s`: the stop at the end is part of the measured behaviour.
 */
export function soakSetup(s: SoakSettings): SoakSetup {
  const config = [
    `probes: ${yamlString(s.probesDir)}`,
    `dataDir: ${yamlString(s.dataDir)}`,
    `server: { host: 127.0.0.1, port: 0 }`,
    `instance: soak`,
    `log: { level: info, format: json }`,
    `concurrency: { perHost: 256 }`,
    `browser: { restartAfterRuns: ${s.restartAfterRuns} }`,
    `artifacts: { retention: 2m }`,
    `shutdownGrace: 5s`,
  ].join('\n');
  return {
    probeFiles: new Map([
      ['http.yaml', httpProbes(s.portal, s.refused)],
      ['journeys.yaml', journeyProbes(s.portal)],
      ['a11y.yaml', a11yProbes(s.portal)],
    ]),
    config: `${config}\n`,
  };
}
