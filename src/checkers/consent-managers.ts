/**
 * The consent managers (cookie banners) ozgwatch knows, and how their markup is recognised.
 * One table for every checker that must tell a consent layer from the page: the
 * accessibility checker looks them up with CSS in the live page (Playwright), the
 * media-break detector tests the markup it reads (ids, classes, attributes) with a regular
 * expression. Both views are built from the same names, so a manager added here is known
 * to both.
 */

/** One consent manager (or one family of generic names) and the names its markup carries. */
export interface ConsentManager {
  /** Product name, for documentation and tests. */
  name: string;
  /**
   * Fragments found anywhere in the ids, classes or attribute values of its layer
   * (`usercentrics` in `#usercentrics-cmp-ui`), compared without case.
   */
  contains: readonly string[];
  /**
   * Fragments that start a name (`uc-` in `uc-banner`, not in `duc-x`): too short or too
   * common to be looked for anywhere in a name.
   */
  prefixes?: readonly string[];
}

/**
 * Consent managers seen on German public-sector sites, commercial and self-hosted. Names in
 * `contains` must be specific enough not to occur in a page's own content markup.
 */
export const CONSENT_MANAGERS: readonly ConsentManager[] = [
  // Usercentrics: #usercentrics-root (v2), #usercentrics-cmp-ui (v3, in a shadow root).
  { name: 'Usercentrics', contains: ['usercentrics'], prefixes: ['uc-'] },
  { name: 'Cookiebot', contains: ['cybot', 'cookiebot'] },
  { name: 'OneTrust', contains: ['onetrust', 'ot-sdk'] },
  // consentmanager.net: #cmpbox, #cmpwrapper (the generic `cmp` prefix covers them too).
  { name: 'consentmanager', contains: ['cmpbox', 'cmpwrapper', 'consentmanager'] },
  { name: 'Borlabs Cookie', contains: ['borlabs', 'brlbs'] },
  // Klaro (self-hosted, common with municipalities): .klaro, .cm-modal, .cm-btn …
  {
    name: 'Klaro',
    contains: ['klaro'],
    prefixes: ['cm-modal', 'cm-app', 'cm-btn', 'cm-body'],
  },
  { name: 'CCM19', contains: ['ccm19'], prefixes: ['ccm-'] },
  { name: 'Didomi', contains: ['didomi'] },
  { name: 'Complianz', contains: ['cmplz', 'complianz'] },
  { name: 'CookieYes', contains: ['cookieyes'], prefixes: ['cky-'] },
  { name: 'Osano', contains: ['osano-cm'] },
  // Osano's open-source cookieconsent (.cc-window) and orestbida's CookieConsent (#cc-main).
  { name: 'cookieconsent', prefixes: ['cc-window', 'cc-banner', 'cc-main'], contains: [] },
  { name: 'tarteaucitron', contains: ['tarteaucitron'] },
  { name: 'iubenda', contains: ['iubenda'] },
  // `truste-`, not `truste`: "trusted" is a common word in class names.
  { name: 'TrustArc', contains: ['truste-', 'trustarc'] },
  { name: 'Sourcepoint', contains: ['sp_message', 'privacy-mgmt'] },
  { name: 'Quantcast Choice', contains: ['qc-cmp'] },
  { name: 'Real Cookie Banner', prefixes: ['rcb-'], contains: [] },
  { name: 'CookieFirst', contains: ['cookiefirst'] },
  // Self-hosted TYPO3 and Drupal extensions: cookieman, sg_cookie_optin, EU Cookie Compliance.
  { name: 'cookieman (TYPO3)', contains: ['cookieman'] },
  { name: 'sg_cookie_optin (TYPO3)', contains: ['sgcookieoptin'] },
  { name: 'EU Cookie Compliance (Drupal)', contains: ['eu-cookie-compliance'] },
  // What sites call their own banners.
  {
    name: 'generic',
    contains: [
      'cookie',
      'consent',
      'gdpr',
      'dsgvo',
      'privacy-banner',
      'privacybanner',
      'privacy-settings',
      'privacysettings',
      'privacy-center',
      'privacycenter',
      'privacy-manager',
      'privacymanager',
      'datenschutz-banner',
      'datenschutzbanner',
      'datenschutz-einstellung',
      'datenschutzeinstellung',
      'datenschutz-layer',
      'datenschutzlayer',
    ],
    prefixes: ['cmp'],
  },
];

/**
 * A CSS selector list that matches the elements whose id or class carries a consent
 * manager's name (case-insensitive): for `querySelectorAll` and Playwright locators.
 * Prefixes match at the start of an id or of a class.
 */
export function consentSelector(managers: readonly ConsentManager[] = CONSENT_MANAGERS): string {
  const parts: string[] = [];
  for (const m of managers) {
    for (const name of m.contains) {
      parts.push(`[id*="${name}" i]`, `[class*="${name}" i]`);
    }
    for (const name of m.prefixes ?? []) {
      parts.push(`[id^="${name}" i]`, `[class^="${name}" i]`, `[class*=" ${name}" i]`);
    }
  }
  return parts.join(', ');
}

/**
 * A regular expression (case-insensitive) that finds a consent manager's name in markup
 * text: `id="…"` and `class="…"` of HTML, the `name=value` pairs of an element's
 * attributes, or an id and class names joined by spaces. A prefix counts after anything
 * but a letter or digit. Its `source` can be handed to a script in the page.
 */
export function consentMarkupPattern(
  managers: readonly ConsentManager[] = CONSENT_MANAGERS,
): RegExp {
  const contains = managers.flatMap((m) => m.contains).map(escape);
  const prefixes = managers.flatMap((m) => m.prefixes ?? []).map(escape);
  const alternatives = [
    ...(contains.length > 0 ? [contains.join('|')] : []),
    ...(prefixes.length > 0 ? [`(?:^|[^a-z0-9])(?:${prefixes.join('|')})`] : []),
  ];
  return new RegExp(`(?:${alternatives.join('|')})`, 'i');
}

/** The consent manager whose name the markup carries (a named product before `generic`). */
export function consentManagerOf(
  markup: string,
  managers: readonly ConsentManager[] = CONSENT_MANAGERS,
): ConsentManager | undefined {
  return managers.find((m) => consentMarkupPattern([m]).test(markup));
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
