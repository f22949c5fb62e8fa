/**
 * Soft hyphens for the narrow columns of the report's wide tables. Chromium hyphenates
 * (`hyphens: auto`) only with dictionaries it downloads while running, which a Chromium
 * started with `--disable-component-update` never does: a long German word in a 15-column
 * table was then cut wherever its column ended ("Schlichtungsste-lle" without a hyphen).
 * The TeX patterns of the `hyphen` package break words where a reader expects it.
 */
import createHyphenator from 'hyphen';
import de from 'hyphen/patterns/de-1996.js';
import en from 'hyphen/patterns/en-us.js';

// Without `async: true` the factory's function is synchronous; its types cannot tell.
const HYPHENATORS = {
  de: createHyphenator(de) as createHyphenator.HyphenationFunctionSync,
  en: createHyphenator(en) as createHyphenator.HyphenationFunctionSync,
};

/** `text` with a soft hyphen (U+00AD) at each place a line may break inside a word. */
export function softHyphens(text: string, lang: 'de' | 'en'): string {
  return HYPHENATORS[lang](text);
}
