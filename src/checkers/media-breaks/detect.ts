import type {
  BreakEvidence,
  DocumentInfo,
  LegalBasis,
  MaturitySignals,
  MediaBreak,
  MediaBreakDocument,
  MediaBreakReport,
  PathFollowed,
} from '../../results/result.ts';
import type { PageContent } from './extract.ts';
import {
  BREAK_KINDS,
  type BreakKind,
  type Lexicon,
  type SignalName,
  type Trigger,
} from './lexicon.ts';
import { estimateMaturity } from './maturity.ts';
import { clauses, normalise, originalOf, sentences } from './text.ts';

/** A document linked from the procedure text, with what the link said and what the file is. */
export interface LinkedDocument {
  linkText: string;
  context: string;
  heading: string;
  pageUrl: string;
  selector: string;
  info: DocumentInfo;
}

interface Candidate {
  kind: BreakKind;
  evidence: BreakEvidence;
  weight: 'strong' | 'weak' | 'document';
  /** Written as an alternative (R1): not forced when a complete online route exists. */
  alternative: boolean;
  condition?: string;
}

const CONFIDENCE = { strong: 0.9, weak: 0.6, document: 0.8 } as const;

/**
 * Finds the media breaks of a service from its rendered pages (the service page first,
 * then the pages of its online application) and the documents they link, by the rules of
 * DOMAIN.md §5: procedure text only (the pages are already scoped), negation per clause,
 * alternatives per sentence (R1), physical items are no break (R3, in the lexicon),
 * conditions recorded (R4), nothing inferred that is not written (R5).
 */
export function detectMediaBreaks(
  all: readonly PageContent[],
  documents: readonly LinkedDocument[],
  path: PathFollowed,
  lexicon: Lexicon,
): MediaBreakReport {
  // A page in another language (an English version) is not read with this lexicon: its
  // "per post" or "bar" would mean something else.
  const pages = all.filter((p) => writtenIn(p, lexicon));
  const service = all[0] !== undefined && pages.includes(all[0]) ? all[0] : undefined;
  const candidates: Candidate[] = [];
  // Sections that describe an alternative route ("Alternativ: Antrag auf Papier", or a
  // section saying "wenn Sie den Onlinedienst nicht nutzen können …"): R1 holds for all of it.
  const alternativeSections = new Set<string>();
  for (const page of pages) {
    for (const block of page.blocks) {
      const text = normalise(`${block.heading} ${block.isHeading ? '' : block.text}`);
      if (block.heading && lexicon.alternatives.some((re) => re.test(text))) {
        alternativeSections.add(`${page.url}#${block.heading}`);
      }
    }
  }
  for (const page of pages) {
    // The sentence before, for a clause that names no subject of its own: in the same
    // paragraph, or the last of the paragraph or list item before it under the same heading
    // ("<li>Wir entscheiden mit einem Bescheid.</li><li>Diesen erhalten Sie per Post.</li>").
    let last = { heading: '', sentence: '' };
    for (const block of page.blocks) {
      if (block.isHeading || block.isFieldLabel) continue;
      const inAlternative = alternativeSections.has(`${page.url}#${block.heading}`);
      let before = last.heading === block.heading ? last.sentence : '';
      for (const sentence of sentences(normalise(block.text), lexicon.abbreviations)) {
        const found = sentenceCandidates(
          sentence,
          normalise(block.heading),
          before,
          {
            text: sentenceOriginal(block.text, sentence),
            url: page.url,
            selector: block.selector,
          },
          lexicon,
        );
        candidates.push(...found.map((c) => (inAlternative ? { ...c, alternative: true } : c)));
        before = sentence;
      }
      last = { heading: block.heading, sentence: before };
    }
    for (const link of page.links) {
      if (!link.inScope || !link.href.startsWith('mailto:')) continue;
      if (/subject=[^&]*(antrag|formular|anmeldung|meldung)/i.test(link.href)) {
        candidates.push({
          kind: 'email-submission',
          evidence: { text: `${link.text} (${link.href})`, url: page.url, selector: link.selector },
          weight: 'weak',
          alternative: lexicon.alternatives.some((re) => re.test(normalise(link.context))),
        });
      }
    }
  }
  const text = allText(pages);
  const signals = readSignals(service, pages, text, documents, path, lexicon);
  // R1 asks whether the page offers a route beside the online one: a route the page names in
  // words counts for that, though only a link or form counts for the maturity level (S_online).
  const onlineRoute = signals.online || signals.onlineText === true;
  // "Sie müssen das Formular weder ausdrucken noch unterschreiben": a form to download is
  // then filled on screen and sent as a file, not a paper form.
  const printingRuledOut = clauseSignal(pages, 'printingNotNeeded', lexicon, false);
  const roles: MediaBreakDocument[] = [];
  for (const doc of documents) {
    const role = documentRole(doc, lexicon);
    roles.push({ url: doc.info.url, role, class: doc.info.class });
    if (role !== 'form' || printingRuledOut) continue;
    const context = normalise(doc.context);
    const prescribed = triggerSpans(context, 'paper-form', lexicon).length > 0;
    // A form to download beside a complete online route is an offered alternative (R1)
    // unless the text around it prescribes printing it.
    const alternative =
      alternativeSections.has(`${doc.pageUrl}#${doc.heading}`) ||
      lexicon.alternatives.some((re) => re.test(normalise(`${doc.heading} ${doc.context}`))) ||
      (onlineRoute && !prescribed);
    const evidence = {
      text: `${doc.linkText} → ${doc.info.url}`,
      url: doc.pageUrl,
      selector: doc.selector,
    };
    candidates.push({ kind: 'paper-form', evidence, weight: 'document', alternative });
    const scanned =
      doc.info.class === 'scanned' ||
      (doc.info.class === 'broken' && lexicon.documents.scannedHint.test(normalise(doc.linkText)));
    if (scanned)
      candidates.push({ kind: 'scanned-pdf', evidence, weight: 'document', alternative });
  }

  // A weak cue gives way to what the page states in so many words ("Schickt Ihnen den
  // Bescheid" beside "Den Bescheid finden Sie in Ihrem Postfach"); a statement the page
  // negates ("eine Zustellung in das Postfach ist nicht möglich") does not count as one.
  const stated = new Map<SignalName, boolean>();
  const says = (name: SignalName): boolean => {
    if (!stated.has(name)) stated.set(name, clauseSignal(pages, name, lexicon));
    return stated.get(name) as boolean;
  };
  const forced = candidates.filter((c) => {
    if (c.alternative && onlineRoute) return false;
    const unless = lexicon.categories[c.kind].weakUnless;
    return !(c.weight === 'weak' && unless && says(unless));
  });
  const breaks = aggregate(forced);
  // A scanned application form is a paper form too (DOMAIN.md §5).
  const scanned = breaks.find((b) => b.kind === 'scanned-pdf');
  if (scanned && !breaks.some((b) => b.kind === 'paper-form')) {
    breaks.push({ ...scanned, kind: 'paper-form' });
  }
  breaks.sort((a, b) => BREAK_KINDS.indexOf(a.kind) - BREAK_KINDS.indexOf(b.kind));
  const kinds = new Set(breaks.map((b) => b.kind));
  // Only a forced appearance can be a legal one: an offered visit (R1) is no break at all.
  const legal = kinds.has('in-person') ? legalPresence(service, pages, lexicon) : undefined;
  const maturity = estimateMaturity(signals, kinds, legal);
  return {
    lexicon: lexicon.language,
    breaks: breaks.map((b) =>
      b.kind === 'in-person'
        ? { ...b, legallyMandated: legal !== undefined, ...(legal ? { legalBasis: legal } : {}) }
        : b,
    ),
    maturity,
    endToEndDigital: kinds.size === 0 && maturity.level >= 3,
    signals,
    path,
    pages: all.map((p) => p.url),
    documents: roles,
  };
}

/**
 * The candidates of one sentence. `before` is the sentence before it (in the same paragraph,
 * or the last of the paragraph before under the same heading): with the heading, it tells
 * what a clause without a subject of its own is about ("Über den Antrag entscheiden wir mit
 * einem Bescheid. Diesen senden wir Ihnen mit der Post.").
 */
function sentenceCandidates(
  sentence: string,
  heading: string,
  before: string,
  evidence: BreakEvidence,
  lexicon: Lexicon,
): Candidate[] {
  // A question prescribes nothing ("Muss ich persönlich erscheinen?"); its answer does.
  if (sentence.endsWith('?')) return [];
  const alternative = lexicon.alternatives.some((re) => re.test(sentence) || re.test(heading));
  const condition = conditionOf(sentence, heading, lexicon);
  // The first sentence after a question answers it and may leave out what it is about
  // ("Wie erhalte ich den Bescheid? Per Post an Ihre Wohnanschrift.").
  const question = before ? before : heading;
  const asked = question.endsWith('?') ? question : '';
  const out: Candidate[] = [];
  for (const clause of clauses(sentence, lexicon.clauseBreaks)) {
    const found: Candidate[] = [];
    for (const kind of BREAK_KINDS) {
      const category = lexicon.categories[kind];
      let matches = triggerSpans(clause, kind, lexicon);
      const referent = category.referent;
      if (matches.length === 0 && referent) {
        const answers =
          referent.question !== undefined &&
          referent.question.test(asked) &&
          referent.subject.test(asked);
        const about =
          referent.subject.test(clause) ||
          answers ||
          (referent.anaphor.test(clause) &&
            [before, heading].some((t) => referent.subject.test(t)));
        if (about) matches = matchSpans(clause, referent.triggers);
      }
      if (matches.length === 0) continue;
      const weight = matches.some((m) => m.weight === 'strong') ? 'strong' : 'weak';
      if (category.exclusions.some((re) => re.test(clause))) continue;
      if (negated(clause, matches, lexicon)) continue;
      found.push({ kind, evidence, weight, alternative, ...(condition ? { condition } : {}) });
    }
    // A clause about a decision sent by post ("Zustellung der Genehmigung: per Post") says
    // how the authority answers, not what the citizen sends, unless it tells them to send.
    const decision = found.some((c) => c.kind === 'paper-decision');
    const sends = lexicon.categories['postal-submission'].sender?.test(clause) ?? false;
    out.push(...found.filter((c) => !(decision && !sends && c.kind === 'postal-submission')));
  }
  return out;
}

/** What follows a negation that says its subject is not needed ("nicht nötig", "nicht mehr erforderlich"). */
const NOT_NEEDED =
  /^ (mehr |zwingend |unbedingt )?(noetig|notwendig|erforderlich|vorgesehen|verlangt)\b/;

/** Whether a negation outside the trigger's own words (and outside known exceptions) is in the clause. */
function negated(clause: string, spans: readonly Span[], lexicon: Lexicon): boolean {
  let masked = clause;
  const blank = (from: number, to: number): void => {
    masked = masked.slice(0, from) + ' '.repeat(to - from) + masked.slice(to);
  };
  // An exception keeps a negation from reaching other words ("nicht per E-Mail, sondern …"),
  // not from the trigger it names: "Schicken Sie die Unterlagen nicht per E-Mail" negates it.
  const overlaps = (from: number, to: number): boolean =>
    spans.some((s) => from < s.to && s.from < to);
  for (const re of lexicon.negationExceptions) {
    for (const m of clause.matchAll(re)) {
      if (!overlaps(m.index, m.index + m[0].length)) blank(m.index, m.index + m[0].length);
    }
  }
  // "Wenn Sie den Online-Antrag nicht nutzen können, …": the negation belongs to the
  // alternative, not to what follows it.
  for (const re of [...lexicon.alternatives, ...lexicon.conditions]) {
    const m = re.exec(clause);
    if (m) blank(m.index, m.index + m[0].length);
  }
  const own: Span[] = [];
  for (const span of spans) {
    const words = clause.slice(span.from, span.to);
    // A trigger that itself contains a negation ("Kopien genügen nicht") is not negated by it;
    // a negation that only falls into the words a trigger lets pass between its own
    // ("Originale müssen Sie nicht vorlegen") still negates it.
    if (lexicon.negations.some((re) => re.test(words)) && ownNegation(words, span.re, lexicon)) {
      blank(span.from, span.to);
      own.push(span);
    }
  }
  const wordsBetween = (a: number, b: number): number =>
    masked
      .slice(a, b)
      .split(/\s+/)
      .filter((w) => /[a-z0-9]/.test(w)).length;
  // The scope of a negation: up to 8 words before what it negates ("Sie müssen für die
  // Verlängerung nicht persönlich erscheinen") or 5 after it ("Anmeldungen per Post, Fax
  // oder E-Mail können nicht bearbeitet werden"); farther away it negates something else
  // ("… ist Voraussetzung für die Erteilung und kann nicht telefonisch geführt werden").
  // A predicate that says a thing is not needed ("… sind nicht nötig") negates its whole
  // subject, which may list several things ("Ein Ausdruck und eine Unterschrift auf Papier").
  for (const re of lexicon.negations) {
    for (const m of masked.matchAll(new RegExp(re.source, 'g'))) {
      const at = m.index;
      const end = at + m[0].length;
      const notNeeded = NOT_NEEDED.test(masked.slice(end));
      for (const span of spans) {
        const { from, to } = span;
        if (own.includes(span)) continue;
        if (end <= from && wordsBetween(end, from) <= 8) return true;
        // The longer reach holds within one phrase: after a comma a new subject may start
        // ("Bringen Sie den Ausweis mit, eine Vollmacht der anderen Eltern ist nicht nötig").
        const after = notNeeded && !masked.slice(to, at).includes(',') ? 8 : 5;
        if (at >= to && wordsBetween(to, at) <= after) return true;
        if (at >= from && end <= to) return true;
      }
    }
  }
  return false;
}

/**
 * Whether the negation words inside a trigger's match belong to the trigger: without them
 * it no longer matches ("Kopien genügen nicht"), where a trigger that lets other words pass
 * between its own still matches ("Originale müssen Sie nicht vorlegen").
 */
function ownNegation(words: string, re: RegExp | undefined, lexicon: Lexicon): boolean {
  if (!re) return true;
  let without = words;
  for (const negation of lexicon.negations) {
    without = without.replace(new RegExp(`${negation.source} ?`, 'g'), '');
  }
  return !new RegExp(re.source).test(without.trim());
}

function conditionOf(sentence: string, heading: string, lexicon: Lexicon): string | undefined {
  for (const text of [sentence, heading]) {
    for (const re of lexicon.conditions) {
      const m = re.exec(text);
      if (m) return m[0].replace(/[,:]\s*$/, '').trim();
    }
  }
  return undefined;
}

/**
 * The evidence as the page wrote it: the whole paragraph when it is short, else the
 * matched sentence (at most 400 characters).
 */
function sentenceOriginal(block: string, normalised: string): string {
  if (block.length <= 400) return block;
  return (originalOf(block, normalised) ?? normalised).slice(0, 400);
}

function aggregate(candidates: readonly Candidate[]): MediaBreak[] {
  const byKind = new Map<BreakKind, Candidate[]>();
  for (const c of candidates) byKind.set(c.kind, [...(byKind.get(c.kind) ?? []), c]);
  const out: MediaBreak[] = [];
  for (const [kind, list] of byKind) {
    // Unconditional before conditional, explicit before weak: the strongest reading leads.
    const rank = (c: Candidate): number =>
      (c.condition ? 10 : 0) + (c.weight === 'strong' ? 0 : c.weight === 'document' ? 1 : 2);
    const sorted = [...list].sort((a, b) => rank(a) - rank(b));
    const best = sorted[0] as Candidate;
    const more = dedupe(sorted.slice(1).map((c) => c.evidence)).filter(
      (e) => e.text !== best.evidence.text || e.url !== best.evidence.url,
    );
    out.push({
      kind,
      evidence: best.evidence,
      ...(best.condition ? { condition: best.condition } : {}),
      confidence: CONFIDENCE[best.weight],
      ...(more.length > 0 ? { more: more.slice(0, 5) } : {}),
    });
  }
  return out;
}

function dedupe(evidence: readonly BreakEvidence[]): BreakEvidence[] {
  const seen = new Set<string>();
  return evidence.filter((e) => {
    const key = `${e.url} ${e.text}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * Form (to fill in), leaflet (to read) or unknown, from the link text, file name, title,
 * fields and the first page (its title, a signature line). Where both words occur, the one named first is the head of the title
 * ("Antrag … mit Hinweisen" is a form, "Merkblatt zum Antrag" a leaflet).
 */
export function documentRole(
  doc: LinkedDocument,
  lexicon: Lexicon,
): 'form' | 'leaflet' | 'unknown' {
  const file = decodeURIComponent(new URL(doc.info.url).pathname.split('/').pop() ?? '').replace(
    /[-_.]+/g,
    ' ',
  );
  if (doc.info.formFields > 0 && !lexicon.documents.leaflet.test(normalise(doc.linkText))) {
    return 'form';
  }
  const firstPage = doc.info.firstPageText ?? '';
  // The first words of the first page are its title ("Antrag auf Wohngeld", "Merkblatt …").
  for (const text of [doc.linkText, file, doc.info.title ?? '', firstPage.slice(0, 160)]) {
    const folded = normalise(text);
    const form = folded.search(lexicon.documents.form);
    const leaflet = folded.search(lexicon.documents.leaflet);
    if (form < 0 && leaflet < 0) continue;
    if (leaflet < 0) return 'form';
    if (form < 0) return 'leaflet';
    return form < leaflet ? 'form' : 'leaflet';
  }
  // A place to sign ("Ort, Datum, Unterschrift") makes a document a form to fill in.
  if (lexicon.documents.signatureLine.test(normalise(firstPage))) return 'form';
  // A link named only "Download (PDF)" or "hier", to a scan without a title: the sentence it
  // stands in names the document ("Das Antragsformular finden Sie hier: Download").
  const around = normalise(doc.context);
  const form = around.search(lexicon.documents.form);
  const leaflet = around.search(lexicon.documents.leaflet);
  if (form >= 0 && (leaflet < 0 || form < leaflet)) return 'form';
  if (leaflet >= 0) return 'leaflet';
  return 'unknown';
}

function readSignals(
  first: PageContent | undefined,
  pages: readonly PageContent[],
  text: string,
  documents: readonly LinkedDocument[],
  path: PathFollowed,
  lexicon: Lexicon,
): MaturitySignals {
  const has = (name: SignalName): boolean => lexicon.signals[name].test(text);
  const onlineLink =
    path.entry !== undefined ||
    pages.some(
      (p) =>
        p.links.some(
          (l) =>
            l.inScope &&
            (lexicon.signals.onlineApplicationLink.test(normalise(l.text)) ||
              (lexicon.signals.onlineApplicationHosts.test(l.href) && /^https?:/.test(l.href))),
        ) ||
        p.buttons.some((b) => lexicon.signals.onlineApplicationLink.test(normalise(b.text))) ||
        p.links.some((l) => l.inScope && namedOnlineService(l, p.url, lexicon)),
    );
  const externalService = pages.some((p) =>
    p.links.some(
      (l) =>
        l.inScope &&
        /^https?:/.test(l.href) &&
        new URL(l.href).origin !== new URL(p.url).origin &&
        lexicon.signals.externalServiceLink.test(normalise(l.text)),
    ),
  );
  const onlineText = clauseSignal(pages, 'onlineApplicationText', lexicon);
  const finalForm = pages.some((p) =>
    p.forms.some((f) => f.submits.some((s) => lexicon.signals.finalSubmit.test(normalise(s)))),
  );
  const fileInputs = pages.some((p) => p.forms.some((f) => f.fileInputs > 0));
  const title = normalise(`${first?.title ?? ''} ${first?.h1 ?? ''}`);
  // Read per clause like the other route signals: "Ein Hochladen von Nachweisen ist nicht
  // möglich" says evidence cannot be attached, "Sie müssen nichts hochladen" that none is asked.
  const upload = fileInputs || clauseSignal(pages, 'upload', lexicon);
  const procedureText = first?.blocks.reduce((n, b) => n + b.text.length, 0) ?? 0;
  return {
    info: first !== undefined && procedureText >= 120 && !lexicon.signals.softError.test(title),
    // Form assistance: a fillable form to download, or an online form that was followed
    // (it may end in a printout: the Formular-Assistent of stage 2).
    assist:
      path.steps > 0 ||
      documents.some((d) => d.info.formFields > 0 && documentRole(d, lexicon) === 'form'),
    // S_online needs a binding digital submission (DOMAIN.md §6): a link or button into an
    // online service, or a form with a final submit. A sentence alone ("Sie können den Antrag
    // online stellen") is a claim the page does not back; it is kept as a hint.
    // A "Zum Kita-Portal" link backed by login or by a sentence saying the service is
    // applied for there ("melden Sie Ihr Kind über das Kita-Portal an") is the route too.
    online: onlineLink || finalForm || (externalService && (has('auth') || onlineText)),
    onlineText,
    auth: has('auth'),
    upload,
    epayment: has('epayment'),
    noFee: has('noFee'),
    // Once-Only: said so, or no evidence is asked for anywhere in the procedure. Both are
    // read per clause: "künftig sollen Nachweise automatisch abgerufen werden" and "eine
    // Zustellung in das Postfach ist nicht möglich" say the opposite of their words.
    onceOnly:
      clauseSignal(pages, 'onceOnly', lexicon) || !(upload || evidenceAsked(pages, lexicon)),
    decisionDigital: clauseSignal(pages, 'decisionDigital', lexicon),
    pathSteps: path.steps,
  };
}

/**
 * Whether the words just before a link to another site name it as an online service ("Nutzen
 * Sie den Online-Assistenten ElterngeldDigital", "über das Serviceportal Amt24"): the link's
 * own text is then only the service's name, which says nothing by itself.
 */
function namedOnlineService(
  link: PageContent['links'][number],
  pageUrl: string,
  lexicon: Lexicon,
): boolean {
  if (!/^https?:/.test(link.href) || new URL(link.href).origin === new URL(pageUrl).origin)
    return false;
  const name = normalise(link.text).trim();
  const context = normalise(link.context);
  const at = name ? context.indexOf(name) : -1;
  return at > 0 && lexicon.signals.onlineServiceName.test(context.slice(Math.max(0, at - 80), at));
}

/**
 * Whether a page is written in the lexicon's language: at least one word in twenty of its
 * procedure text is one of the language's function words (German prose has about one in
 * four, an English page next to none). Pages with little text get the benefit of the doubt.
 */
export function writtenIn(page: PageContent, lexicon: Lexicon): boolean {
  const words = normalise(page.blocks.map((b) => b.text).join(' '))
    .split(/[^a-z0-9-]+/)
    .filter((w) => w.length > 0);
  if (words.length < 30) return true;
  const hits = words.filter((w) => lexicon.functionWords.test(w)).length;
  return hits / words.length >= 0.05;
}

/** All procedure text and in-scope link names of the pages, normalised. */
function allText(pages: readonly PageContent[]): string {
  return normalise(
    pages
      .flatMap((p) => [
        ...p.blocks.map((b) => b.text),
        ...p.links.filter((l) => l.inScope).map((l) => l.text),
      ])
      .join(' \n '),
  );
}

/** Signals a page may also state of other services or of the future, which then do not count. */
const ABOUT_THIS_SERVICE: ReadonlySet<SignalName> = new Set([
  'onlineApplicationText',
  'onceOnly',
  'decisionDigital',
]);

/** Whether a signal is stated in some clause of the procedure without being negated. */
function clauseSignal(
  pages: readonly PageContent[],
  name: SignalName,
  lexicon: Lexicon,
  /** Whether a negation in the clause cancels it; false for signals that are negations. */
  negatable = true,
  /** Whether headings count; a heading names a topic ("Erforderliche Unterlagen") and may be answered "Keine". */
  headings = true,
): boolean {
  const re = lexicon.signals[name];
  for (const page of pages) {
    for (const block of page.blocks) {
      if (!headings && block.isHeading) continue;
      for (const sentence of sentences(normalise(block.text), lexicon.abbreviations)) {
        for (const clause of clauses(sentence, lexicon.clauseBreaks)) {
          const m = re.exec(clause);
          if (
            !m ||
            (negatable &&
              negated(clause, [{ from: m.index, to: m.index + m[0].length, re }], lexicon))
          ) {
            continue;
          }
          // "Viele Leistungen können Sie online beantragen", "künftig auch online": not this
          // service's route, evidence or delivery today.
          if (ABOUT_THIS_SERVICE.has(name) && lexicon.notThisService.test(clause)) continue;
          return true;
        }
      }
    }
  }
  return false;
}

/**
 * Whether the law requires the service's in-person step (DOMAIN.md §5): the service page's
 * name (title, h1) is one of a legal-presence rule's services, and a sentence of the
 * procedure shows why (fingerprints taken at the authority, the couple appearing together).
 * The name alone is not enough: a Personalausweis page about a lost card needs no visit by law.
 */
function legalPresence(
  service: PageContent | undefined,
  pages: readonly PageContent[],
  lexicon: Lexicon,
): LegalBasis | undefined {
  if (!service) return undefined;
  const name = normalise(`${service.title} ${service.h1}`);
  for (const rule of lexicon.legalPresence) {
    if (!rule.service.test(name) || rule.except?.test(name)) continue;
    for (const page of pages) {
      for (const block of page.blocks) {
        if (block.isHeading || block.isFieldLabel) continue;
        for (const sentence of sentences(normalise(block.text), lexicon.abbreviations)) {
          for (const clause of clauses(sentence, lexicon.clauseBreaks)) {
            const m = rule.text.exec(clause);
            if (
              !m ||
              negated(
                clause,
                [{ from: m.index, to: m.index + m[0].length, re: rule.text }],
                lexicon,
              )
            )
              continue;
            return {
              rule: rule.rule,
              reason: rule.reason,
              evidence: {
                text: sentenceOriginal(block.text, sentence),
                url: page.url,
                selector: block.selector,
              },
            };
          }
        }
      }
    }
  }
  return undefined;
}

/** Whether the procedure asks for evidence: a section on it, or a sentence that requires it. */
function evidenceAsked(pages: readonly PageContent[], lexicon: Lexicon): boolean {
  const section = /\b(unterlagen|nachweise|dokumente|belege)\b/;
  // "Erforderliche Unterlagen: Keine." — a section that only says none are needed asks for none.
  const none =
    /^(keine?|keine (unterlagen|nachweise|dokumente|belege)( erforderlich| notwendig)?|entfaellt|nicht erforderlich|-)\.?$/;
  const asks = (page: PageContent, heading: string): boolean =>
    page.blocks.some((b) => !b.isHeading && b.heading === heading && !none.test(normalise(b.text)));
  return (
    pages.some((p) =>
      p.blocks.some((b) => b.isHeading && section.test(normalise(b.text)) && asks(p, b.text)),
    ) || clauseSignal(pages, 'evidenceRequired', lexicon, true, false)
  );
}

/** Where a trigger matched in a clause, and the pattern that matched (to tell its own negations). */
interface Span {
  from: number;
  to: number;
  re?: RegExp;
}

/** Where the triggers of a category match in a clause, and how strong each is. */
function triggerSpans(
  clause: string,
  kind: BreakKind,
  lexicon: Lexicon,
): (Span & { weight: 'strong' | 'weak' })[] {
  return matchSpans(clause, lexicon.categories[kind].triggers);
}

function matchSpans(
  clause: string,
  triggers: readonly Trigger[],
): (Span & { weight: 'strong' | 'weak' })[] {
  const out: (Span & { weight: 'strong' | 'weak' })[] = [];
  for (const trigger of triggers) {
    for (const m of clause.matchAll(trigger.re)) {
      out.push({
        from: m.index,
        to: m.index + m[0].length,
        re: trigger.re,
        weight: trigger.weight,
      });
    }
  }
  return out;
}
