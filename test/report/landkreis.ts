/**
 * A Landratsamt's quarter as its accessibility officer would see it: services of the Kreis
 * and of two Gemeinden and one of the Land, probes of one service with different owners,
 * probes without owner, a cookie banner shared by three services, an old critical finding
 * long past its due date and fresh ones, a waiver, a service watched by HTTP only,
 * documents and media breaks. The report tests read the generated report against it.
 */
import type { A11yFinding, A11yPage, Result } from '../../src/results/result.ts';
import type { Store } from '../../src/store/store.ts';
import { at, DAY, HOUR, runBuilder } from './runs.ts';
import { Q3, Q4 } from './seed.ts';

const result = runBuilder('lk');

export const LK_PROBES = [
  // Kfz-Zulassung (Kreis): three probes, three owners.
  {
    probeId: 'kfz-http',
    name: 'Kfz-Zulassung erreichbar',
    kind: 'http',
    service: 'kfz-zulassung',
    county: 'lk-goeppingen',
    ags: '08117000',
    owner: 'IT-Referat Landratsamt',
    adminLevel: 'kreis',
  },
  {
    probeId: 'kfz-a11y',
    name: 'Kfz-Zulassung barrierefrei',
    kind: 'a11y',
    service: 'kfz-zulassung',
    county: 'lk-goeppingen',
    ags: '08117000',
    owner: 'Web-Redaktion Landratsamt',
    adminLevel: 'kreis',
  },
  {
    probeId: 'kfz-journey',
    name: 'Kfz-Zulassung Antrag',
    kind: 'browser',
    service: 'kfz-zulassung',
    county: 'lk-goeppingen',
    ags: '08117000',
    owner: 'Zulassungsstelle',
    adminLevel: 'kreis',
  },
  // Wohngeld (Kreis): the scan names no owner, the HTTP probe does.
  {
    probeId: 'wg-http',
    name: 'Wohngeld erreichbar',
    kind: 'http',
    service: 'wohngeld',
    county: 'lk-goeppingen',
    ags: '08117000',
    owner: 'Sozialamt',
    adminLevel: 'kreis',
  },
  {
    probeId: 'wg-a11y',
    name: 'Wohngeld barrierefrei',
    kind: 'a11y',
    service: 'wohngeld',
    county: 'lk-goeppingen',
    ags: '08117000',
    adminLevel: 'kreis',
  },
  {
    probeId: 'wg-media',
    name: 'Wohngeld Medienbrüche',
    kind: 'media-breaks',
    service: 'wohngeld',
    county: 'lk-goeppingen',
    ags: '08117000',
    adminLevel: 'kreis',
  },
  // Hundesteuer (Gemeinde Göppingen), owner set.
  {
    probeId: 'hund-a11y',
    name: 'Hundesteuer barrierefrei',
    kind: 'a11y',
    service: 'hundesteuer',
    county: 'lk-goeppingen',
    ags: '08117024',
    owner: 'Stadtkämmerei Göppingen',
    adminLevel: 'gemeinde',
  },
  {
    probeId: 'hund-bitv',
    name: 'Hundesteuer BITV',
    kind: 'bitv',
    service: 'hundesteuer',
    county: 'lk-goeppingen',
    ags: '08117024',
    adminLevel: 'gemeinde',
  },
  // Gewerbeanmeldung (Gemeinde Eislingen): no owner anywhere.
  {
    probeId: 'gew-a11y',
    name: 'Gewerbeanmeldung barrierefrei',
    kind: 'a11y',
    service: 'gewerbe',
    county: 'lk-goeppingen',
    ags: '08117019',
    adminLevel: 'gemeinde',
  },
  // Meldebescheinigung (Gemeinde Eislingen): watched by HTTP only.
  {
    probeId: 'melde-http',
    name: 'Meldebescheinigung erreichbar',
    kind: 'http',
    service: 'meldebescheinigung',
    county: 'lk-goeppingen',
    ags: '08117019',
    adminLevel: 'gemeinde',
  },
  // BAföG (Land), a waived chat widget.
  {
    probeId: 'bafoeg-a11y',
    name: 'BAföG barrierefrei',
    kind: 'a11y',
    service: 'bafoeg',
    county: 'lk-goeppingen',
    owner: 'Amt für Ausbildungsförderung',
    adminLevel: 'land',
  },
];

interface Planted {
  ruleId: string;
  impact: string;
  wcag: string[];
  pattern: string;
  html: string;
  /** `[probe, page, selector]` */
  at: [string, string, string][];
  from: number;
  to: number;
  waived?: boolean;
}

const END = Q4.to + DAY;

/**
 * The findings. At the end of Q4 open: the banner image (critical, since July, long overdue),
 * the cookie banner's button (serious, on kfz, wohngeld and gewerbe since November), a
 * contrast problem of the Hundesteuer form (serious, since 10 December), a heading order on
 * gewerbe (moderate, fresh), the journey's error page (critical, since 1 December). Fixed in
 * Q4: a missing label on hundesteuer. Waived: the BAföG chat widget.
 */
export const LK_FINDINGS: Planted[] = [
  {
    ruleId: 'image-alt',
    impact: 'critical',
    wcag: ['1.1.1'],
    pattern: 'kfz-banner',
    html: '<img src="/banner-kfz.jpg">',
    at: [['kfz-a11y', 'https://kfz.lk.example/start', 'img.banner']],
    from: at(7, 15),
    to: END,
  },
  {
    ruleId: 'button-name',
    impact: 'serious',
    wcag: ['4.1.2'],
    pattern: 'cookie-banner-close',
    html: '<button class="cc-close"><svg></svg></button>',
    at: [
      ['kfz-a11y', 'https://kfz.lk.example/start', 'button.cc-close'],
      ['wg-a11y', 'https://wg.lk.example/start', 'button.cc-close'],
      ['gew-a11y', 'https://gewerbe.eislingen.example/start', 'button.cc-close'],
    ],
    from: at(11, 3),
    to: END,
  },
  {
    ruleId: 'color-contrast',
    impact: 'serious',
    wcag: ['1.4.3'],
    pattern: 'hund-hint',
    html: '<p class="hint">Pflichtfeld</p>',
    at: [
      ['hund-a11y', 'https://hund.goeppingen.example/antrag', 'p.hint'],
      ['hund-a11y', 'https://hund.goeppingen.example/antrag', 'p.hint:nth-of-type(2)'],
    ],
    from: at(12, 10),
    to: END,
  },
  {
    ruleId: 'heading-order',
    impact: 'moderate',
    wcag: [],
    pattern: 'gew-heading',
    html: '<h4>Ihre Angaben</h4>',
    at: [['gew-a11y', 'https://gewerbe.eislingen.example/start', 'h4']],
    from: at(12, 18),
    to: END,
  },
  {
    ruleId: 'label',
    impact: 'critical',
    wcag: ['1.3.1', '4.1.2'],
    pattern: 'hund-chip',
    html: '<input name="chip">',
    at: [['hund-a11y', 'https://hund.goeppingen.example/antrag', 'input#chip']],
    from: at(9, 1),
    to: at(10, 20),
  },
  {
    ruleId: 'region',
    impact: 'moderate',
    wcag: [],
    pattern: 'bafoeg-chat',
    html: '<div class="chat">',
    at: [['bafoeg-a11y', 'https://bafoeg.bw.example/start', 'div.chat']],
    from: at(7, 5),
    to: END,
    waived: true,
  },
];

const PAGES: Record<string, string[]> = {
  'kfz-a11y': ['https://kfz.lk.example/start'],
  'wg-a11y': ['https://wg.lk.example/start'],
  'hund-a11y': ['https://hund.goeppingen.example/antrag'],
  'gew-a11y': ['https://gewerbe.eislingen.example/start'],
  'bafoeg-a11y': ['https://bafoeg.bw.example/start'],
};

function violations(probeId: string, url: string, t: number): A11yFinding[] {
  const out: A11yFinding[] = [];
  for (const f of LK_FINDINGS) {
    if (t < f.from || t >= f.to) continue;
    const nodes = f.at
      .filter(([probe, page]) => probe === probeId && page === url)
      .map(([, page, selector]) => ({
        target: [selector],
        ancestry: [`html > body > ${selector}`],
        html: f.html,
        occurrence: `${f.pattern}|${page}|${selector}`,
        pattern: f.pattern,
        ...(f.waived
          ? {
              waived: {
                reason: 'Chat des Landes, Ersatz bestellt',
                owner: 'Amt für Ausbildungsförderung',
                expires: '2027-06-30',
              },
            }
          : {}),
      }));
    if (nodes.length === 0) continue;
    out.push({
      ruleId: f.ruleId,
      impact: f.impact,
      tags: ['EN-301-549', ...f.wcag.map((sc) => `wcag${sc.replace(/\./g, '')}`)],
      wcag: f.wcag,
      en301549: f.wcag.map((sc) => `9.${sc}`),
      help: `Help for ${f.ruleId}`,
      helpUrl: `https://dequeuniversity.com/rules/axe/4.14/${f.ruleId}`,
      nodes,
    });
  }
  return out;
}

const engine = { name: 'axe-core' as const, version: '4.14.1' };

function scan(probeId: string, t: number): Result {
  const pages: A11yPage[] = (PAGES[probeId] ?? []).map((url) => ({
    url,
    seconds: 0.3,
    violations: violations(probeId, url, t),
    incomplete: [],
  }));
  const failing = pages.some((p) => p.violations.some((v) => v.nodes.some((n) => !n.waived)));
  return result(probeId, 'a11y', t, failing ? 'fail' : 'pass', {
    a11y: {
      engine,
      browser: '142.0.7444.175',
      profile: 'en-301-549',
      pages,
      ...(probeId === 'wg-a11y'
        ? {
            documents: [
              {
                url: 'https://wg.lk.example/antrag.pdf',
                format: 'pdf',
                bytes: 80_000,
                class: 'scanned',
                pages: 4,
                tagged: false,
                formFields: 0,
                fonts: 0,
                images: 4,
              },
              {
                url: 'https://wg.lk.example/merkblatt.pdf',
                format: 'pdf',
                bytes: 40_000,
                class: 'tagged',
                pages: 2,
                tagged: true,
                formFields: 0,
                fonts: 2,
                images: 0,
                lang: 'de-DE',
                title: 'Merkblatt Wohngeld',
              },
            ],
          }
        : {}),
    },
  });
}

/** The Kfz journey: its error page has a critical finding from 1 December. */
function journey(t: number): Result {
  const errorPage: A11yPage = {
    url: 'https://kfz.lk.example/antrag?fehler',
    seconds: 0.3,
    step: 'scan-fehler',
    state: 'error',
    violations:
      t >= at(12, 1, 0)
        ? [
            {
              ruleId: 'aria-required-attr',
              impact: 'critical',
              tags: ['wcag412'],
              wcag: ['4.1.2'],
              en301549: ['9.4.1.2'],
              help: 'Required ARIA attributes must be provided',
              helpUrl: '',
              nodes: [
                {
                  target: ['#err'],
                  ancestry: ['html > body > #err'],
                  html: '<div role="slider">',
                  occurrence: 'kfz-err',
                  pattern: 'kfz-slider',
                },
              ],
            },
          ]
        : [],
    incomplete: [],
  };
  const step = (name: string, action: string) => ({
    name,
    action,
    status: 'pass' as const,
    duration: 0.5,
    consoleErrors: [],
    pageErrors: [],
    failedRequests: 0,
  });
  return result('kfz-journey', 'browser', t, 'pass', {
    steps: [step('start', 'goto'), step('weiter', 'click'), step('scan-fehler', 'scan')],
    a11y: { engine, browser: '142.0.7444.175', profile: 'en-301-549', pages: [errorPage] },
  });
}

function media(t: number): Result {
  return result('wg-media', 'media-breaks', t, 'fail', {
    reason: 'media_breaks',
    mediaBreaks: {
      lexicon: 'de',
      breaks: [
        {
          kind: 'handwritten-signature',
          evidence: {
            text: 'Bitte unterschreiben Sie den Antrag und senden Sie ihn per Post.',
            url: 'https://wg.lk.example/start',
            selector: 'p',
          },
          confidence: 0.9,
        },
      ],
      maturity: { level: 2, basis: 'estimated, citizen-side', base: 2, because: [] },
      endToEndDigital: false,
      signals: {
        info: true,
        assist: true,
        online: false,
        auth: false,
        upload: false,
        epayment: false,
        noFee: true,
        onceOnly: false,
        decisionDigital: false,
        pathSteps: 1,
      },
      path: { steps: 1, stoppedBecause: 'would-post' },
      pages: ['https://wg.lk.example/start'],
      documents: [],
    },
  });
}

function bitv(t: number): Result {
  const missing = ['leichte_sprache', 'dgs'];
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
  return result('hund-bitv', 'bitv', t, 'fail', {
    reason: 'bitv_signals',
    bitv: {
      signals: Object.fromEntries(
        names.map((n) => [n, { value: missing.includes(n) ? 0 : 1, evidence: n }]),
      ),
      statementAgeDays: 200,
    },
  });
}

/** Saves Q3 and Q4 into the store and flushes. */
export async function seedLandkreis(store: Store): Promise<void> {
  await store.registerProbes(LK_PROBES, Q4.to);
  for (let t = Q3.from + 9 * HOUR; t < Q4.to; t += DAY) {
    for (const id of Object.keys(PAGES)) store.save(scan(id, t));
    store.save(journey(t + HOUR));
    for (const id of ['kfz-http', 'wg-http', 'melde-http'])
      for (let h = 0; h < 24; h += 6) store.save(result(id, 'http', t + h * HOUR, 'pass'));
    if (Math.floor((t - Q3.from) / DAY) % 7 === 0) {
      store.save(media(t + 2 * HOUR));
      store.save(bitv(t + 2 * HOUR));
    }
  }
  await store.flush();
}
