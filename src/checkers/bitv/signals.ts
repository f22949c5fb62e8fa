/**
 * The formal BITV 2.0 signals of a site, decided from what the browser saw: the links of
 * a page, the text of the accessibility statement. Pure functions, so that each rule can
 * be tested on its own; the patterns are data.
 */

export interface PageLink {
  /** Visible text, else aria-label, title or the alt of an image inside. */
  text: string;
  href: string;
  /** In the page's content, not its header, navigation, footer or sidebar (when known). */
  inContent?: boolean;
  /** The MIME type the link announces (`type="application/pdf"`), when it has one. */
  type?: string;
  /** The link asks to be downloaded (`download` attribute). */
  download?: boolean;
}

/**
 * How a link to the accessibility statement says what it is (BITV § 7(1)): the statement's
 * name in German or English. A link named only "Barrierefreiheit" often is one, but may
 * also lead to a page about accessible buildings: see {@link WEAK_STATEMENT_LINK}.
 */
const STATEMENT_NAME =
  /erkl(ä|ae)rung\s+zur\s+(digitalen\s+)?barrierefreiheit|barrierefreiheits-?\s?erkl(ä|ae)rung|accessibility\s+statement|(statement|declaration)\s+(on|of)\s+accessibility/i;
/** Addresses that name the statement, whatever the link text says. */
const STATEMENT_ADDRESS =
  /barrierefreiheits-?erkl(ae|ä|%c3%a4)rung|erkl(ae|ä|%c3%a4)rung-zur-(digitalen-)?barrierefreiheit|accessibility-statement/i;
/** A link named only "Barrierefreiheit" / "Accessibility": the statement only if its page says so. */
export const WEAK_STATEMENT_LINK = /^\s*(barrierefreiheit|accessibility)\s*$/i;
/** How the link to the accessibility statement is worded: the strong names and the weak one. */
export const STATEMENT_LINK = new RegExp(
  `${STATEMENT_NAME.source}|${WEAK_STATEMENT_LINK.source}`,
  'i',
);
/** "Leichte Sprache", "In Leichter Sprache", "Easy Read"; not "Einfache Sprache", which is another thing. */
export const EASY_LANGUAGE_LINK = /leichte[rn]?[\s-]+sprache|easy[\s-]+(to[\s-]+)?read/i;
const EASY_LANGUAGE_ADDRESS = /leichte-?sprache|easy-?read/i;
/** "Gebärdensprache", "Deutsche Gebärden-Sprache", "Gebärdensprachvideos", "DGS", "Sign language". */
export const SIGN_LANGUAGE_LINK = /geb(ä|ae)rden[\s-]*sprach|\bDGS\b|sign\s+language/i;
const SIGN_LANGUAGE_ADDRESS = /geb(ae|ä|%c3%a4)rden-?sprach|\/dgs([/.?#-]|$)|sign-?language/i;
const FEEDBACK_LINK = /^mailto:|kontakt|feedback|r(ü|ue)ckmeldung|barriere[\s-]?melden/i;

/** Where a link's address names the page, for the patterns that have one. */
const ADDRESS_OF = new Map<RegExp, RegExp>([
  [STATEMENT_LINK, STATEMENT_ADDRESS],
  [EASY_LANGUAGE_LINK, EASY_LANGUAGE_ADDRESS],
  [SIGN_LANGUAGE_LINK, SIGN_LANGUAGE_ADDRESS],
]);

/**
 * The link a pattern finds: by its name first, else by its address (`/leichte-sprache`).
 * For the statement, a link that names it outranks one named only "Barrierefreiheit",
 * wherever on the page either is.
 */
export function findLink(links: readonly PageLink[], pattern: RegExp): PageLink | undefined {
  const address = ADDRESS_OF.get(pattern);
  const byAddress = (l: PageLink): boolean => address !== undefined && address.test(pathOf(l.href));
  if (pattern === STATEMENT_LINK) {
    return (
      links.find((l) => STATEMENT_NAME.test(l.text)) ??
      links.find(byAddress) ??
      links.find((l) => WEAK_STATEMENT_LINK.test(l.text))
    );
  }
  return links.find((l) => pattern.test(l.text.trim())) ?? links.find(byAddress);
}

/** Whether the statement link was found only by the weak name "Barrierefreiheit". */
export function isWeakStatementLink(link: PageLink): boolean {
  return !STATEMENT_NAME.test(link.text) && !STATEMENT_ADDRESS.test(pathOf(link.href));
}

/** Whether a page's text reads as an accessibility statement (its name, or a compliance status). */
export function looksLikeStatement(text: string): boolean {
  return STATEMENT_NAME.test(text) || COMPLIANCE_STATUS.test(text);
}

function pathOf(href: string): string {
  try {
    const url = new URL(href);
    return `${url.hostname}${url.pathname}`;
  } catch {
    return href;
  }
}

export interface StatementContents {
  /** "vollständig / teilweise / nicht vereinbar" (BGG § 12b(2)). */
  complianceStatus: boolean;
  /** A section on content that is not accessible. */
  nonAccessibleContent: boolean;
  /**
   * A way to report barriers: a mailto: or contact link in the statement's content (a
   * "Kontakt" item of the site's menu, on every page, is no feedback mechanism).
   */
  feedback: boolean;
  /** The latest date given as preparation or review date, epoch ms. */
  reviewedAt?: number;
}

const COMPLIANCE =
  /(vollst(ä|ae)ndig|teilweise|nicht)\s+(barrierefrei|vereinbar|konform)|(vereinbar|konform)\s+mit/i;
/** The compliance status as statements word it: "(teilweise) vereinbar mit …". */
const COMPLIANCE_STATUS =
  /(vollst(ä|ae)ndig|teilweise|nicht)\s+(vereinbar|konform)|(vereinbar|konform)\s+mit\s+(der\s+)?(bitv|§|den\s+anforderungen)/i;
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
const MONTH =
  '(?:jan(?:uar)?|feb(?:ruar)?|m(?:ä|ae)r(?:z)?|apr(?:il)?|mai|jun[i]?|jul[i]?|aug(?:ust)?|sep(?:t(?:ember)?)?|okt(?:ober)?|nov(?:ember)?|dez(?:ember)?)\\.?';
/** `23.09.2025`, `23.09.25`, `2025-09-23`, `23. September 2025`, `September 2025`, `09/2025`. */
const DATE = `(\\d{1,2}\\.\\s?\\d{1,2}\\.\\s?(?:\\d{4}|\\d{2}(?!\\d))|\\d{4}-\\d{2}-\\d{2}|(?:\\d{1,2}\\.\\s?)?(?<![a-zäöüß])${MONTH}\\s+\\d{4}|\\d{1,2}\\/\\d{4})`;
/** Words that say a date is when the statement was made or reviewed. */
const WHEN =
  '(?:stand|erstell(?:t|ung)|(?:ü|ue)berpr(?:ü|ue)f(?:t|ung)|gepr(?:ü|ue)ft|pr(?:ü|ue)fung|aktualisier(?:t|ung)|zuletzt|datum)';
// The word before the date ("Stand: 23. September 2025", also across one line break, as in
// a table), or after it in the same sentence ("wurde am 23.09.2025 erstellt").
const DATE_AFTER_WORD = new RegExp(`${WHEN}[^.\\n]{0,40}?\\n?[^.\\n\\d]{0,20}?${DATE}`, 'gi');
const DATE_BEFORE_WORD = new RegExp(`${DATE}[^.\\n]{0,30}?${WHEN}`, 'gi');

/** Reads the required parts of a statement from its text and links. */
export function statementContents(text: string, links: readonly PageLink[]): StatementContents {
  let reviewedAt: number | undefined;
  for (const m of [...text.matchAll(DATE_AFTER_WORD), ...text.matchAll(DATE_BEFORE_WORD)]) {
    const at = parseGermanDate(m[1] ?? '');
    if (at !== undefined && (reviewedAt === undefined || at > reviewedAt)) reviewedAt = at;
  }
  return {
    complianceStatus: COMPLIANCE.test(text),
    nonAccessibleContent: NON_ACCESSIBLE.test(text),
    feedback: links.some(
      (l) =>
        l.inContent !== false &&
        (/^mailto:/i.test(l.href) || FEEDBACK_LINK.test(l.href) || FEEDBACK_LINK.test(l.text)),
    ),
    ...(reviewedAt !== undefined ? { reviewedAt } : {}),
  };
}

/**
 * `12.03.2025`, `12.3.25`, `2025-03-12`, `12. März 2025`, `12. Sept. 2025`, `März 2025`,
 * `03/2025` → epoch ms (UTC midnight); undefined when not a date. A month without a day
 * is its first day: the statement is at least that old.
 */
export function parseGermanDate(text: string): number | undefined {
  const t = text.trim().toLowerCase();
  let m = /^(\d{1,2})\.\s?(\d{1,2})\.\s?(\d{4}|\d{2})$/.exec(t);
  if (m) return utc(year(m[3] ?? ''), Number(m[2]), Number(m[1]));
  m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(t);
  if (m) return utc(Number(m[1]), Number(m[2]), Number(m[3]));
  m = /^(\d{1,2})\/(\d{4})$/.exec(t);
  if (m) return utc(Number(m[2]), Number(m[1]), 1);
  m = /^(?:(\d{1,2})\.\s?)?([a-zä]+)\.?\s+(\d{4})$/.exec(t);
  if (m) {
    const name = (m[2] ?? '').replace('ae', 'ä');
    const month = name.length >= 3 ? MONTHS.findIndex((full) => full.startsWith(name)) + 1 : 0;
    if (month > 0) return utc(Number(m[3]), month, m[1] ? Number(m[1]) : 1);
  }
  return undefined;
}

/** `25` → 2025: statements are from this century. */
function year(digits: string): number {
  return digits.length === 2 ? 2000 + Number(digits) : Number(digits);
}

function utc(y: number, month: number, day: number): number | undefined {
  if (month < 1 || month > 12 || day < 1 || day > 31) return undefined;
  const at = Date.UTC(y, month - 1, day);
  // 31.02. is no date: Date.UTC would make it 3 March.
  return new Date(at).getUTCDate() === day ? at : undefined;
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
