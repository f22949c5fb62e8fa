/**
 * The quarterly report at scale: 200 services, each with an hourly HTTP probe for a whole
 * quarter (2,209 runs each, 441,800 in all), a daily accessibility scan with findings that
 * come, go and are shared between services, weekly BITV and media-break checks, and a daily
 * journey for a quarter of them. `seedReportStore` writes that store (in its own process);
 * `reportFigures` renders the report from it in HTML, CSV and JSON and, apart, the PDF.
 */
import { stat } from 'node:fs/promises';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { generateReport } from '../src/report/generate.ts';
import { quarterPeriod } from '../src/report/period.ts';
import type { A11yFinding, A11yPage, Result, RunStatus } from '../src/results/result.ts';
import { startServer } from '../src/server/server.ts';
import { createMetrics } from '../src/metrics/metrics.ts';
import { openSqliteStore } from '../src/store/sqlite.ts';
import { watchStalls } from './lib/stall.ts';

const Q = quarterPeriod(2026, 4);
const HOUR = 3_600_000;
const DAY = 86_400_000;
const RULES = [
  ['color-contrast', 'serious', ['1.4.3']],
  ['image-alt', 'critical', ['1.1.1']],
  ['label', 'critical', ['1.3.1', '4.1.2']],
  ['link-name', 'serious', ['2.4.4', '4.1.2']],
  ['button-name', 'critical', ['4.1.2']],
  ['region', 'moderate', []],
  ['heading-order', 'moderate', []],
  ['html-has-lang', 'serious', ['3.1.1']],
] as const;

/** Deterministic pseudo-random numbers (mulberry32): the same store every time. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface SeedFigures {
  services: number;
  runs: number;
  seconds: number;
}

export async function seedReportStore(file: string, services: number): Promise<SeedFigures> {
  const started = performance.now();
  const store = openSqliteStore({
    path: file,
    logger: pino({ level: 'silent' }),
    maxPending: 1_000_000,
  });
  const rnd = random(42);
  let seq = 0;
  let runs = 0;
  const save = (
    probeId: string,
    kind: string,
    at: number,
    status: RunStatus,
    extra: Partial<Result> = {},
  ): void => {
    runs++;
    store.save({
      runId: `b${++seq}`,
      probeId,
      kind,
      startedAt: at,
      duration: 0.1,
      attempts: 1,
      maintenance: false,
      status,
      reportedStatus: status,
      message: status,
      assertions: [],
      ...extra,
    });
  };
  const probes = [];
  for (let s = 0; s < services; s++) {
    const county = `kreis-${String(s % 35).padStart(2, '0')}`;
    const service = `leistung-${String(s).padStart(3, '0')}`;
    for (const kind of [
      'http',
      'a11y',
      'bitv',
      'media-breaks',
      ...(s % 4 === 0 ? ['browser'] : []),
    ]) {
      probes.push({
        probeId: `${service}-${kind}`,
        name: `${service} ${kind}`,
        kind,
        service,
        county,
      });
    }
  }
  await store.registerProbes(probes, Q.to);

  for (let s = 0; s < services; s++) {
    const service = `leistung-${String(s).padStart(3, '0')}`;
    // Each service has 6 patterns of its own and the 2 shared ones (a common widget):
    // open windows inside the quarter, some open throughout.
    const patterns = RULES.map(([ruleId, impact, wcag], i) => {
      const shared = i < 2;
      const from = Q.from + Math.floor(rnd() * 60) * DAY - (rnd() < 0.4 ? 30 * DAY : 0);
      const to = rnd() < 0.5 ? from + Math.floor(10 + rnd() * 50) * DAY : Q.to + DAY;
      return {
        ruleId,
        impact,
        wcag,
        id: shared ? `shared-${ruleId}` : `${service}-${ruleId}`,
        from,
        to,
      };
    });
    for (let i = 0, at = Q.from + 60_000; at < Q.to; i++, at += HOUR) {
      const r = rnd();
      save(`${service}-http`, 'http', at, r < 0.005 ? 'fail' : r < 0.006 ? 'error' : 'pass', {
        maintenance: i % 168 === 3,
      });
    }
    for (let at = Q.from + 9 * HOUR; at < Q.to; at += DAY) {
      const pages: A11yPage[] = ['start', 'antrag', 'hilfe'].map((p) => {
        const url = `https://${service}.example/${p}`;
        const violations: A11yFinding[] = patterns
          .filter((pt) => at >= pt.from && at < pt.to)
          .map((pt) => ({
            ruleId: pt.ruleId,
            impact: pt.impact,
            tags: pt.wcag.map((sc) => `wcag${sc.replace(/\./g, '')}`),
            wcag: [...pt.wcag],
            en301549: pt.wcag.map((sc) => `9.${sc}`),
            help: pt.ruleId,
            helpUrl: `https://dequeuniversity.com/rules/axe/4.14/${pt.ruleId}`,
            nodes: [0, 1].map((n) => ({
              target: [`.c${n}`],
              ancestry: [`html > body > .c${n}`],
              html: `<div class="c${n}">`,
              occurrence: `${pt.id}|${url}|${n}`,
              pattern: pt.id,
            })),
          }));
        return { url, seconds: 0.4, violations, incomplete: [], statementLink: null };
      });
      save(`${service}-a11y`, 'a11y', at, 'fail', {
        a11y: {
          engine: { name: 'axe-core', version: '4.14.1' },
          profile: 'en-301-549',
          pages,
          documents: [
            {
              url: `https://${service}.example/antrag.pdf`,
              format: 'pdf',
              bytes: 1,
              class: s % 3 === 0 ? 'tagged' : 'scanned',
              pages: 2,
              tagged: s % 3 === 0,
              formFields: 0,
              fonts: 1,
              images: 1,
            },
          ],
        },
      });
      if (s % 4 === 0) {
        save(`${service}-browser`, 'browser', at + HOUR, 'pass', {
          steps: [
            {
              name: 'start',
              action: 'goto',
              status: 'pass',
              duration: 1,
              consoleErrors: [],
              pageErrors: [],
              failedRequests: 0,
            },
          ],
        });
      }
    }
    for (let at = Q.from + 10 * HOUR; at < Q.to; at += 7 * DAY) {
      save(`${service}-bitv`, 'bitv', at, 'fail', {
        bitv: {
          signals: {
            statement_link: { value: 1, evidence: '' },
            dgs: { value: s % 2 ? 1 : 0, evidence: '' },
          },
          statementAgeDays: 100,
        },
      });
      save(`${service}-media-breaks`, 'media-breaks', at, 'pass', {
        mediaBreaks: {
          lexicon: 'de',
          breaks:
            at > Q.from + 40 * DAY && s % 5 === 0
              ? [
                  {
                    kind: 'postal-submission',
                    evidence: { text: 'per Post', url: 'https://x', selector: 'p' },
                    confidence: 0.9,
                  },
                ]
              : [],
          maturity: { level: 3, basis: 'estimated, citizen-side', base: 3, because: [] },
          endToEndDigital: true,
          signals: {
            info: true,
            assist: true,
            online: true,
            auth: true,
            upload: true,
            epayment: true,
            noFee: false,
            onceOnly: false,
            decisionDigital: true,
            pathSteps: 1,
          },
          path: { steps: 1, stoppedBecause: 'would-post' },
          pages: [],
          documents: [],
        },
      });
    }
    // Bounded memory while seeding: commit each service's runs.
    await store.flush();
  }
  await store.close();
  return { services, runs, seconds: (performance.now() - started) / 1000 };
}

export interface ReportFigures {
  services: number;
  /** Seconds for HTML, CSV and JSON from the store. */
  seconds: number;
  /** Longest stall of the event loop meanwhile, in ms. */
  stallMs: number;
  /** Seconds for the PDF alone (collect again, render, print with Chromium). */
  pdfSeconds: number;
  htmlMb: number;
  pdfMb: number;
  findings: number;
}

export async function reportFigures(file: string, outDir: string): Promise<ReportFigures> {
  const store = openSqliteStore({ path: file, logger: pino({ level: 'silent' }) });
  try {
    const started = performance.now();
    const { value: report, stallMs } = await watchStalls(() =>
      generateReport(store, { period: Q, formats: ['html', 'csv', 'json'], lang: 'de', outDir }),
    );
    const seconds = (performance.now() - started) / 1000;
    const pdfStarted = performance.now();
    const pdfReport = await generateReport(store, {
      period: Q,
      formats: ['pdf'],
      lang: 'de',
      outDir,
    });
    const pdf = await stat(pdfReport.files[0] as string);
    return {
      services: report.model.services.length,
      seconds,
      stallMs,
      pdfSeconds: (performance.now() - pdfStarted) / 1000,
      htmlMb: Buffer.byteLength(report.html) / 2 ** 20,
      pdfMb: pdf.size / 2 ** 20,
      findings: report.model.appendix.length,
    };
  } finally {
    await store.close();
  }
}

export interface DaemonReportFigures {
  /** Seconds from sending the `/reports` form to the redirect to the report. */
  seconds: number;
  /** Longest stall of the daemon's event loop meanwhile, in ms. */
  stallMs: number;
}

/**
 * The same report made through the daemon's `/reports` form (HTML, CSV, JSON), which makes
 * it in a worker thread: how long the daemon's own event loop stalls meanwhile.
 */
export async function reportInDaemon(file: string, outDir: string): Promise<DaemonReportFigures> {
  const logger = pino({ level: 'silent' });
  const store = openSqliteStore({ path: file, logger });
  const server = await startServer({
    host: '127.0.0.1',
    port: 0,
    logger,
    metrics: createMetrics({ registry: new Registry(), version: 'bench' }),
    store,
    probes: () => [],
    nextRunAt: () => undefined,
    ready: () => true,
    reports: { dir: outDir, storeLocation: { sqlite: file } },
  });
  try {
    const started = performance.now();
    const { value: response, stallMs } = await watchStalls(() =>
      fetch(`${server.url}/reports`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: `quarter=${Q.label}&format=html&format=csv&format=json`,
        redirect: 'manual',
      }),
    );
    if (response.status !== 303) throw new Error(`/reports answered ${response.status}`);
    return { seconds: (performance.now() - started) / 1000, stallMs };
  } finally {
    await server.close();
    await store.close();
  }
}
