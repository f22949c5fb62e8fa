import { SOFT_ERROR_PHRASES, type SoftErrorPhrase } from './soft-error-lexicon.ts';

export interface SoftErrorFinding extends SoftErrorPhrase {
  /** Where the phrase was found: `title`, `heading` or `text` (short pages only). */
  where: 'title' | 'heading' | 'text';
}

/**
 * Pages whose whole visible text is shorter than this are judged by all of it;
 * longer pages only by title and headings. A real service page may well mention
 * "Seite nicht gefunden" in a FAQ; an error page says little else.
 */
const SHORT_PAGE_CHARS = 1500;

/**
 * Detects an error or maintenance page delivered with a success status.
 * Cheap on purpose (regular expressions, no DOM): it runs on every HTTP run.
 */
export function detectSoftError(html: string): SoftErrorFinding | undefined {
  const title = normalise(textOf(firstMatch(html, /<title[^>]*>([\s\S]*?)<\/title>/i)));
  const headings = [...html.matchAll(/<h[12][^>]*>([\s\S]*?)<\/h[12]>/gi)]
    .slice(0, 5)
    .map((m) => normalise(textOf(m[1] ?? '')));
  const candidates: [SoftErrorFinding['where'], string][] = [
    ['title', title],
    ...headings.map((h): [SoftErrorFinding['where'], string] => ['heading', h]),
  ];
  const text = normalise(textOf(bodyOf(html)));
  if (text.length <= SHORT_PAGE_CHARS) candidates.push(['text', text]);

  for (const [where, value] of candidates) {
    if (value === '') continue;
    const hit = SOFT_ERROR_PHRASES.find((p) => value.includes(p.phrase));
    if (hit) return { ...hit, where };
  }
  return undefined;
}

function firstMatch(html: string, re: RegExp): string {
  return re.exec(html)?.[1] ?? '';
}

function bodyOf(html: string): string {
  const start = html.search(/<body[\s>]/i);
  return start >= 0 ? html.slice(start) : html;
}

/** Visible text, roughly: scripts, styles and tags dropped, common entities decoded. */
function textOf(fragment: string): string {
  return fragment
    .replace(/<(script|style|noscript|template)\b[\s\S]*?<\/\1>/gi, ' ')
    .replace(/<!--[\s\S]*?-->/g, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&shy;|&#173;|\u00ad/gi, '')
    .replace(/&nbsp;|&#160;/gi, ' ')
    .replace(/&([aouAOU])uml;/g, (_, vowel: string) => `${vowel}\u0308`.normalize('NFC'))
    .replace(/&szlig;/g, 'ß')
    .replace(/&amp;/g, '&')
    .replace(/&#(\d{1,7});/g, (_, code: string) => codePoint(Number(code)));
}

function codePoint(code: number): string {
  return code <= 0x10ffff ? String.fromCodePoint(code) : ' ';
}

function normalise(text: string): string {
  return text.toLowerCase().replace(/ß/g, 'ss').replace(/\s+/g, ' ').trim();
}
