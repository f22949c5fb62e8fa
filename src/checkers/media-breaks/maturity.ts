import type {
  LegalBasis,
  MaturityEstimate,
  MaturitySignals,
  MediaBreakKind as BreakKind,
} from '../../results/result.ts';

/** Caps of DOMAIN.md §6: the lowest criterion decides. */
function cap(kind: BreakKind, s: MaturitySignals): number {
  switch (kind) {
    case 'scanned-pdf':
      return 1;
    case 'paper-form':
      // An online application that still ends in a paper form is a form assistant whose
      // printout goes on (DOMAIN.md §2.1, stage 2), though it runs on another site and
      // was not followed.
      return s.assist || s.online ? 2 : 1;
    case 'in-person':
      return s.online || s.assist ? 2 : 1;
    case 'paper-decision':
      return 3;
    default:
      return 2;
  }
}

/**
 * The estimated OZG maturity level: a base level from the signals, lowered by the cap of
 * each forced media break. Authentication, evidence and payment count as online unless a
 * break says otherwise (in-person, original documents, manual payment): R5 forbids
 * inferring an offline channel the text does not name. An appearance the law requires
 * (`legal`) caps the level like any other: the official model does not exempt it either.
 */
export function estimateMaturity(
  s: MaturitySignals,
  breaks: ReadonlySet<BreakKind>,
  legal?: LegalBasis,
): MaturityEstimate {
  const because: string[] = [];
  let base = 0;
  if (s.info) {
    base = 1;
    because.push('service description');
    if (s.assist || s.online) {
      base = 2;
      because.push(s.online ? 'online application' : 'fillable form');
    }
    if (s.onlineText && !s.online) {
      // Said so, not shown: the level stays where the page's links and forms put it.
      because.push(
        'the text says the service can be applied for online, but no link, button or form leads to an online application (not counted)',
      );
    }
    const authOk = !breaks.has('in-person');
    const evidenceOk = !breaks.has('original-documents');
    const payOk = !breaks.has('manual-payment');
    if (s.online && authOk && evidenceOk && payOk) {
      base = 3;
      because.push('evidence, identification and payment online or not needed');
      if (s.onceOnly && s.decisionDigital) {
        base = 4;
        because.push('once-only evidence', 'decision to the Postfach');
      }
    }
  } else {
    because.push('no service description');
  }
  if (legal && breaks.has('in-person')) {
    because.push(
      `in-person appearance required by law (${legal.rule}): it caps the level, but no portal can remove it`,
    );
  }
  let level = base;
  let cappedBy: BreakKind | undefined;
  for (const kind of breaks) {
    const limit = cap(kind, s);
    if (limit < level) {
      level = limit;
      cappedBy = kind;
    }
  }
  return {
    level: level as MaturityEstimate['level'],
    basis: 'estimated, citizen-side',
    base,
    because,
    ...(cappedBy ? { cappedBy } : {}),
  };
}
