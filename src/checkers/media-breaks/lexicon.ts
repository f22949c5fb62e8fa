import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { MediaBreakKind } from '../../results/result.ts';

/** The ten media-break categories of DOMAIN.md §5, by their stable ids. */
export const BREAK_KINDS = [
  'paper-form',
  'handwritten-signature',
  'postal-submission',
  'fax-submission',
  'email-submission',
  'in-person',
  'original-documents',
  'manual-payment',
  'paper-decision',
  'scanned-pdf',
] as const satisfies readonly MediaBreakKind[];
export type BreakKind = MediaBreakKind;

const pattern = z.string().refine((source) => {
  try {
    new RegExp(source);
    return true;
  } catch {
    return false;
  }
}, 'not a valid regular expression');

const SIGNAL_NAMES = [
  'onlineApplicationLink',
  'onlineApplicationHosts',
  'onlineApplicationText',
  'externalServiceLink',
  'onlineServiceName',
  'finalSubmit',
  'auth',
  'upload',
  'epayment',
  'noFee',
  'onceOnly',
  'decisionDigital',
  'evidenceRequired',
  'softError',
  'printingNotNeeded',
] as const;
export type SignalName = (typeof SIGNAL_NAMES)[number];

const triggerSchema = z.strictObject({ pattern, weight: z.enum(['strong', 'weak']) });

const categorySchema = z.strictObject({
  triggers: z.array(triggerSchema).min(1),
  exclusions: z.array(pattern).default([]),
  /** Weak triggers do not count on a page where this signal is stated (per clause, not negated). */
  weakUnless: z.enum(SIGNAL_NAMES).optional(),
  /**
   * Wording that tells the citizen to send ("Senden Sie …", "Reichen Sie … ein"): without it, a
   * clause that is a `paper-decision` ("Zustellung der Genehmigung: per Post") says how the
   * authority answers, and this category's triggers in it do not count.
   */
  sender: pattern.optional(),
  /**
   * Wording that names no subject ("Diesen senden wir Ihnen mit der Post", "Die Zustellung
   * erfolgt per Post"): its triggers count only where the clause, the sentence before it or
   * the heading it stands under names the `subject` (a Bescheid, a Genehmigung …).
   */
  referent: z
    .strictObject({
      triggers: z.array(triggerSchema).min(1),
      subject: pattern,
      /**
       * Where the subject is named only before or in the heading, the clause refers back to it
       * ("Diesen …", "Sie erhalten ihn …", "Die Zustellung …"), or it speaks of something else
       * ("Eine Zahlungserinnerung erhalten Sie per Post").
       */
      anaphor: pattern,
      /**
       * A question about how the subject reaches the citizen ("Wie erhalte ich den Bescheid?"):
       * the first sentence after it answers it and need not name the subject ("Per Post.").
       */
      question: pattern.optional(),
    })
    .optional(),
});

const lexiconFileSchema = z.looseObject({
  language: z.string().min(2),
  functionWords: pattern,
  clauseBreaks: z.array(z.string().min(1)),
  abbreviations: z.array(z.string().min(1)),
  negations: z.array(pattern),
  negationExceptions: z.array(pattern),
  alternatives: z.array(pattern),
  conditions: z.array(pattern),
  notThisService: pattern,
  legalPresence: z.array(
    z.strictObject({
      rule: z.string().min(1),
      service: pattern,
      except: pattern.optional(),
      text: pattern,
      reason: z.string().min(1),
    }),
  ),
  physicalItems: pattern,
  decisionItems: pattern,
  categories: z.strictObject(
    Object.fromEntries(BREAK_KINDS.map((k) => [k, categorySchema])) as Record<
      BreakKind,
      typeof categorySchema
    >,
  ),
  signals: z.strictObject(
    Object.fromEntries(SIGNAL_NAMES.map((name) => [name, pattern])) as Record<
      SignalName,
      typeof pattern
    >,
  ),
  procedureHeadings: pattern,
  outOfScopeHeadings: pattern,
  documents: z.strictObject({
    form: pattern,
    leaflet: pattern,
    scannedHint: pattern,
    signatureLine: pattern,
  }),
});

/**
 * Services whose in-person step the law requires (DOMAIN.md §5, `in-person`): recognised by
 * the service's name (title or h1, and not `except`) and a sentence of its procedure that
 * shows why (fingerprints taken at the authority; the couple appearing together).
 */
export interface LegalPresenceRule {
  rule: string;
  service: RegExp;
  except?: RegExp;
  text: RegExp;
  /** What the law requires and why no portal can remove the visit, for people to read. */
  reason: string;
}

export interface Trigger {
  re: RegExp;
  weight: 'strong' | 'weak';
}

/** What a category is found by, and what cancels it. */
export interface Category {
  triggers: Trigger[];
  exclusions: RegExp[];
  weakUnless?: SignalName;
  /** Wording by which the citizen is told to send: see the file schema. */
  sender?: RegExp;
  /**
   * Triggers that name no subject, the subject the clause, the sentence before or the heading
   * must name, and the words by which a clause refers back to a subject named before it.
   */
  referent?: { triggers: Trigger[]; subject: RegExp; anaphor: RegExp; question?: RegExp };
}

/** A lexicon with its patterns compiled: what the detector matches normalised text against. */
export interface Lexicon {
  language: string;
  /** One word of the language's commonest ("der", "und", "Sie"): how a page shows it is written in it. */
  functionWords: RegExp;
  clauseBreaks: readonly string[];
  abbreviations: readonly string[];
  negations: RegExp[];
  negationExceptions: RegExp[];
  alternatives: RegExp[];
  conditions: RegExp[];
  /** Clauses about other services or the future ("viele Leistungen …", "künftig …"): no online route of this one. */
  notThisService: RegExp;
  legalPresence: LegalPresenceRule[];
  categories: Record<BreakKind, Category>;
  signals: Record<SignalName, RegExp>;
  procedureHeadings: RegExp;
  outOfScopeHeadings: RegExp;
  documents: { form: RegExp; leaflet: RegExp; scannedHint: RegExp; signatureLine: RegExp };
}

/**
 * Reads and compiles a lexicon file. `PHYSICAL` in a pattern stands for the lexicon's list
 * of physical items (R3) and `DECISION` for its decisions and certificates (Bescheid,
 * Genehmigung, Bescheinigung …), so that each is written once.
 */
export function loadLexicon(file: URL | string): Lexicon {
  const parsed = lexiconFileSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`${String(file)}: ${issue?.path.join('.')}: ${issue?.message}`);
  }
  const data = parsed.data;
  const expand = (source: string): string =>
    source.replaceAll('PHYSICAL', data.physicalItems).replaceAll('DECISION', data.decisionItems);
  const re = (source: string): RegExp => new RegExp(expand(source));
  const triggers = (list: readonly { pattern: string; weight: 'strong' | 'weak' }[]): Trigger[] =>
    list.map((t) => ({ re: new RegExp(expand(t.pattern), 'g'), weight: t.weight }));
  return {
    language: data.language,
    functionWords: re(data.functionWords),
    clauseBreaks: data.clauseBreaks,
    abbreviations: data.abbreviations,
    negations: data.negations.map(re),
    negationExceptions: data.negationExceptions.map((s) => new RegExp(s, 'g')),
    alternatives: data.alternatives.map(re),
    conditions: data.conditions.map(re),
    notThisService: re(data.notThisService),
    legalPresence: data.legalPresence.map((r) => ({
      rule: r.rule,
      service: re(r.service),
      ...(r.except ? { except: re(r.except) } : {}),
      text: re(r.text),
      reason: r.reason,
    })),
    categories: Object.fromEntries(
      BREAK_KINDS.map((kind) => [kind, compileCategory(data.categories[kind], re, triggers)]),
    ) as Lexicon['categories'],
    signals: Object.fromEntries(
      Object.entries(data.signals).map(([name, source]) => [name, re(source)]),
    ) as Record<SignalName, RegExp>,
    procedureHeadings: re(data.procedureHeadings),
    outOfScopeHeadings: re(data.outOfScopeHeadings),
    documents: {
      form: re(data.documents.form),
      leaflet: re(data.documents.leaflet),
      scannedHint: re(data.documents.scannedHint),
      signatureLine: re(data.documents.signatureLine),
    },
  };
}

function compileCategory(
  data: z.infer<typeof categorySchema>,
  re: (source: string) => RegExp,
  triggers: (list: z.infer<typeof triggerSchema>[]) => Trigger[],
): Category {
  return {
    triggers: triggers(data.triggers),
    exclusions: data.exclusions.map(re),
    ...(data.weakUnless ? { weakUnless: data.weakUnless } : {}),
    ...(data.sender ? { sender: re(data.sender) } : {}),
    ...(data.referent
      ? {
          referent: {
            triggers: triggers(data.referent.triggers),
            subject: re(data.referent.subject),
            anaphor: re(data.referent.anaphor),
            ...(data.referent.question ? { question: re(data.referent.question) } : {}),
          },
        }
      : {}),
  };
}

let german: Lexicon | undefined;
/** The shipped German lexicon, compiled once. */
export function germanLexicon(): Lexicon {
  german ??= loadLexicon(new URL('./lexicon/de.json', import.meta.url));
  return german;
}
