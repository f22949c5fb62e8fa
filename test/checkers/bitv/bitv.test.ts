import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkBitv } from '../../../src/checkers/bitv/check.ts';
import { parseGermanDate, textLanguage } from '../../../src/checkers/bitv/signals.ts';
import { bitvSpecSchema } from '../../../src/checkers/bitv/spec.ts';
import type { Outcome } from '../../../src/results/result.ts';
import { startBrowserWorld, type BrowserWorld } from '../browser-world.ts';

const NOW = Date.UTC(2026, 10, 23);
let world: BrowserWorld;

beforeAll(async () => {
  world = await startBrowserWorld();
}, 30_000);
afterAll(async () => {
  await world.close();
});

function bitv(site: string, pages: string[] = []): Promise<Outcome> {
  return checkBitv(
    world.context(() => NOW),
    bitvSpecSchema.parse({
      url: `${world.portal.http}/bitv/${site}/`,
      pages: pages.map((p) => `${world.portal.http}/bitv/${site}/${p}`),
    }),
  );
}

const values = (o: Outcome): Record<string, number> =>
  Object.fromEntries(Object.entries(o.bitv!.signals).map(([k, v]) => [k, v.value]));

describe('BITV signals', () => {
  it('a site with statement, Leichte Sprache and DGS has every signal, with evidence', async () => {
    const out = await bitv('gut', ['unterseite']);
    expect(values(out)).toEqual({
      lang_matches: 1,
      statement_link: 1,
      statement_every_page: 1,
      leichte_sprache: 1,
      dgs: 1,
      statement_reachable: 1,
      statement_contents: 1,
      feedback: 1,
      statement_current: 1,
      schlichtung: 1,
    });
    expect(out.status).toBe('pass');
    // 15 March 2026 is the latest date given; 253 days before 23 November 2026.
    expect(out.bitv!.statementAgeDays).toBe(253);
    expect(out.bitv!.signals.statement_link!.evidence).toMatch(
      /^"Erklärung zur Barrierefreiheit" → http:\/\/127\.0\.0\.1:\d+\/bitv\/gut\/barrierefreiheit$/,
    );
    expect(out.bitv!.signals.dgs!.evidence).toMatch(/1 video\(s\)$/);
  }, 30_000);

  it('a site without them fails, naming each missing signal', async () => {
    const out = await bitv('schlecht');
    expect(out).toMatchObject({ status: 'fail', reason: 'bitv_signals' });
    expect(values(out)).toMatchObject({
      lang_matches: 0,
      statement_link: 0,
      statement_every_page: 0,
      leichte_sprache: 0,
      dgs: 0,
      statement_reachable: 0,
      schlichtung: 0,
    });
    expect(out.bitv!.signals.lang_matches!.evidence).toBe('lang="en", text reads as de');
    expect(out.bitv!.signals.dgs!.evidence).toMatch(/0 video\(s\)$/);
  }, 30_000);

  it('a statement without a date and without the Schlichtungsstelle', async () => {
    const out = await bitv('alt');
    expect(values(out)).toMatchObject({
      statement_link: 1,
      statement_reachable: 1,
      statement_contents: 0,
      statement_current: 0,
      feedback: 1,
      schlichtung: 0,
    });
    expect(out.bitv!.signals.statement_contents!.evidence).toBe('missing: date of review');
    expect(out.bitv!.statementAgeDays).toBeUndefined();
  }, 30_000);

  it('a site that is down fails with the network reason, not as an error of ozgwatch', async () => {
    const out = await checkBitv(
      world.context(() => NOW),
      // A port nobody listens on: the connection is refused.
      bitvSpecSchema.parse({ url: `${world.portal.closedPort}/` }),
    );
    expect(out).toMatchObject({ status: 'fail', reason: 'connect' });
    expect(out.message).toMatch(
      /^start page http:\/\/127\.0\.0\.1:\d+\/ did not load: .*ERR_CONNECTION_REFUSED/,
    );
    // Plain text: no terminal colours from Playwright's call log.
    expect(out.message).not.toContain(String.fromCharCode(27));
  });

  it('reads German dates and the language of a text', () => {
    expect(parseGermanDate('15.03.2026')).toBe(Date.UTC(2026, 2, 15));
    expect(parseGermanDate('2. Januar 2026')).toBe(Date.UTC(2026, 0, 2));
    expect(parseGermanDate('2026-11-01')).toBe(Date.UTC(2026, 10, 1));
    expect(parseGermanDate('31.13.2026')).toBeUndefined();
    expect(
      textLanguage(
        'Die Leistung ist für Sie und Ihre Familie nicht mit Kosten verbunden, die Stelle ist bei der Gemeinde.',
      ),
    ).toBe('de');
    expect(
      textLanguage(
        'This is the page for you and your family, and the office is not open on the weekend for the public.',
      ),
    ).toBe('en');
    expect(textLanguage('Kfz')).toBeUndefined();
  });
});
