import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkMediaBreaks } from '../../../src/checkers/media-breaks/check.ts';
import { mediaBreaksSpecSchema } from '../../../src/checkers/media-breaks/spec.ts';
import type { MediaBreakReport, Outcome } from '../../../src/results/result.ts';
import { startBrowserWorld, type BrowserWorld } from '../browser-world.ts';

/**
 * Corpus pages read by the real checker in Chromium, for what programme managers rely on
 * beyond the set of break kinds the corpus test scores.
 */
let world: BrowserWorld;

beforeAll(async () => {
  world = await startBrowserWorld();
}, 30_000);

afterAll(async () => {
  await world.close();
});

async function check(id: string): Promise<Outcome & { mediaBreaks: MediaBreakReport }> {
  const out = await checkMediaBreaks(
    world.context(),
    mediaBreaksSpecSchema.parse({ url: `${world.portal.http}/media-breaks/${id}/` }),
  );
  if (!out.mediaBreaks) throw new Error(`${id}: no report (${out.status}: ${out.message})`);
  return { ...out, mediaBreaks: out.mediaBreaks };
}

async function read(id: string): Promise<MediaBreakReport> {
  return (await check(id)).mediaBreaks;
}

describe('an online route the page only claims in words', () => {
  it('raises no level: "online mit Ihrer BundID" without a link, button or form stays at 1', async () => {
    const report = await read('hundesteuer-abmeldung-online-nur-text');
    expect(report.signals).toMatchObject({ online: false, onlineText: true });
    expect(report.breaks).toEqual([]);
    expect(report.maturity).toMatchObject({ level: 1, base: 1 });
    expect(report.maturity.because.join('; ')).toMatch(/no link, button or form/);
    expect(report.endToEndDigital).toBe(false);
  }, 30_000);
});

describe('dialogs: consent is not procedure, a procedure modal is', () => {
  it('reads the "Ablauf" modal a content button opens, though the modal sits outside <main>; drops the CCM19 consent dialog', async () => {
    const report = await read('plakatierung-ablauf-im-dialog');
    expect(report.breaks.map((b) => b.kind)).toEqual([
      'paper-form',
      'handwritten-signature',
      'postal-submission',
    ]);
    for (const b of report.breaks) {
      expect(b.evidence.selector, b.kind).toMatch(/^#ablauf-modal\b/);
      // The consent dialog's "per Post" and mailto (R2) and the newsletter's fax are not read.
      for (const e of [b.evidence, ...(b.more ?? [])]) expect(e.text).not.toMatch(/Einwilligung/);
    }
    expect(report.maturity.level).toBe(1);
  }, 30_000);

  it('reads an "Antrag stellen" <dialog> in main and drops the Usercentrics layer; the button that opens it is no online application', async () => {
    const report = await read('baumfaellung-antrag-im-dialog');
    expect(report.breaks.map((b) => b.kind)).toEqual([
      'paper-form',
      'handwritten-signature',
      'postal-submission',
      'manual-payment',
    ]);
    const texts = report.breaks.flatMap((b) => [b.evidence, ...(b.more ?? [])].map((e) => e.text));
    expect(texts.join(' ')).not.toMatch(/Datenschutzbeauftragten/);
    expect(report.signals.online).toBe(false);
    expect(report.path).toMatchObject({ steps: 0, stoppedBecause: 'no-online-application' });
    expect(report.pages).toHaveLength(1);
  }, 30_000);
});

describe('in-person appearances the law requires', () => {
  it('Reisepass: the fingerprints taken at the authority make the visit legally mandated, with the sentence that shows it', async () => {
    const out = await check('reisepass-fingerabdruecke-vor-ort');
    const report = out.mediaBreaks;
    // The signature on the pad is captured on site: part of the visit, not a wet-ink signature.
    expect(report.breaks.map((b) => b.kind)).toEqual(['in-person']);
    expect(report.breaks[0]).toMatchObject({
      legallyMandated: true,
      legalBasis: {
        rule: 'identity-document',
        reason: expect.stringMatching(/PAuswG.*no portal can remove/) as unknown,
        evidence: {
          text: expect.stringMatching(/Fingerabdrücke elektronisch erfasst/) as unknown,
          url: expect.stringMatching(/reisepass-fingerabdruecke-vor-ort\/$/) as unknown,
        },
      },
    });
    // DOMAIN.md §6 exempts no break from its cap; the explanation says why it stays.
    expect(report.maturity.level).toBe(1);
    expect(report.maturity.because.join('; ')).toMatch(/required by law.*no portal can remove/);
    expect(out.message).toMatch(/in-person \(required by law\)/);
  }, 30_000);

  it('Personalausweis: legally mandated as well', async () => {
    const report = await read('personalausweis-buergerbuero');
    expect(report.breaks).toMatchObject([
      { kind: 'in-person', legallyMandated: true, legalBasis: { rule: 'identity-document' } },
    ]);
  }, 30_000);

  it('Wohnsitz anmelden: "persönlich" is required by the town, not by law, though the page names Personalausweis and Reisepass', async () => {
    const out = await check('wohnsitz-anmelden-persoenlich');
    const report = out.mediaBreaks;
    expect(report.breaks).toHaveLength(1);
    expect(report.breaks[0]).toMatchObject({ kind: 'in-person', legallyMandated: false });
    expect(report.breaks[0]?.legalBasis).toBeUndefined();
    expect(report.maturity.because.join('; ')).not.toMatch(/required by law/);
    expect(out.message).not.toMatch(/required by law/);
  }, 30_000);
});

describe('a form served by a download script', () => {
  it('is asked with HEAD and read as the scan it is, though its address has no .pdf', async () => {
    const report = await read('sondernutzung-formular-ohne-dateiendung');
    // Known by the address the page links, though the script sends every request on to a
    // new one: its history stays one document.
    expect(report.documents).toEqual([
      {
        url: `${world.portal.http}/media-breaks/docs/formularserver?id=4711`,
        role: 'form',
        class: 'scanned',
      },
    ]);
    expect((await read('sondernutzung-formular-ohne-dateiendung')).documents).toEqual(
      report.documents,
    );
    expect(report.breaks.map((b) => b.kind).sort()).toEqual([
      'handwritten-signature',
      'paper-form',
      'postal-submission',
      'scanned-pdf',
    ]);
    expect(report.maturity.level).toBe(1);
  }, 30_000);
});
