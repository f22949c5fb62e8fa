/**
 * A realistic quarter (2026-Q4) and the quarter before it, in a store: two counties,
 * three services, hourly HTTP checks with failures, errors and maintenance, daily
 * accessibility scans with findings that appear, get fixed, reopen, are shared between
 * services and are waived; BITV checks, media breaks that appear, PDF documents and a
 * journey that scans its error and confirmation pages. The expected figures of the report
 * follow from the scenario below and are spelled out in the test.
 */
import type {
  A11yFinding,
  A11yPage,
  BitvReport,
  DocumentInfo,
  MediaBreakReport,
  Result,
  RunStatus,
  StepResult,
} from '../../src/results/result.ts';
import { berlinMidnight, quarterPeriod } from '../../src/report/period.ts';
import type { Store } from '../../src/store/store.ts';

export const Q4 = quarterPeriod(2026, 4);
export const Q3 = quarterPeriod(2026, 3);
const HOUR = 3_600_000;
const DAY = 86_400_000;
const day = (month: number, d: number): number => berlinMidnight(2026, month, d) + 9 * HOUR;

/** Page text planted by a hostile site: must come out as text in every output. */
export const HOSTILE = '<script>window.__owned=1</script><img src=x onerror="window.__owned=2">';

export const PROBES = [
  {
    probeId: 'kfz-http',
    name: 'Kfz-Zulassung erreichbar',
    kind: 'http',
    service: 'kfz-zulassung',
    county: 'lk-boeblingen',
    ags: '08115003',
  },
  {
    probeId: 'kfz-a11y',
    name: 'Kfz-Zulassung barrierefrei',
    kind: 'a11y',
    service: 'kfz-zulassung',
    county: 'lk-boeblingen',
    owner: 'Zulassungsstelle Böblingen',
    adminLevel: 'kreis',
  },
  {
    probeId: 'kfz-bitv',
    name: 'Kfz-Zulassung BITV',
    kind: 'bitv',
    service: 'kfz-zulassung',
    county: 'lk-boeblingen',
  },
  {
    probeId: 'kfz-media',
    name: 'Kfz-Zulassung Medienbrüche',
    kind: 'media-breaks',
    service: 'kfz-zulassung',
    county: 'lk-boeblingen',
  },
  {
    probeId: 'kfz-journey',
    name: 'Kfz-Zulassung Antrag',
    kind: 'browser',
    service: 'kfz-zulassung',
    county: 'lk-boeblingen',
  },
  {
    probeId: 'hund-http',
    name: 'Hundesteuer erreichbar',
    kind: 'http',
    service: 'hundesteuer',
    county: 'lk-boeblingen',
  },
  {
    probeId: 'hund-a11y',
    name: 'Hundesteuer barrierefrei',
    kind: 'a11y',
    service: 'hundesteuer',
    county: 'lk-boeblingen',
  },
  {
    probeId: 'wg-http',
    name: 'Wohngeld erreichbar',
    kind: 'http',
    service: 'wohngeld',
    county: 'stadt-ulm',
    ags: '08421000',
    // A Stadtkreis: its officer chose the level, the AGS cannot tell.
    adminLevel: 'gemeinde',
  },
  {
    probeId: 'wg-a11y',
    name: 'Wohngeld barrierefrei',
    kind: 'a11y',
    service: 'wohngeld',
    county: 'stadt-ulm',
  },
  {
    probeId: 'wg-bitv',
    name: 'Wohngeld BITV',
    kind: 'bitv',
    service: 'wohngeld',
    county: 'stadt-ulm',
  },
  {
    probeId: 'wg-media',
    name: 'Wohngeld Medienbrüche',
    kind: 'media-breaks',
    service: 'wohngeld',
    county: 'stadt-ulm',
  },
];

interface Pattern {
  id: string;
  ruleId: string;
  impact: string;
  wcag: string[];
  en: string[];
  html: string;
  /** Occurrences by probe: `[probe, page, selector]`. */
  at: [probe: string, page: string, selector: string][];
  /** Open intervals `[from, to)`, epoch ms. */
  open: [number, number][];
  waived?: boolean;
}

/**
 * The findings. Per service, at the start of Q4: P1 (kfz) and P3 (hund) open; P5 (wohngeld)
 * was fixed in Q3. During Q4: P2 comes and goes, P3 is fixed, P4 appears on two services,
 * P5 reopens, P6 stays waived. So the balance is 2 + 2 new + 1 reopened − 1 fixed = 4.
 */
export const PATTERNS: Pattern[] = [
  {
    id: 'p1-contrast',
    ruleId: 'color-contrast',
    impact: 'serious',
    wcag: ['1.4.3'],
    en: ['9.1.4.3'],
    html: '<a class="btn-light">Weiter</a>',
    at: [
      ['kfz-a11y', 'https://kfz.example/start', 'a.btn-light'],
      ['kfz-a11y', 'https://kfz.example/antrag', 'a.btn-light'],
    ],
    open: [[day(8, 1), Q4.to + DAY]],
  },
  {
    id: 'p2-image-alt',
    ruleId: 'image-alt',
    impact: 'critical',
    wcag: ['1.1.1'],
    en: ['9.1.1.1'],
    html: '<img src="banner.png">',
    at: [['kfz-a11y', 'https://kfz.example/start', 'img.banner']],
    open: [[day(10, 15), day(11, 10)]],
  },
  {
    id: 'p3-label',
    ruleId: 'label',
    impact: 'critical',
    wcag: ['1.3.1', '4.1.2'],
    en: ['9.1.3.1', '9.4.1.2'],
    html: '<input name="chip">',
    at: [['hund-a11y', 'https://hund.example/antrag', 'input#chip']],
    open: [[day(8, 10), day(11, 1)]],
  },
  {
    id: 'p4-link-name',
    ruleId: 'link-name',
    impact: 'serious',
    wcag: ['2.4.4', '4.1.2'],
    en: ['9.2.4.4', '9.4.1.2'],
    html: `<a href="/hilfe">${HOSTILE}</a>`,
    at: [
      ['hund-a11y', 'https://hund.example/start', 'footer a.help'],
      ['wg-a11y', 'https://wg.example/start', 'footer a.help'],
    ],
    open: [[day(10, 20), Q4.to + DAY]],
  },
  {
    id: 'p5-button-name',
    ruleId: 'button-name',
    impact: 'critical',
    wcag: ['4.1.2'],
    en: ['9.4.1.2'],
    html: '<button class="icon-search">',
    at: [['wg-a11y', 'https://wg.example/antrag', 'button.icon-search']],
    open: [
      [day(8, 5), day(9, 1)],
      [day(11, 20), Q4.to + DAY],
    ],
  },
  {
    id: 'p6-region',
    ruleId: 'region',
    impact: 'moderate',
    wcag: [],
    en: [],
    html: '<div class="chat-widget">',
    at: [['wg-a11y', 'https://wg.example/start', 'div.chat-widget']],
    open: [[day(7, 10), Q4.to + DAY]],
    waived: true,
  },
];

const PAGES: Record<string, string[]> = {
  'kfz-a11y': ['https://kfz.example/start', 'https://kfz.example/antrag'],
  'hund-a11y': ['https://hund.example/start', 'https://hund.example/antrag'],
  'wg-a11y': ['https://wg.example/start', 'https://wg.example/antrag'],
};

const DOCUMENTS: Record<string, DocumentInfo[]> = {
  'kfz-a11y': [
    // Claims PDF/UA and fails the machine checks.
    doc('https://kfz.example/vollmacht.pdf', 'pdfua', {
      title: 'Vollmacht',
      pdfuaPart: 1,
      pdfuaProblems: [
        '7.3: a Figure has no alternative text',
        '7.21.4.1: font Helvetica is not embedded',
        '7.3: a Figure has no alternative text',
      ],
    }),
    doc('https://kfz.example/antrag-alt.pdf', 'scanned', {
      title: '=HYPERLINK("https://evil.example","Antrag")',
    }),
  ],
  'wg-a11y': [
    doc('https://wg.example/wohngeld-antrag.pdf', 'untagged', {
      title: HOSTILE,
      formFieldsUnnamed: 2,
    }),
    doc('https://wg.example/merkblatt.pdf', 'pdfua', {
      pdfuaPart: 1,
      pdfuaProblems: [],
      title: 'Merkblatt',
    }),
  ],
};

function doc(url: string, cls: DocumentInfo['class'], extra: Partial<DocumentInfo>): DocumentInfo {
  return {
    url,
    format: 'pdf',
    bytes: 50_000,
    class: cls,
    pages: 2,
    tagged: cls === 'tagged' || cls === 'pdfua',
    formFields: 3,
    fonts: cls === 'scanned' ? 0 : 2,
    images: 1,
    lang: 'de-DE',
    ...extra,
  };
}

let seq = 0;
function result(
  probeId: string,
  kind: string,
  at: number,
  status: RunStatus,
  extra: Partial<Result> = {},
): Result {
  seq++;
  return {
    runId: `seed-${seq}`,
    probeId,
    kind,
    startedAt: at,
    duration: 0.2,
    attempts: 1,
    maintenance: false,
    status,
    reportedStatus: status,
    message: status === 'pass' ? 'ok' : `status ${status}`,
    assertions: [],
    ...extra,
  };
}

function a11yPages(probeId: string, at: number): A11yPage[] {
  return (PAGES[probeId] ?? []).map((url) => {
    const violations: A11yFinding[] = [];
    for (const p of PATTERNS) {
      if (!p.open.some(([from, to]) => at >= from && at < to)) continue;
      const nodes = p.at
        .filter(([probe, page]) => probe === probeId && page === url)
        .map(([, page, selector]) => ({
          target: [selector],
          ancestry: [`html > body > ${selector}`],
          html: p.html,
          occurrence: `${p.id}|${page}|${selector}`,
          pattern: p.id,
          ...(p.waived
            ? {
                waived: {
                  reason: 'Chat-Widget des Landes, Austausch 2027 geplant',
                  owner: 'it@ulm.example',
                  expires: '2027-06-30',
                },
              }
            : {}),
        }));
      if (nodes.length === 0) continue;
      violations.push({
        ruleId: p.ruleId,
        impact: p.impact,
        tags: ['EN-301-549', ...p.wcag.map((sc) => `wcag${sc.replace(/\./g, '')}`)],
        wcag: p.wcag,
        en301549: p.en,
        help: `Help for ${p.ruleId}`,
        helpUrl: `https://dequeuniversity.com/rules/axe/4.14/${p.ruleId}`,
        nodes,
      });
    }
    const incomplete: A11yFinding[] =
      probeId === 'kfz-a11y' && url.endsWith('/start')
        ? [
            {
              ruleId: 'color-contrast',
              impact: 'serious',
              tags: ['wcag143'],
              wcag: ['1.4.3'],
              en301549: ['9.1.4.3'],
              help: 'Elements must meet minimum color contrast ratio thresholds',
              helpUrl: 'https://dequeuniversity.com/rules/axe/4.14/color-contrast',
              nodes: [
                {
                  target: ['.hero h2'],
                  ancestry: ['html > body > .hero h2'],
                  html: '<h2>',
                  occurrence: 'inc-1',
                  pattern: 'inc-1',
                },
              ],
            },
          ]
        : [];
    return {
      url,
      seconds: 0.3,
      violations,
      incomplete,
      statementLink: '"Barrierefreiheit" → /barrierefreiheit',
    };
  });
}

function a11yResult(probeId: string, at: number): Result {
  const pages = a11yPages(probeId, at);
  const failing = pages.some((p) => p.violations.some((v) => v.nodes.some((n) => !n.waived)));
  return result(probeId, 'a11y', at, failing ? 'fail' : 'pass', {
    ...(failing ? { reason: 'a11y_violations' } : {}),
    a11y: {
      engine: { name: 'axe-core', version: '4.14.1' },
      browser: '142.0.7444.175',
      profile: 'en-301-549',
      pages,
      ...(DOCUMENTS[probeId] ? { documents: DOCUMENTS[probeId] } : {}),
    },
  });
}

function bitvResult(probeId: string, at: number): Result {
  const missing = probeId === 'kfz-bitv' ? ['dgs'] : ['statement_every_page', 'leichte_sprache'];
  const names = [
    'statement_link',
    'statement_every_page',
    'statement_reachable',
    'statement_contents',
    'statement_current',
    'feedback',
    'schlichtung',
    'leichte_sprache',
    'dgs',
    'lang_matches',
  ];
  const report: BitvReport = {
    signals: Object.fromEntries(
      names.map((n) => [n, { value: missing.includes(n) ? 0 : 1, evidence: n }]),
    ),
    statementAgeDays: probeId === 'kfz-bitv' ? 120 : 400,
  };
  return result(probeId, 'bitv', at, 'fail', { reason: 'bitv_signals', bitv: report });
}

function mediaResult(probeId: string, at: number): Result {
  const kfz = probeId === 'kfz-media';
  const postal = !kfz && at >= day(11, 5);
  const breaks: MediaBreakReport['breaks'] = kfz
    ? []
    : [
        {
          kind: 'handwritten-signature',
          evidence: {
            text: 'Bitte unterschreiben Sie den Antrag.',
            url: 'https://wg.example/start',
            selector: 'p',
          },
          confidence: 0.9,
        },
        ...(postal
          ? [
              {
                kind: 'postal-submission' as const,
                evidence: {
                  text: `Senden Sie ihn per Post. ${HOSTILE}`,
                  url: 'https://wg.example/start',
                  selector: 'p',
                },
                confidence: 0.9,
              },
            ]
          : []),
      ];
  const level = kfz ? (at >= Q4.from ? 4 : 3) : 2;
  const report: MediaBreakReport = {
    lexicon: 'de',
    breaks,
    maturity: {
      level: level,
      basis: 'estimated, citizen-side',
      base: level,
      because: [],
    },
    endToEndDigital: kfz && level >= 3,
    signals: {
      info: true,
      assist: true,
      online: kfz,
      auth: kfz,
      upload: kfz,
      epayment: kfz,
      noFee: false,
      onceOnly: false,
      decisionDigital: kfz,
      pathSteps: 2,
    },
    path: { steps: 2, stoppedBecause: 'would-post' },
    pages: ['https://example/start'],
    documents: [],
  };
  return result(probeId, 'media-breaks', at, breaks.length > 0 ? 'fail' : 'pass', {
    ...(breaks.length > 0 ? { reason: 'media_breaks' } : {}),
    mediaBreaks: report,
  });
}

function journeyResult(at: number): Result {
  const step = (name: string, action: string): StepResult => ({
    name,
    action,
    status: 'pass',
    duration: 0.5,
    consoleErrors: [],
    pageErrors: [],
    failedRequests: 0,
  });
  const steps = [
    step('start', 'goto'),
    step('scan-start', 'scan'),
    step('weiter-ohne-daten', 'click'),
    step('scan-fehler', 'scan'),
    step('ausfuellen', 'fill'),
    step('scan-bestaetigung', 'scan'),
  ];
  const page = (url: string, stepName: string, state?: 'error' | 'confirmation'): A11yPage => ({
    url,
    seconds: 0.3,
    violations: [],
    incomplete: [],
    step: stepName,
    ...(state ? { state } : {}),
  });
  const pages = [
    page('https://kfz.example/antrag', 'scan-start'),
    page('https://kfz.example/antrag?fehler', 'scan-fehler', 'error'),
    page('https://kfz.example/antrag/pruefen', 'scan-bestaetigung', 'confirmation'),
  ];
  pages[1]!.violations.push({
    ruleId: 'aria-required-attr',
    impact: 'critical',
    tags: ['wcag412'],
    wcag: ['4.1.2'],
    en301549: ['9.4.1.2'],
    help: 'Required ARIA attributes must be provided',
    helpUrl: 'https://dequeuniversity.com/rules/axe/4.14/aria-required-attr',
    nodes:
      at >= day(12, 1)
        ? [
            {
              target: ['#err'],
              ancestry: ['html > body > #err'],
              html: '<div role="slider">',
              occurrence: 'j-err',
              pattern: 'j-slider',
            },
          ]
        : [],
  });
  if (pages[1]!.violations[0]!.nodes.length === 0) pages[1]!.violations.length = 0;
  return result('kfz-journey', 'browser', at, 'pass', {
    steps,
    blockedRequests: [
      { method: 'POST', url: 'https://kfz.example/antrag/senden', step: 'ausfuellen' },
    ],
    a11y: {
      engine: { name: 'axe-core', version: '4.14.1' },
      browser: '142.0.7444.175',
      profile: 'en-301-549',
      pages,
    },
  });
}

/** Expected availability of kfz-http in Q4: see `httpStatus`. */
export const KFZ_Q4 = { failures: 10, errors: 3, maintenance: 5 };

function httpStatus(
  probeId: string,
  i: number,
  inQ4: boolean,
): { status: RunStatus; maintenance: boolean } {
  if (probeId === 'kfz-http' && inQ4) {
    if (i >= 100 && i < 100 + KFZ_Q4.failures) return { status: 'fail', maintenance: false };
    if (i >= 200 && i < 200 + KFZ_Q4.errors) return { status: 'error', maintenance: false };
    if (i >= 300 && i < 300 + KFZ_Q4.maintenance) return { status: 'fail', maintenance: true };
  }
  if (probeId === 'wg-http' && inQ4 && i % 100 === 7) return { status: 'fail', maintenance: false };
  return { status: 'pass', maintenance: false };
}

/** Saves the two quarters into the store and flushes. */
export async function seedQuarter(store: Store): Promise<void> {
  await store.registerProbes(PROBES, Q4.to);
  for (const period of [Q3, Q4]) {
    const inQ4 = period === Q4;
    for (const probe of PROBES.filter((p) => p.kind === 'http')) {
      for (let i = 0, at = period.from + 60_000; at < period.to; i++, at += HOUR) {
        const { status, maintenance } = httpStatus(probe.probeId, i, inQ4);
        store.save(result(probe.probeId, 'http', at, status, { maintenance }));
      }
    }
    for (let at = period.from + 9 * HOUR; at < period.to; at += DAY) {
      for (const probeId of ['kfz-a11y', 'hund-a11y', 'wg-a11y'])
        store.save(a11yResult(probeId, at));
      store.save(journeyResult(at + HOUR));
    }
    for (let at = period.from + 10 * HOUR; at < period.to; at += 7 * DAY) {
      store.save(bitvResult('kfz-bitv', at));
      store.save(bitvResult('wg-bitv', at));
      store.save(mediaResult('kfz-media', at));
      store.save(mediaResult('wg-media', at));
    }
    await store.flush();
  }
}
