/**
 * Text from a hostile or broken page: NUL characters, which PostgreSQL's text refuses, and
 * lone UTF-16 surrogates, which UTF-8 cannot encode. Such a result is stored, not dropped;
 * the whole result reads back exactly, and the text columns beside it (summary, findings,
 * media-break events, probe catalogue) read back the same from SQLite and PostgreSQL, with
 * U+FFFD where the character was.
 */
import { describe, expect, it } from 'vitest';
import type { A11yPage, MediaBreakKind, Result } from '../../src/results/result.ts';
import { storeBackends } from './backends.ts';
import { result, T0 } from './sample-results.ts';

const backends = storeBackends();
const NUL = '\u0000';
const LONE = '\ud800';
/** What either store's columns hold for both. */
const REPLACED = '\ufffd';

function page(url: string): A11yPage {
  return {
    url,
    seconds: 0.2,
    incomplete: [],
    violations: [
      {
        ruleId: `button-name${NUL}`,
        impact: 'critical',
        tags: ['EN-301-549'],
        wcag: ['4.1.2'],
        en301549: ['9.4.1.2'],
        help: `Buttons must have discernible text${NUL}`,
        helpUrl: 'https://dequeuniversity.com/rules/axe/4.14/button-name',
        nodes: [
          {
            target: [`button[title="a${NUL}b"]`],
            ancestry: ['html > body', `button[title="a${NUL}b${LONE}"]`],
            html: `<button title="a${NUL}b${LONE}">`,
            occurrence: 'o1',
            pattern: `search${NUL}button`,
          },
        ],
      },
    ],
  };
}

function mediaBreaks(kinds: MediaBreakKind[]): NonNullable<Result['mediaBreaks']> {
  return {
    lexicon: 'de',
    breaks: kinds.map((kind) => ({
      kind,
      evidence: {
        text: `Formular${NUL} drucken${LONE}`,
        url: 'https://example.de/a',
        selector: 'p',
      },
      confidence: 0.9,
    })),
    maturity: { level: 2, basis: 'estimated, citizen-side', base: 2, because: [] },
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
      pathSteps: 0,
    },
    path: { steps: 0, stoppedBecause: 'no-online-application' },
    pages: ['https://example.de/a'],
    documents: [],
  };
}

describe.each(backends)('$name store: text a page may hold and a database may not', (backend) => {
  it('stores a result with NUL and lone surrogates: the result exactly, its columns with U+FFFD', async () => {
    const store = await backend.open();
    const hostile = result('hostile', T0, {
      kind: 'a11y',
      status: 'fail',
      reason: 'a11y_violations',
      message: `Titel${NUL} der Seite ${LONE}halb`,
      warnings: [`console: ${NUL}${LONE}\udc00`],
      a11y: {
        engine: { name: 'axe-core', version: '4.14.1' },
        profile: 'en-301-549',
        pages: [page(`https://example.de/antrag`)],
      },
    });
    store.save(hostile);
    const baseline = result('breaks', T0, { mediaBreaks: mediaBreaks([]) });
    const changed = result('breaks', T0 + 1, { mediaBreaks: mediaBreaks(['paper-form']) });
    store.save(baseline);
    store.save(changed);
    await store.registerProbes(
      [
        {
          probeId: 'hostile',
          name: `Wohngeld${NUL}${LONE}`,
          kind: 'a11y',
          service: 's',
          county: 'c',
        },
      ],
      T0,
    );
    await store.flush();

    expect(store.dropped()).toBe(0);
    // The whole result, from its JSON: every character as the page had it.
    expect(await store.run(hostile.runId)).toEqual(hostile);
    expect((await store.latest(['hostile'])).get('hostile')).toEqual(hostile);
    expect(await store.run(changed.runId)).toEqual(changed);

    const [summary] = await store.runs({ probeId: 'hostile' });
    expect(summary?.message).toBe(`Titel${REPLACED} der Seite ${REPLACED}halb`);

    const [finding] = await store.findings('hostile');
    expect(finding).toMatchObject({
      occurrence: 'o1',
      ruleId: `button-name${REPLACED}`,
      pattern: `search${REPLACED}button`,
      selector: `html > body | button[title="a${REPLACED}b${REPLACED}"]`,
      state: 'open',
    });

    const events = await store.mediaBreakEvents({ probeId: 'breaks', limit: 10 });
    expect(events).toEqual([
      {
        probeId: 'breaks',
        runId: changed.runId,
        at: T0 + 1,
        type: 'appeared',
        kind: 'paper-form',
        // The evidence is JSON, as in the result: exact.
        evidence: {
          text: `Formular${NUL} drucken${LONE}`,
          url: 'https://example.de/a',
          selector: 'p',
        },
      },
    ]);

    const [probe] = await store.probeCatalogue();
    expect(probe?.name).toBe(`Wohngeld${REPLACED}${REPLACED}`);
  });

  it('keeps tracking a finding whose rule, pattern and selector hold NUL across runs', async () => {
    // The finding is matched again at every scan: the replacement must be the same each time,
    // or it would be fixed and opened again, or doubled.
    const store = await backend.open();
    const scan = (at: number, pages: A11yPage[]): Result =>
      result('hostile', at, {
        kind: 'a11y',
        a11y: { engine: { name: 'axe-core', version: '4.14.1' }, profile: 'en-301-549', pages },
      });
    store.save(scan(T0, [page('https://example.de/antrag')]));
    store.save(scan(T0 + 1, [page('https://example.de/antrag')]));
    store.save(scan(T0 + 2, [{ ...page('https://example.de/antrag'), violations: [] }]));
    await store.flush();
    expect(store.dropped()).toBe(0);
    const [finding] = await store.findings('hostile');
    expect(finding).toMatchObject({ firstSeen: T0, lastSeen: T0 + 1, state: 'fixed', reopened: 0 });
  });
});
