/**
 * What an HTTP, accessibility, BITV or media-break run found, on its run page: the page an
 * accessibility officer or an on-call engineer opens from Grafana to see why a run failed.
 * Counts, classes and evidence come from the result; everything a watched site wrote is
 * escaped. Labels are the quarterly report's (report/texts.ts), so both say the same.
 */
import { failedClauses } from '../checkers/a11y/pdf-ua-checks.ts';
import { TEXTS } from '../report/texts.ts';
import type {
  A11yFinding,
  A11yReport,
  BitvReport,
  DocumentInfo,
  HttpDetails,
  HttpPhases,
  MediaBreak,
  MediaBreakReport,
  Result,
  TlsDetails,
} from '../results/result.ts';
import {
  escapeHtml as e,
  IMPACT_TEXT,
  MEDIA_BREAK_TEXT,
  pageText,
  seconds,
  when,
} from './pages.ts';

const t = TEXTS.de;
const IMPACTS = ['critical', 'serious', 'moderate', 'minor'] as const;

/**
 * An HTTP run: which address it asked for, where redirects led, what answered, and the
 * time of each phase. Addresses are text, not links, like every other address on the
 * page: a redirect target is the watched site's choice (`javascript:`, a look-alike host).
 */
export function httpSection(
  result: Pick<Result, 'kind' | 'status' | 'http' | 'phases' | 'tls' | 'certificates'>,
): string {
  // A journey has no request of its own: what it has is the certificates of the sites it loaded.
  if (result.kind === 'browser' && result.tls) {
    return journeyCertificates(result.tls, result.certificates ?? [result.tls]);
  }
  const parts = ['<h2>HTTP</h2>'];
  if (result.http) parts.push(httpDetails(result.http));
  if (result.tls) parts.push(`<h3>Zertifikat</h3>\n${tlsDetails(result.tls)}`);
  if (result.phases) {
    const broke = result.status === 'fail' || result.status === 'error';
    parts.push(phasesTable(result.phases, broke));
  }
  return parts.join('\n');
}

/**
 * A journey's certificates: the one that expires first (what `probe_ssl_earliest_cert_expiry`
 * and the certificate alerts are about), named by its site, since it may be the identity
 * provider's or a payment page's rather than the service's; then every site known, when more
 * than one. A certificate an earlier run read says so: this run did not get that far.
 */
function journeyCertificates(first: TlsDetails, all: readonly TlsDetails[]): string {
  const parts = [
    `<h2>Zertifikate der Strecke</h2>
<p>Die Zertifikate der Sites, deren Seiten die Strecke lädt (Dienst, Anmeldung, Bezahlung). Das zuerst ablaufende zählt für die Zertifikats-Alarme; eine Site, die dieser Lauf nicht erreicht hat, zählt mit dem Zertifikat, das ein Lauf der letzten 7 Tage dort gelesen hat.</p>
<h3>Zertifikat, das zuerst abläuft</h3>
${tlsDetails(first, true)}`,
  ];
  if (all.length > 1) {
    const rows = all.map(
      (tls) =>
        `<tr><th scope="row"><span class="url">${pageText(tls.host ?? '')}</span></th><td>${expiryText(tls)}</td><td>${readText(tls)}</td></tr>`,
    );
    parts.push(`<table><caption>Alle Sites der Strecke, zuerst ablaufend zuerst</caption><thead><tr><th scope="col">Site</th><th scope="col">Ablauf</th><th scope="col">Gelesen</th></tr></thead><tbody>
${rows.join('\n')}
</tbody></table>`);
  }
  return parts.join('\n');
}

function expiryText(tls: TlsDetails): string {
  const days = Math.floor(tls.daysLeft);
  return days < 0
    ? `abgelaufen am ${e(when(tls.earliestExpiry))}`
    : `gültig bis ${e(when(tls.earliestExpiry))} (noch ${days} ${days === 1 ? 'Tag' : 'Tage'})`;
}

function readText(tls: TlsDetails): string {
  return tls.seenAt === undefined
    ? 'in diesem Lauf'
    : `zuletzt am ${e(when(tls.seenAt))}, in diesem Lauf nicht erreicht`;
}

/**
 * The certificate the server presented: what a certificate alert is about, and why a
 * `cert_invalid` run failed (a name that does not match, a chain nobody trusts). For a
 * journey (`journey`), which site it is of and when it was read. A certificate a journey's
 * page loaded with is trusted by the browser; one it refused is judged by Node's handshake,
 * which may find nothing wrong where the browser did (a revoked certificate): the run's
 * message keeps the browser's reason.
 */
function tlsDetails(tls: TlsDetails, journey = false): string {
  const problems = [
    ...(tls.hostnameMatch ? [] : ['passt nicht zum Hostnamen']),
    ...(tls.authorized
      ? []
      : [
          `nicht vertrauenswürdig${tls.authorizationError ? ` (<code>${e(tls.authorizationError)}</code>)` : ''}`,
        ]),
  ];
  const verdict =
    problems.length > 0
      ? problems.join('; ')
      : journey
        ? 'vertrauenswürdig, passt zum Namen der Site'
        : 'vertrauenswürdig, passt zum Hostnamen';
  const site =
    journey && tls.host !== undefined
      ? `<dt>Site</dt><dd><span class="url">${pageText(tls.host)}</span></dd>
<dt>Gelesen</dt><dd>${readText(tls)}</dd>
`
      : '';
  return `<dl>
${site}<dt>Ablauf</dt><dd>${expiryText(tls)}</dd>
<dt>Prüfung</dt><dd>${verdict}</dd>
<dt>Inhaber</dt><dd>${pageText(tls.subject)}</dd>
<dt>Aussteller</dt><dd>${pageText(tls.issuer)}</dd>
<dt>Namen im Zertifikat</dt><dd>${tls.subjectAltNames.length > 0 ? tls.subjectAltNames.map((n) => `<span class="url">${pageText(n)}</span>`).join(', ') : 'keine'}</dd>${
    tls.protocol
      ? `\n<dt>Protokoll</dt><dd>${e(tls.protocol)}${tls.cipher ? `, ${e(tls.cipher)}` : ''}</dd>`
      : ''
  }
</dl>`;
}

function httpDetails(http: HttpDetails): string {
  // The run keeps the address of every hop it left by a redirect; without one, it never moved.
  const requested = http.redirects[0]?.url ?? http.finalUrl;
  const address = (url: string): string => `<span class="url">${pageText(url)}</span>`;
  const answer =
    http.status > 0
      ? `Status ${http.status}${http.httpVersion ? `, HTTP/${e(http.httpVersion)}` : ''}`
      : 'keine Antwort erhalten';
  return `<dl>
<dt>Angefragte Adresse</dt><dd>${address(requested)}</dd>${
    http.redirects.length > 0
      ? `\n<dt>Weiterleitungen</dt><dd>${http.redirects.length} (${http.redirects.map((r) => r.status).join(', ')})</dd>`
      : ''
  }${http.finalUrl !== requested ? `\n<dt>Ziel der Weiterleitungen</dt><dd>${address(http.finalUrl)}</dd>` : ''}
<dt>Antwort</dt><dd>${answer}${http.remoteAddress ? ` von <code>${e(http.remoteAddress)}</code>` : ''}</dd>
</dl>`;
}

function phasesTable(p: HttpPhases, broke: boolean): string {
  const rows = (['resolve', 'connect', 'tls', 'processing', 'transfer'] as const).map(
    (k) => `<tr><th scope="row">${k}</th><td>${e(seconds(p[k]))}</td></tr>`,
  );
  return `<table><caption>Dauer je Phase</caption><thead><tr><th scope="col">Phase</th><th scope="col">Dauer</th></tr></thead><tbody>
${rows.join('\n')}
</tbody></table>${
    broke
      ? '\n<p>Bricht ein Lauf ab, zählt die Phase, in der er war, bis zum Abbruch; nicht erreichte Phasen stehen auf 0.</p>'
      : ''
  }`;
}

/** Open (not waived) flagged elements of `findings`, per impact. */
function openByImpact(findings: readonly A11yFinding[]): Record<string, number> {
  const counts: Record<string, number> = { critical: 0, serious: 0, moderate: 0, minor: 0 };
  for (const f of findings) {
    const open = f.nodes.filter((n) => n.waived === undefined).length;
    counts[f.impact] = (counts[f.impact] ?? 0) + open;
  }
  return counts;
}

/** Every scanned page with its violations by impact, then the documents the pages link. */
export function a11ySection(report: A11yReport): string {
  const rows = report.pages.map((page) => {
    const counts = openByImpact(page.violations);
    const waived = page.violations.reduce(
      (n, f) => n + f.nodes.filter((node) => node.waived !== undefined).length,
      0,
    );
    const review = page.incomplete.reduce((n, f) => n + f.nodes.length, 0);
    const cells = page.error
      ? `<td colspan="6">nicht geprüft: ${pageText(page.error)}</td>`
      : `${IMPACTS.map((i) => `<td>${counts[i]}</td>`).join('')}<td>${waived}</td><td>${review}</td>`;
    return `<tr><th scope="row" class="url">${pageText(page.url)}</th>${cells}</tr>`;
  });
  const parts = [
    `<h2>Barrierefreiheit</h2>`,
    `<table><caption>Geprüfte Seiten (${e(report.engine.name)} ${e(report.engine.version)}, Profil <code>${e(report.profile)}</code>): offene Verstöße je Schwere</caption>
<thead><tr><th scope="col">Seite</th>${IMPACTS.map((i) => `<th scope="col">${e(IMPACT_TEXT[i] ?? i)}</th>`).join('')}<th scope="col">ausgenommen</th><th scope="col">zu prüfen</th></tr></thead>
<tbody>
${rows.join('\n')}
</tbody></table>`,
  ];
  const documents = report.documents ?? [];
  if (documents.length > 0) parts.push(documentsTable(documents));
  return parts.join('\n');
}

/** Whether a PDF/UA claim held up under the machine checks, with what failed. */
function pdfuaCell(d: DocumentInfo): string {
  if (d.pdfuaPart === undefined) return '–';
  if (d.pdfuaProblems === undefined) return `erklärt, ${e(t.pdfuaChecks.unchecked)}`;
  if (d.pdfuaProblems.length === 0) return `erklärt, ${e(t.pdfuaChecks.passed)}`;
  const clauses = failedClauses(d.pdfuaProblems);
  // The checks' own words are English: marked so, for screen readers (WCAG 3.1.2).
  return `erklärt, ${e(t.pdfuaChecks.failed(clauses.join(', ')))}<ul lang="en">${d.pdfuaProblems
    .map((p) => `<li>${e(p)}</li>`)
    .join('')}</ul>`;
}

function documentsTable(documents: readonly DocumentInfo[]): string {
  const rows = documents.map((d) => {
    const fields =
      d.formFields === 0
        ? '0'
        : `${d.formFields}${d.formFieldsUnnamed ? `, davon ${d.formFieldsUnnamed} ohne Namen` : ''}`;
    const kind = e(t.documentClass[d.class] ?? d.class);
    // The document is known by the address the page links; where it led is said below it.
    const led = d.finalUrl ? `<br><small>weitergeleitet zu ${pageText(d.finalUrl)}</small>` : '';
    return `<tr><th scope="row" class="url">${pageText(d.url)}${led}</th><td>${kind}${d.error ? `: ${pageText(d.error)}` : ''}</td><td>${pdfuaCell(d)}</td><td>${e(d.title ?? '')}</td><td>${e(d.lang ?? '')}</td><td>${fields}</td><td>${d.pages}</td></tr>`;
  });
  return `<table><caption>Verlinkte Dokumente</caption>
<thead><tr><th scope="col">Dokument</th><th scope="col">Klasse</th><th scope="col">PDF/UA</th><th scope="col">Titel</th><th scope="col">Sprache</th><th scope="col">Formularfelder</th><th scope="col">Seiten</th></tr></thead>
<tbody>
${rows.join('\n')}
</tbody></table>`;
}

/** The formal BITV signals, each with what showed it. */
export function bitvSection(bitv: BitvReport): string {
  const rows = Object.entries(bitv.signals).map(
    ([name, s]) =>
      `<tr><th scope="row">${e(t.signal[name] ?? name)}</th><td>${s.value === 1 ? 'erfüllt' : 'nicht erfüllt'}</td><td>${pageText(s.evidence)}</td></tr>`,
  );
  const age =
    bitv.statementAgeDays === undefined
      ? ''
      : `<p>${e(t.statementAge)}: ${bitv.statementAgeDays}</p>`;
  return `<h2>BITV-Formalien</h2>
<table><caption>Formale Anforderungen der BITV 2.0</caption>
<thead><tr><th scope="col">Anforderung</th><th scope="col">Stand</th><th scope="col">Beleg</th></tr></thead>
<tbody>
${rows.join('\n')}
</tbody></table>${age}`;
}

/** The law behind each rule of `LegalBasis`, in the pages' language. */
const LEGAL_RULE_TEXT: Record<string, string> = {
  'identity-document':
    'die Behörde nimmt Fingerabdrücke und Unterschrift selbst auf (§ 9 PAuswG, Passgesetz)',
  marriage: 'die Eheschließenden erklären sie persönlich und gleichzeitig anwesend (§ 1311 BGB)',
};

/** Why the law requires an in-person appearance: no portal can remove this break. */
function legalNote(b: MediaBreak): string {
  if (!b.legallyMandated) return '';
  const basis = b.legalBasis;
  const why = basis
    ? `: ${e(LEGAL_RULE_TEXT[basis.rule] ?? basis.reason)}, belegt durch „${pageText(basis.evidence.text)}“`
    : '';
  return `<br>Gesetzlich vorgeschrieben${why}. Kein Online-Dienst kann diesen Medienbruch beseitigen.`;
}

/** The estimated maturity level and every media break with its evidence. */
export function mediaBreaksRunSection(report: MediaBreakReport): string {
  const level = report.maturity;
  const capped = level.cappedBy
    ? `, begrenzt durch ${e(MEDIA_BREAK_TEXT[level.cappedBy] ?? level.cappedBy)}`
    : '';
  const breaks =
    report.breaks.length === 0
      ? '<p>Keine Medienbrüche gefunden.</p>'
      : `<ul>${report.breaks
          .map(
            (b) =>
              `<li><strong>${e(MEDIA_BREAK_TEXT[b.kind] ?? b.kind)}</strong>${b.condition ? ` (${pageText(b.condition)})` : ''}: „${pageText(b.evidence.text)}“ auf <span class="url">${pageText(b.evidence.url)}</span>${legalNote(b)}</li>`,
          )
          .join('\n')}</ul>`;
  return `<h2>Medienbrüche</h2>
<p>Geschätzter OZG-Reifegrad ${level.level} (aus Sicht der Bürgerinnen und Bürger${capped})${report.endToEndDigital ? '; Ende-zu-Ende digital' : ''}.</p>
${breaks}`;
}
