/**
 * The formal BITV 2.0 signals of a site, decided from what the browser saw: the links of
 * a page, the text of the accessibility statement. Pure functions, so that each rule can
 * be tested on its own; the patterns are data.
 */

export interface PageLink {
  /** Visible text, else aria-label, title or the alt of an image inside. */
  text: string;
  href: string;
}

/** How the link to the accessibility statement is worded (BITV § 7(1)). */
export const STATEMENT_LINK =
  /erkl(ä|ae)rung zur barrierefreiheit|barrierefreiheitserkl(ä|ae)rung|^\s*barrierefreiheit\s*$|accessibility statement/i;
export const EASY_LANGUAGE_LINK = /leichte[\s-]+sprache/i;
export const SIGN_LANGUAGE_LINK = /[Gg]eb(ä|ae)rdensprache|\bDGS\b/;
const FEEDBACK_LINK = /^mailto:|kontakt|feedback|r(ü|ue)ckmeldung|barriere melden/i;

export function findLink(links: readonly PageLink[], pattern: RegExp): PageLink | undefined {
  return links.find((l) => pattern.test(l.text.trim()));
}

export interface StatementContents {
  /** "vollständig / teilweise / nicht vereinbar" (BGG § 12b(2)). */
  complianceStatus: boolean;
  /** A section on content that is not accessible. */
  nonAccessibleContent: boolean;
  /** A way to report barriers: a mailto: or contact link. */
  feedback: boolean;
  /** The latest date given as preparation or review date, epoch ms. */
  reviewedAt?: number;
}

const COMPLIANCE =
  /(vollst(ä|ae)ndig|teilweise|nicht)\s+(barrierefrei|vereinbar|konform)|(vereinbar|konform)\s+mit/i;
const NON_ACCESSIBLE =
  /nicht\s+barrierefrei(e|en)?\s+(inhalte|bereiche|angebote)|nicht\s+vollst(ä|ae)ndig\s+barrierefrei/i;
const MONTHS = [
  'januar',
  'februar',
  'märz',
  'april',
  'mai',
  'juni',
  'juli',
  'august',
  'september',
  'oktober',
  'november',
  'dezember',
];
const DATE_CONTEXT =
  /(stand|erstellt|(ü|ue)berpr(ü|ue)ft|aktualisiert|zuletzt)[^.\n]{0,40}?(\d{1,2}\.\s?\d{1,2}\.\s?\d{4}|\d{4}-\d{2}-\d{2}|\d{1,2}\.\s?(januar|februar|m(ä|ae)rz|april|mai|juni|juli|august|september|oktober|november|dezember)\s+\d{4})/gi;

/** Reads the required parts of a statement from its text and links. */
export function statementContents(text: string, links: readonly PageLink[]): StatementContents {
  let reviewedAt: number | undefined;
  for (const m of text.matchAll(DATE_CONTEXT)) {
    const at = parseGermanDate(m[4] ?? '');
    if (at !== undefined && (reviewedAt === undefined || at > reviewedAt)) reviewedAt = at;
  }
  return {
    complianceStatus: COMPLIANCE.test(text),
    nonAccessibleContent: NON_ACCESSIBLE.test(text),
    feedback: links.some((l) => FEEDBACK_LINK.test(l.href) || FEEDBACK_LINK.test(l.text)),
    ...(reviewedAt !== undefined ? { reviewedAt } : {}),
  };
}

/** `12.03.2025`, `2025-03-12`, `12. März 2025` → epoch ms (UTC midnight); undefined when not a date. */
export function parseGermanDate(text: string): number | undefined {
  let m = /^(\d{1,2})\.\s?(\d{1,2})\.\s?(\d{4})$/.exec(text.trim());
  if (m) return utc(Number(m[3]), Number(m[2]), Number(m[1]));
  m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text.trim());
  if (m) return utc(Number(m[1]), Number(m[2]), Number(m[3]));
  m = /^(\d{1,2})\.\s?([a-zäA-ZÄ]+)\s+(\d{4})$/.exec(text.trim());
  if (m) {
    const month = MONTHS.indexOf((m[2] ?? '').toLowerCase().replace('maerz', 'märz')) + 1;
    if (month > 0) return utc(Number(m[3]), month, Number(m[1]));
  }
  return undefined;
}

function utc(year: number, month: number, day: number): number | undefined {
  if (month < 1 || month > 12 || day < 1 || day > 31) return undefined;
  return Date.UTC(year, month - 1, day);
}

const GERMAN = /\b(und|der|die|das|nicht|mit|für|sie|ist|werden|eine?|zur|zum|auf|bei)\b/gi;
const ENGLISH = /\b(and|the|not|with|for|you|is|are|this|that|your|on|at)\b/gi;

/**
 * The language the text is mostly written in, by counting frequent function words:
 * `de`, `en`, or undefined when the text is too short to tell.
 */
export function textLanguage(text: string): 'de' | 'en' | undefined {
  const de = text.match(GERMAN)?.length ?? 0;
  const en = text.match(ENGLISH)?.length ?? 0;
  if (de + en < 8) return undefined;
  if (de >= 2 * en) return 'de';
  if (en >= 2 * de) return 'en';
  return undefined;
}
