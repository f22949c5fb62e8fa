/**
 * German text as the lexicon sees it: one normal form for the many ways a page writes the
 * same word (case, umlauts or their transliteration, ß or ss, soft hyphens, non-breaking
 * spaces, words broken over lines), cut into sentences and clauses.
 */

const SOFT_HYPHEN = /\u00ad/g;
const ZERO_WIDTH = /[\u200b-\u200d\u2060\ufeff]/g;
const SPACES = /[\s\u00a0\u2000-\u200a\u202f\u205f\u3000]+/g;
const DASHES = /[\u2010-\u2015\u2212]/g;

/** Lower case, ä→ae ö→oe ü→ue ß→ss, no soft hyphens, single spaces, "Unter-\nschrift" joined. */
export function normalise(text: string): string {
  return (
    text
      .replace(SOFT_HYPHEN, '')
      .replace(ZERO_WIDTH, '')
      .replace(DASHES, '-')
      // A word broken over lines: a hyphen at the end of a line before a lower-case letter.
      .replace(/([a-zäöüß])-[ \t]*\r?\n[ \t]*([a-zäöüß])/g, '$1$2')
      .replace(SPACES, ' ')
      .toLowerCase()
      .replace(/ä/g, 'ae')
      .replace(/ö/g, 'oe')
      .replace(/ü/g, 'ue')
      .replace(/ß/g, 'ss')
      .replace(/[„“”‚‘’«»]/g, '"')
      .trim()
  );
}

/**
 * Sentences of normalised text. A full stop ends a sentence unless it belongs to a known
 * abbreviation, a number (dates, "3. Stock") or a single letter.
 */
export function sentences(text: string, abbreviations: readonly string[]): string[] {
  // A private-use character stands in for full stops that do not end a sentence.
  let masked = text;
  for (const abbreviation of abbreviations) {
    masked = masked.split(abbreviation).join(abbreviation.replace(/\./g, '\ue000'));
  }
  masked = masked
    // Dates and decimals (15.03.2026, 1.5), ordinals (im 3. stock), single letters (z. b.).
    .replace(/(\d)\.(?=\d)/g, '$1\ue000')
    .replace(/(^|\s)(\d{1,2})\.(?=\s[a-z])/g, '$1$2\ue000')
    .replace(/\b([a-z])\.(?=\s?[a-z]\.)/g, '$1\ue000');
  return masked
    .split(/(?<=[.!?])\s+|\s*[\n\r]+\s*/)
    .map((s) => s.replace(/\ue000/g, '.').trim())
    .filter((s) => s.length > 0);
}

/** Clauses of a sentence: where a negation stops (", sondern", "; ", ", aber" …). */
export function clauses(sentence: string, breaks: readonly string[]): string[] {
  // A pair of dashes sets off an aside inside one clause ("Den Bescheid senden wir Ihnen – wie
  // alle Entscheidungen – per Post zu", "Ein Erscheinen ist – anders als früher – nicht mehr
  // erforderlich"): the dashes are dropped, so what the aside interrupts stays one clause and
  // the words around the aside stay neighbours. A single dash still separates clauses.
  let parts = [sentence.replace(/ - ((?:(?! - ).){1,80}?) - /g, ' $1 ')];
  for (const cut of breaks) parts = parts.flatMap((p) => p.split(cut));
  return parts.map((p) => p.trim()).filter((p) => p.length > 0);
}

/**
 * The passage of `original` whose normal form is `normalised` (a sentence cut from
 * `normalise(original)`), as the page wrote it — case, umlauts and ß intact — for evidence a
 * person reads. Undefined when it cannot be found.
 */
export function originalOf(original: string, normalised: string): string | undefined {
  let folded = '';
  const at: number[] = [];
  for (let i = 0; i < original.length; i++) {
    const piece = normalise(original[i] as string);
    const space = /\s/.test(original[i] as string);
    if (space && (folded.length === 0 || folded.endsWith(' '))) continue;
    for (const c of space ? ' ' : piece) {
      folded += c;
      at.push(i);
    }
  }
  const from = folded.indexOf(normalised);
  if (from < 0 || normalised.length === 0) return undefined;
  const to = from + normalised.length - 1;
  return original
    .slice(at[from], (at[to] as number) + 1)
    .replace(/\u00ad/g, '')
    .trim();
}
