/**
 * What an axe-core rule means, in words an accessibility officer reads without knowing
 * axe-core: its short description in the report's language, the WCAG success criteria it
 * tests with their titles, and the people a failure keeps out.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Lang } from './texts.ts';
import { WCAG21_AA } from './wcag.ts';

/**
 * axe-core ships its rules' descriptions translated (`locales/de.json`); the stored
 * results carry the English ones. Read once, on first use; a missing file leaves English.
 */
let german: Readonly<Record<string, { help?: string }>> | undefined;

function germanHelp(ruleId: string): string | undefined {
  if (german === undefined) {
    try {
      const file = createRequire(import.meta.url).resolve('axe-core/locales/de.json');
      const parsed = JSON.parse(readFileSync(file, 'utf8')) as {
        rules?: Record<string, { help?: string }>;
      };
      german = parsed.rules ?? {};
    } catch {
      german = {};
    }
  }
  return german[ruleId]?.help;
}

/** The rule's short description in the report's language; `fallback` (from the scan) otherwise. */
export function ruleHelp(ruleId: string, fallback: string, lang: Lang): string {
  return (lang === 'de' ? germanHelp(ruleId) : undefined) ?? fallback;
}

const TITLES = new Map(WCAG21_AA.map((c) => [c.sc, c]));

/** `4.1.2 Name, Rolle, Wert`: the number with the title, as the criterion is cited. */
export function criterionLabel(sc: string, lang: Lang): string {
  const c = TITLES.get(sc);
  return c ? `${sc} ${lang === 'de' ? c.de : c.en}` : sc;
}

type Group =
  'blind' | 'lowVision' | 'colour' | 'deaf' | 'keyboard' | 'speech' | 'cognitive' | 'time';

const GROUPS: Record<Lang, Record<Group, string>> = {
  de: {
    blind: 'blinde Menschen mit Screenreader',
    lowVision: 'Menschen mit Sehbehinderung',
    colour: 'Menschen mit Farbfehlsichtigkeit',
    deaf: 'gehörlose und schwerhörige Menschen',
    keyboard: 'Menschen, die nur mit Tastatur bedienen',
    speech: 'Menschen, die mit Spracheingabe bedienen',
    cognitive: 'Menschen mit kognitiven Einschränkungen',
    time: 'Menschen, die mehr Zeit brauchen',
  },
  en: {
    blind: 'blind people using a screen reader',
    lowVision: 'people with low vision',
    colour: 'people with colour vision deficiency',
    deaf: 'deaf and hard-of-hearing people',
    keyboard: 'people who use only a keyboard',
    speech: 'people who use speech input',
    cognitive: 'people with cognitive disabilities',
    time: 'people who need more time',
  },
};

/**
 * Who a failure of each criterion that axe-core tests in part mainly shuts out, after the
 * W3C's "Understanding WCAG 2.1" (its "benefits" sections), shortened to the main groups.
 */
const AFFECTED: Readonly<Record<string, readonly Group[]>> = {
  '1.1.1': ['blind'],
  '1.2.2': ['deaf'],
  '1.3.1': ['blind'],
  '1.3.5': ['cognitive', 'keyboard'],
  '1.4.1': ['colour', 'lowVision'],
  '1.4.2': ['blind'],
  '1.4.3': ['lowVision', 'colour'],
  '1.4.4': ['lowVision'],
  '1.4.12': ['lowVision', 'cognitive'],
  '2.1.1': ['keyboard', 'blind'],
  '2.2.1': ['time', 'blind'],
  '2.2.2': ['cognitive'],
  '2.4.1': ['keyboard', 'blind'],
  '2.4.2': ['blind', 'cognitive'],
  '2.4.4': ['blind'],
  '2.5.3': ['speech'],
  '3.1.1': ['blind'],
  '3.1.2': ['blind'],
  '3.3.2': ['blind', 'cognitive'],
  '4.1.2': ['blind', 'speech'],
};

/** The people the criteria's failures mainly shut out, in order, each named once; '' when unknown. */
export function affectedPeople(criteria: readonly string[], lang: Lang): string {
  const groups = new Set(criteria.flatMap((sc) => AFFECTED[sc] ?? []));
  return [...groups].map((g) => GROUPS[lang][g]).join(', ');
}
