/**
 * The 50 success criteria of WCAG 2.1 levels A and AA, which EN 301 549 clause 9 takes
 * over one to one (9.1.1.1 = 1.1.1) and BITV 2.0 requires, with their titles in the
 * W3C's authorised German translation and in English.
 */
import { axeRules, PROFILES } from '../checkers/a11y/axe.ts';

export interface SuccessCriterion {
  sc: string;
  level: 'A' | 'AA';
  de: string;
  en: string;
}

const SC = (sc: string, level: 'A' | 'AA', de: string, en: string): SuccessCriterion => ({
  sc,
  level,
  de,
  en,
});

export const WCAG21_AA: readonly SuccessCriterion[] = [
  SC('1.1.1', 'A', 'Nicht-Text-Inhalt', 'Non-text Content'),
  SC(
    '1.2.1',
    'A',
    'Reine Audio- und Videoinhalte (aufgezeichnet)',
    'Audio-only and Video-only (Prerecorded)',
  ),
  SC('1.2.2', 'A', 'Untertitel (aufgezeichnet)', 'Captions (Prerecorded)'),
  SC(
    '1.2.3',
    'A',
    'Audiodeskription oder Medienalternative (aufgezeichnet)',
    'Audio Description or Media Alternative (Prerecorded)',
  ),
  SC('1.2.4', 'AA', 'Untertitel (live)', 'Captions (Live)'),
  SC('1.2.5', 'AA', 'Audiodeskription (aufgezeichnet)', 'Audio Description (Prerecorded)'),
  SC('1.3.1', 'A', 'Info und Beziehungen', 'Info and Relationships'),
  SC('1.3.2', 'A', 'Bedeutungstragende Reihenfolge', 'Meaningful Sequence'),
  SC('1.3.3', 'A', 'Sensorische Eigenschaften', 'Sensory Characteristics'),
  SC('1.3.4', 'AA', 'Ausrichtung', 'Orientation'),
  SC('1.3.5', 'AA', 'Bestimmung des Zwecks einer Eingabe', 'Identify Input Purpose'),
  SC('1.4.1', 'A', 'Benutzung von Farbe', 'Use of Color'),
  SC('1.4.2', 'A', 'Audio-Steuerelement', 'Audio Control'),
  SC('1.4.3', 'AA', 'Kontrast (Minimum)', 'Contrast (Minimum)'),
  SC('1.4.4', 'AA', 'Textgröße ändern', 'Resize Text'),
  SC('1.4.5', 'AA', 'Bilder eines Textes', 'Images of Text'),
  SC('1.4.10', 'AA', 'Umbruch (Reflow)', 'Reflow'),
  SC('1.4.11', 'AA', 'Nicht-Text-Kontrast', 'Non-text Contrast'),
  SC('1.4.12', 'AA', 'Textabstand', 'Text Spacing'),
  SC('1.4.13', 'AA', 'Eingeblendeter Inhalt bei Hover oder Fokus', 'Content on Hover or Focus'),
  SC('2.1.1', 'A', 'Tastatur', 'Keyboard'),
  SC('2.1.2', 'A', 'Keine Tastaturfalle', 'No Keyboard Trap'),
  SC('2.1.4', 'A', 'Tastaturkurzbefehle', 'Character Key Shortcuts'),
  SC('2.2.1', 'A', 'Zeitvorgaben anpassbar', 'Timing Adjustable'),
  SC('2.2.2', 'A', 'Pausieren, beenden, ausblenden', 'Pause, Stop, Hide'),
  SC(
    '2.3.1',
    'A',
    'Grenzwert von dreimaligem Blitzen oder weniger',
    'Three Flashes or Below Threshold',
  ),
  SC('2.4.1', 'A', 'Blöcke umgehen', 'Bypass Blocks'),
  SC('2.4.2', 'A', 'Seite mit Titel', 'Page Titled'),
  SC('2.4.3', 'A', 'Fokus-Reihenfolge', 'Focus Order'),
  SC('2.4.4', 'A', 'Linkzweck (im Kontext)', 'Link Purpose (In Context)'),
  SC('2.4.5', 'AA', 'Verschiedene Methoden', 'Multiple Ways'),
  SC('2.4.6', 'AA', 'Überschriften und Beschriftungen', 'Headings and Labels'),
  SC('2.4.7', 'AA', 'Fokus sichtbar', 'Focus Visible'),
  SC('2.5.1', 'A', 'Zeigergesten', 'Pointer Gestures'),
  SC('2.5.2', 'A', 'Zeigerabbruch', 'Pointer Cancellation'),
  SC('2.5.3', 'A', 'Beschriftung (Label) im Namen', 'Label in Name'),
  SC('2.5.4', 'A', 'Betätigung durch Bewegung', 'Motion Actuation'),
  SC('3.1.1', 'A', 'Sprache der Seite', 'Language of Page'),
  SC('3.1.2', 'AA', 'Sprache von Teilen', 'Language of Parts'),
  SC('3.2.1', 'A', 'Bei Fokus', 'On Focus'),
  SC('3.2.2', 'A', 'Bei Eingabe', 'On Input'),
  SC('3.2.3', 'AA', 'Konsistente Navigation', 'Consistent Navigation'),
  SC('3.2.4', 'AA', 'Konsistente Erkennung', 'Consistent Identification'),
  SC('3.3.1', 'A', 'Fehlererkennung', 'Error Identification'),
  SC('3.3.2', 'A', 'Beschriftungen oder Anweisungen', 'Labels or Instructions'),
  SC('3.3.3', 'AA', 'Fehlerempfehlung', 'Error Suggestion'),
  SC(
    '3.3.4',
    'AA',
    'Fehlervermeidung (rechtlich, finanziell, Daten)',
    'Error Prevention (Legal, Financial, Data)',
  ),
  SC('4.1.1', 'A', 'Syntaxanalyse', 'Parsing'),
  SC('4.1.2', 'A', 'Name, Rolle, Wert', 'Name, Role, Value'),
  SC('4.1.3', 'AA', 'Statusmeldungen', 'Status Messages'),
];

/** The four principles, by the first digit of a success criterion. */
export const PRINCIPLES = ['1', '2', '3', '4'] as const;
export type Principle = (typeof PRINCIPLES)[number];

export function principleOf(sc: string): Principle | undefined {
  const first = sc[0];
  return (PRINCIPLES as readonly string[]).includes(first ?? '') ? (first as Principle) : undefined;
}

/** How far automated checks reach into one success criterion. */
export interface CoverageRow {
  sc: string;
  /** EN 301 549 clause for web pages. */
  clause: string;
  level: 'A' | 'AA';
  /** axe-core rules that test part of it. */
  rules: string[];
  /** `partial`: some failures are found automatically, a person still has to check it; `manual`: only a person can. */
  coverage: 'partial' | 'manual';
}

/** axe-core tags of rules that do not run: experimental, deprecated (e.g. `duplicate-id` for 4.1.1), obsolete. */
const NOT_RUN = (tag: string): boolean =>
  tag === 'experimental' || tag === 'deprecated' || tag.endsWith('-obsolete');

/**
 * The coverage matrix of the method section, from the installed axe-core's own tags: the
 * rules the given profiles (those the runs recorded) select, without those axe-core does
 * not run. A profile unknown to this version selects nothing, so the matrix never claims
 * more than was run. No criterion is "automatic": a rule that passes never proves a
 * criterion is met.
 */
export function coverageMatrix(profiles: readonly string[] = Object.keys(PROFILES)): CoverageRow[] {
  const known: Readonly<Record<string, readonly string[]>> = PROFILES;
  const selected = new Set(profiles.flatMap((p) => known[p] ?? []));
  const bySc = new Map<string, string[]>();
  for (const rule of axeRules().values()) {
    if (rule.tags.some(NOT_RUN) || !rule.tags.some((t) => selected.has(t))) continue;
    for (const sc of rule.wcag) bySc.set(sc, [...(bySc.get(sc) ?? []), rule.ruleId]);
  }
  return WCAG21_AA.map((c) => {
    const rules = (bySc.get(c.sc) ?? []).sort();
    return {
      sc: c.sc,
      clause: `9.${c.sc}`,
      level: c.level,
      rules,
      coverage: rules.length > 0 ? 'partial' : 'manual',
    };
  });
}
