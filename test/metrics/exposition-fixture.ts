import type { Metrics } from '../../src/metrics/metrics.ts';
import { DEFAULT_METRIC_GROUPS } from '../../src/metrics/catalogue.ts';
import { probeSchema, type Probe } from '../../src/probes/schema.ts';
import type { Result } from '../../src/results/result.ts';
import { buildMetrics, failedResult, NOW, probe, result, samples } from './helpers.ts';

/**
 * A fixed world for the golden and promtool tests: an HTTPS probe that passed, one that
 * failed without a response, one whose run fell into a maintenance window, and a little
 * of the daemon's own activity.
 */
export function fixtureMetrics(): Metrics {
  const metrics = buildMetrics();
  const ok = probe('kfz-ludwigsburg', {
    name: 'Kfz-Zulassung Ludwigsburg',
    ags: '08118000',
    leika: '99036008261000',
    adminLevel: 'kreis',
  });
  const down = probe('bauantrag-ulm', {
    name: 'Bauantrag "digital" Ulm',
    labels: { service: 'bauantrag', county: 'ulm' },
  });
  const maint = probe('service-bw-start', {
    every: '5m',
    labels: { service: 'service-bw', county: 'land-bw' },
  });
  const journey = probeSchema.parse({
    id: 'wohngeld-journey',
    name: 'Wohngeld online beantragen',
    kind: 'browser',
    every: '15m',
    labels: { service: 'wohngeld', county: 'ludwigsburg' },
    browser: { steps: [{ goto: 'https://example.de/wohngeld' }] },
  });
  const a11y = probeSchema.parse({
    id: 'portal-a11y',
    name: 'Bürgerservice barrierefrei',
    kind: 'a11y',
    every: '1d',
    labels: { service: 'portal', county: 'ludwigsburg' },
    a11y: { urls: ['https://example.de/', 'https://example.de/kfz'] },
  });
  const bitv = probeSchema.parse({
    id: 'portal-bitv',
    name: 'Bürgerservice BITV',
    kind: 'bitv',
    every: '1d',
    labels: { service: 'portal', county: 'ludwigsburg' },
    bitv: { url: 'https://example.de/' },
  });
  const audit = probeSchema.parse({
    id: 'portal-lighthouse',
    name: 'Bürgerservice (Lighthouse)',
    kind: 'lighthouse',
    every: '1d',
    timeout: '2m',
    labels: { service: 'portal', county: 'ludwigsburg' },
    lighthouse: { url: 'https://example.de/', categories: ['accessibility', 'performance', 'seo'] },
  });
  const media = probeSchema.parse({
    id: 'wohngeld-medienbrueche',
    name: 'Wohngeld – Medienbrüche',
    kind: 'media-breaks',
    every: '1d',
    labels: { service: 'wohngeld', county: 'ludwigsburg' },
    'media-breaks': { url: 'https://example.de/wohngeld' },
  });
  metrics.setProbes([ok, down, maint, journey, a11y, bitv, audit, media]);
  const { phases: _p, http: _h, tls: _t, ...mediaBase } = result(media);
  const evidence = {
    text: 'Drucken Sie den Antrag aus.',
    url: 'https://example.de/wohngeld',
    selector: 'main p',
  };
  metrics.record(media, {
    ...mediaBase,
    kind: 'media-breaks',
    status: 'fail',
    reportedStatus: 'fail',
    reason: 'media_breaks',
    mediaBreaks: {
      lexicon: 'de',
      breaks: [
        { kind: 'paper-form', evidence, confidence: 0.9 },
        { kind: 'postal-submission', evidence, confidence: 0.9 },
        { kind: 'in-person', evidence, confidence: 0.9, legallyMandated: true },
      ],
      maturity: {
        level: 1,
        basis: 'estimated, citizen-side',
        base: 2,
        because: [],
        cappedBy: 'paper-form',
      },
      endToEndDigital: false,
      signals: {
        info: true,
        assist: false,
        online: true,
        auth: false,
        upload: false,
        epayment: false,
        noFee: false,
        onceOnly: false,
        decisionDigital: false,
        pathSteps: 3,
      },
      path: {
        entry: 'Online beantragen',
        steps: 3,
        stoppedBecause: 'would-post',
        stoppedAt: 'POST https://example.de/absenden',
      },
      pages: ['https://example.de/wohngeld'],
      documents: [],
    },
  });
  const { phases: _phases, http: _http, tls: _tls, ...auditBase } = result(audit);
  metrics.record(audit, {
    ...auditBase,
    kind: 'lighthouse',
    lighthouse: {
      version: '13.5.0',
      url: 'https://example.de/',
      formFactor: 'desktop',
      // Lighthouse could not score SEO: no series for it.
      scores: { accessibility: 0.87, performance: 0.99, seo: null },
      metrics: { lcp: 1.2 },
    },
  });
  metrics.record(bitv, {
    ...result(bitv),
    kind: 'bitv',
    status: 'fail',
    reportedStatus: 'fail',
    reason: 'bitv_signals',
    bitv: {
      signals: {
        statement_link: { value: 1, evidence: '"Barrierefreiheit" → https://example.de/bf' },
        dgs: { value: 0, evidence: 'no link' },
      },
      statementAgeDays: 412,
    },
  });
  metrics.record(a11y, a11yResult(a11y));
  metrics.record(ok, result(ok));
  metrics.record(down, failedResult(down));
  metrics.record(maint, result(maint, { maintenance: true }));
  metrics.record(journey, journeyResult(journey));
  metrics.setBrowserVersion('156.0.8078.73');
  metrics.setBrowserContexts(1);
  metrics.browserRestarted('crash');
  metrics.runStarted('http');
  metrics.runSkipped('overlap');
  metrics.observeSchedulerLag(0.004);
  metrics.configReloaded(true, NOW);
  metrics.setStorePending(0);
  return metrics;
}

/** A journey that opened the start page, then failed at the button whose label changed. */
function journeyResult(p: Probe): Result {
  const { phases: _phases, http: _http, tls: _tls, ...base } = result(p);
  return {
    ...base,
    kind: 'browser',
    status: 'fail',
    reportedStatus: 'fail',
    reason: 'selector_missing',
    message: 'step "antrag-oeffnen": no link "Online beantragen"',
    steps: [
      {
        name: 'start',
        action: 'goto',
        status: 'pass',
        duration: 0.8,
        consoleErrors: [],
        pageErrors: [],
        failedRequests: 0,
      },
      {
        name: 'antrag-oeffnen',
        action: 'click',
        status: 'fail',
        duration: 10,
        consoleErrors: [],
        pageErrors: [],
        failedRequests: 0,
      },
      {
        name: 'weiter',
        action: 'click',
        status: 'skipped',
        duration: 0,
        consoleErrors: [],
        pageErrors: [],
        failedRequests: 0,
      },
    ],
    vitals: [
      { url: 'https://example.de/wohngeld', ttfb: 0.12, fcp: 0.4, lcp: 1.1, cls: 0.02 },
      { url: 'https://example.de/wohngeld/antrag', ttfb: 0.3, fcp: 0.5, lcp: 0.9, cls: 0.15 },
    ],
  };
}

/** The same unnamed search button on two pages, and an image without alt on one. */
function a11yResult(p: Probe): Result {
  const { phases: _phases, http: _http, tls: _tls, ...base } = result(p);
  const node = (occurrence: string, pattern: string) => ({
    target: ['button'],
    ancestry: ['html > body > form > button'],
    html: '<button>',
    occurrence,
    pattern,
  });
  const buttonName = (occurrence: string) => ({
    ruleId: 'button-name',
    impact: 'critical',
    tags: ['wcag2a', 'wcag412', 'EN-301-549', 'EN-9.4.1.2'],
    wcag: ['4.1.2'],
    en301549: ['9.4.1.2'],
    help: 'Buttons must have discernible text',
    helpUrl: 'https://dequeuniversity.com/rules/axe/4.10/button-name',
    nodes: [node(occurrence, 'p-button')],
  });
  return {
    ...base,
    kind: 'a11y',
    status: 'fail',
    reportedStatus: 'fail',
    reason: 'a11y_violations',
    message: '3 violation(s)',
    a11y: {
      engine: { name: 'axe-core', version: '4.14.1' },
      profile: 'en-301-549',
      documents: [
        {
          url: 'https://example.de/antrag.pdf',
          bytes: 120_000,
          class: 'scanned',
          pages: 2,
          tagged: false,
          formFields: 0,
          fonts: 0,
          images: 2,
        },
        {
          url: 'https://example.de/antrag.docx',
          format: 'docx',
          bytes: 30_000,
          class: 'tagged',
          pages: 1,
          tagged: true,
          formFields: 3,
          fonts: 0,
          images: 0,
        },
      ],
      pages: [
        {
          url: 'https://example.de/',
          seconds: 0.2,
          violations: [buttonName('o1')],
          incomplete: [],
          statementLink: '"Barrierefreiheit" → https://example.de/bf',
        },
        {
          url: 'https://example.de/kfz',
          seconds: 0.3,
          violations: [
            buttonName('o2'),
            {
              ...buttonName('o3'),
              ruleId: 'color-contrast',
              impact: 'serious',
              nodes: [node('o3', 'p-contrast')],
            },
          ],
          incomplete: [{ ...buttonName('o4'), ruleId: 'color-contrast', impact: 'serious' }],
          statementLink: null,
        },
      ],
    },
  };
}

/** Whether a family is one of prom-client's default process metrics. */
export function isDefaultMetric(name: string): boolean {
  return DEFAULT_METRIC_GROUPS.some((g) => name.startsWith(g.prefix));
}

/**
 * Names and label sets of an exposition, one per line, sorted, without sample values:
 * what dashboards and rules depend on. Values that vary by machine are normalised;
 * prom-client's default process metrics (which vary by platform) are left out.
 */
export function normalise(text: string): string {
  const lines = new Set<string>();
  for (const m of text.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
    if (!isDefaultMetric(m[1] as string)) lines.add(`# TYPE ${m[1]} ${m[2]}`);
  }
  for (const s of samples(text)) {
    if (isDefaultMetric(s.name)) continue;
    const labels = Object.entries(s.labels)
      .map(([k, v]) => [k, k === 'node_version' ? '<node>' : v] as const)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
      .join(',');
    lines.add(`${s.name}{${labels}}`);
  }
  return `${[...lines].sort().join('\n')}\n`;
}
