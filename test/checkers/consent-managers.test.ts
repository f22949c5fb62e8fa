import { describe, expect, it } from 'vitest';
import {
  CONSENT_MANAGERS,
  consentManagerOf,
  consentMarkupPattern,
  consentSelector,
} from '../../src/checkers/consent-managers.ts';

/**
 * Markup the media-break detector has told apart as consent layers with its own regular
 * expression (one sample per alternative), in the two forms it reads: an element's id and
 * class names joined by spaces, and its attributes as `name=value` pairs.
 */
const MEDIA_BREAKS_KNEW = [
  ' cookie-hinweis',
  'consent-layer ',
  ' gdpr-box',
  'dsgvo-hinweis ',
  ' cmp-container',
  'usercentrics-root ',
  ' uc-banner',
  'id=uc-center-container',
  'CybotCookiebotDialog ',
  'BorlabsCookieBox ',
  ' brlbs-cmpnt-container',
  'klaro ',
  ' cm-modal cm-klaro',
  ' cm-btn-success',
  'ccm19-banner ',
  'ccm-root ',
  'onetrust-banner-sdk ',
  ' ot-sdk-container',
  'didomi-host ',
  ' cmplz-cookiebanner',
  'complianz-banner ',
  'tarteaucitronRoot ',
  'iubenda-cs-banner ',
  ' privacy-banner',
  ' privacysettings',
  ' privacy-center',
  ' privacymanager',
  ' datenschutz-banner',
  ' datenschutzeinstellungen',
  ' datenschutz-layer',
];

/** Markup of a procedure page that no consent manager's name may match. */
const NOT_CONSENT = [
  'id=ablauf class=accordion',
  ' teaser-kontakt',
  'class=trusted-shops-badge',
  'class=educ-box',
  'id=documentation',
  'class=accommodation',
  'class=ucfirst',
  'role=dialog aria-labelledby=antrag-titel',
];

describe('the table of consent managers', () => {
  it('its markup view finds everything the media-break detector found with its own expression', () => {
    const pattern = consentMarkupPattern();
    expect(MEDIA_BREAKS_KNEW.filter((m) => !pattern.test(m))).toEqual([]);
    expect(NOT_CONSENT.filter((m) => pattern.test(m))).toEqual([]);
  });

  it('finds a prefix only at the start of a name, a fragment anywhere in one', () => {
    const pattern = consentMarkupPattern();
    expect(pattern.test('class="x uc-embedding"')).toBe(true);
    expect(pattern.test('class="duc-x"')).toBe(false);
    expect(pattern.test('id="mein-Usercentrics-Layer"')).toBe(true);
  });

  it('names the manager a markup belongs to, the product before the generic names', () => {
    expect(consentManagerOf('id="usercentrics-cmp-ui"')?.name).toBe('Usercentrics');
    expect(consentManagerOf('id="CybotCookiebotDialog"')?.name).toBe('Cookiebot');
    expect(consentManagerOf('class="klaro cm-modal"')?.name).toBe('Klaro');
    expect(consentManagerOf('id="ccm-widget"')?.name).toBe('CCM19');
    expect(consentManagerOf('id="cookie-hinweis"')?.name).toBe('generic');
    expect(consentManagerOf('id="inhalt"')).toBeUndefined();
    // Every entry can be told by its own names.
    for (const m of CONSENT_MANAGERS) {
      const name = m.contains[0] ?? m.prefixes?.[0] ?? '';
      expect(consentManagerOf(` ${name}`)?.name, name).toBe(m.name);
    }
  });

  it('its CSS view has a selector for each name, case-insensitive', () => {
    const selector = consentSelector();
    for (const m of CONSENT_MANAGERS) {
      for (const name of m.contains) expect(selector).toContain(`[class*="${name}" i]`);
      for (const name of m.prefixes ?? []) expect(selector).toContain(`[class*=" ${name}" i]`);
    }
  });
});
