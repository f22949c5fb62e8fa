import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkBitv } from '../../../src/checkers/bitv/check.ts';
import {
  EASY_LANGUAGE_LINK,
  findLink,
  parseGermanDate,
  SIGN_LANGUAGE_LINK,
  STATEMENT_LINK,
  statementContents,
  textLanguage,
} from '../../../src/checkers/bitv/signals.ts';
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

/** Every BITV signal present: what a site that does everything right gets. */
const EVERY_SIGNAL = {
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
};

const values = (o: Outcome): Record<string, number> =>
  Object.fromEntries(Object.entries(o.bitv!.signals).map(([k, v]) => [k, v.value]));

describe('BITV signals', () => {
  it('a site with statement, Leichte Sprache and DGS has every signal, with evidence', async () => {
    const out = await bitv('gut', ['unterseite']);
    expect(values(out)).toEqual(EVERY_SIGNAL);
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

  it('finds the statement behind other wording: a footer web component, an image link, after a "Barrierefreiheit" link to another page', async () => {
    const out = await bitv('varianten');
    expect(values(out)).toEqual(EVERY_SIGNAL);
    expect(out.bitv!.signals.statement_link!.evidence).toBe(
      `"Erklärung zur Barrierefreiheit" → ${world.portal.http}/bitv/varianten/erklaerung`,
    );
    expect(out.bitv!.signals.leichte_sprache!.evidence).toMatch(/^"In Leichter Sprache" → /);
    expect(out.bitv!.signals.dgs!.evidence).toMatch(/^"Gebärdensprachvideos" → .*1 video\(s\)$/);
    // "Stand" and "23. September 2026" in a definition list: 61 days before 23 November.
    expect(out.bitv!.statementAgeDays).toBe(61);
  }, 30_000);

  it('finds the statement and Leichte Sprache in a footer a script adds after load or after a fetch', async () => {
    for (const site of ['spaet', 'abruf']) {
      const out = await bitv(site);
      expect(values(out), site).toMatchObject({
        statement_link: 1,
        statement_reachable: 1,
        leichte_sprache: 1,
        dgs: 1,
      });
      expect(out.bitv!.signals.statement_link!.evidence, site).toBe(
        `"Erklärung zur Barrierefreiheit" → ${world.portal.http}/bitv/gut/barrierefreiheit`,
      );
    }
  }, 30_000);

  it('a link "Barrierefreiheit" to a page that is no statement is no statement link', async () => {
    const out = await bitv('bauen');
    expect(values(out)).toMatchObject({ statement_link: 0, statement_reachable: 0 });
    expect(out.bitv!.signals.statement_link!.evidence).toBe(
      `"Barrierefreiheit" → ${world.portal.http}/bitv/varianten/barrierefreies-bauen is no accessibility statement (neither the statement's name nor a compliance status on the page)`,
    );
  }, 30_000);

  it("a statement whose only contact is the site's menu has no feedback mechanism; no lang is no language", async () => {
    const out = await bitv('ohne-feedback');
    expect(values(out)).toMatchObject({
      lang_matches: 0,
      statement_link: 1,
      statement_contents: 1,
      statement_current: 1,
      feedback: 0,
      schlichtung: 0,
    });
    expect(out.bitv!.signals.lang_matches!.evidence).toBe(
      'no lang attribute on <html>, text reads as de',
    );
    // "zuletzt aktualisiert am 01.02.2026"
    expect(out.bitv!.statementAgeDays).toBe(295);
  }, 30_000);

  it('a Land without known Schlichtungsstelle needs its host names in the probe', () => {
    const parsed = bitvSpecSchema.safeParse({ url: 'https://www.landkreis.example/', land: 'BY' });
    expect(parsed.error?.issues[0]).toMatchObject({
      path: ['schlichtungsstelle'],
      message: expect.stringContaining('no Schlichtungsstelle for land BY') as unknown,
    });
    expect(
      bitvSpecSchema.safeParse({
        url: 'https://www.landkreis.example/',
        land: 'BY',
        schlichtungsstelle: ['www.schlichtungsstelle-bgg.de'],
      }).success,
    ).toBe(true);
  });

  it('recognises the links by their wording and address variants', () => {
    const link = (
      text: string,
      href = 'https://kreis.example/x',
    ): { text: string; href: string } => ({
      text,
      href,
    });
    for (const text of [
      'Erklärung zur Barrierefreiheit',
      'Barrierefreiheitserklärung',
      'Erklärung zur digitalen Barrierefreiheit',
      'Barrierefreiheit',
      'Accessibility statement',
    ]) {
      expect(findLink([link('Impressum'), link(text)], STATEMENT_LINK)?.text, text).toBe(text);
    }
    // A link that names the statement outranks a bare "Barrierefreiheit" before it.
    expect(
      findLink(
        [
          link('Barrierefreiheit', 'https://kreis.example/bauen'),
          link('Barrierefreiheitserklärung'),
        ],
        STATEMENT_LINK,
      )?.text,
    ).toBe('Barrierefreiheitserklärung');
    expect(
      findLink([link('BF', 'https://kreis.example/barrierefreiheitserklaerung')], STATEMENT_LINK)
        ?.href,
    ).toBe('https://kreis.example/barrierefreiheitserklaerung');
    for (const text of ['Leichte Sprache', 'In Leichter Sprache', 'Leichte-Sprache', 'Easy Read']) {
      expect(findLink([link(text)], EASY_LANGUAGE_LINK)?.text, text).toBe(text);
    }
    expect(findLink([link('Einfache Sprache')], EASY_LANGUAGE_LINK)).toBeUndefined();
    expect(
      findLink([link('LS', 'https://kreis.example/leichte-sprache/')], EASY_LANGUAGE_LINK),
    ).toBeDefined();
    for (const text of [
      'Gebärdensprache',
      'GEBÄRDENSPRACHE',
      'Deutsche Gebärden-Sprache',
      'Gebärdensprachvideos',
      'DGS',
      'Sign language',
    ]) {
      expect(findLink([link(text)], SIGN_LANGUAGE_LINK)?.text, text).toBe(text);
    }
    expect(
      findLink([link('Video', 'https://kreis.example/dgs/')], SIGN_LANGUAGE_LINK),
    ).toBeDefined();
  });

  it("reads the statement's date in the forms statements use", () => {
    const at = (text: string): number | undefined => statementContents(text, []).reviewedAt;
    expect(at('Stand: 23. September 2025')).toBe(Date.UTC(2025, 8, 23));
    expect(at('Diese Erklärung wurde zuletzt aktualisiert am 01.02.2024.')).toBe(
      Date.UTC(2024, 1, 1),
    );
    expect(at('Diese Erklärung wurde am 23.09.2025 erstellt.')).toBe(Date.UTC(2025, 8, 23));
    expect(at('Datum der Erstellung:\n12. Sept. 2025')).toBe(Date.UTC(2025, 8, 12));
    expect(at('Letzte Überprüfung: März 2025')).toBe(Date.UTC(2025, 2, 1));
    expect(at('Stand: 03/2025')).toBe(Date.UTC(2025, 2, 1));
    expect(at('Stand 12.3.25')).toBe(Date.UTC(2025, 2, 12));
    expect(at('Die BITV 2.0 vom 21. Mai 2019 gilt.')).toBeUndefined();
    expect(parseGermanDate('31.02.2026')).toBeUndefined();
  });

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
