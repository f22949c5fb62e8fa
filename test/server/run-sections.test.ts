import { describe, expect, it } from 'vitest';
import type { MediaBreak, MediaBreakReport } from '../../src/results/result.ts';
import { mediaBreaksRunSection } from '../../src/server/run-sections.ts';

const evidence = (text: string) => ({ text, url: 'https://stadt.example/pass', selector: 'p' });

function report(breaks: MediaBreak[]): MediaBreakReport {
  return {
    lexicon: 'de',
    breaks,
    maturity: { level: 2, basis: 'estimated, citizen-side', base: 2, because: [] },
    endToEndDigital: false,
    signals: {
      info: true,
      assist: true,
      online: true,
      auth: false,
      upload: true,
      epayment: true,
      noFee: false,
      onceOnly: false,
      decisionDigital: false,
      pathSteps: 1,
    },
    path: { steps: 1, stoppedBecause: 'would-post' },
    pages: [],
    documents: [],
  };
}

/** The section as a person reads it: tags gone, entities decoded. */
const text = (html: string): string =>
  html
    .replace(/<[^>]*>/g, '')
    .replace(/&#(\d+);/g, (_, code: string) => String.fromCodePoint(Number(code)));

describe("a media-break run's page", () => {
  it('says of an in-person appearance the law requires why, with the sentence that shows it', () => {
    const html = mediaBreaksRunSection(
      report([
        {
          kind: 'in-person',
          evidence: evidence('Den Reisepass beantragen Sie persönlich im Bürgerbüro.'),
          confidence: 0.9,
          legallyMandated: true,
          legalBasis: {
            rule: 'identity-document',
            reason: 'fingerprints',
            evidence: evidence('Ihre Fingerabdrücke werden <b>vor Ort</b> erfasst.'),
          },
        },
        {
          kind: 'in-person',
          evidence: evidence('Die Gewerbeanmeldung ist persönlich abzugeben.'),
          confidence: 0.9,
          legallyMandated: false,
        },
      ]),
    );
    const shown = text(html);
    expect(shown).toContain(
      'Gesetzlich vorgeschrieben: die Behörde nimmt Fingerabdrücke und Unterschrift selbst auf (§ 9 PAuswG, Passgesetz), belegt durch „Ihre Fingerabdrücke werden <b>vor Ort</b> erfasst.“',
    );
    // Page text stays text.
    expect(html).not.toContain('<b>vor Ort</b>');
    // Only the appearance the law requires says so.
    expect(shown.match(/Gesetzlich vorgeschrieben/g)).toHaveLength(1);
  });
});
