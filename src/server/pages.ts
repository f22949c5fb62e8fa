/**
 * The run pages: plain server-rendered HTML, no script, for the people an alert or a
 * Grafana panel sends here. Pure functions of their model; everything that came from a
 * watched page (messages, URLs, console output) is escaped.
 */
import type { FindingRecord, MediaBreakEvent, RunSummary } from '../store/store.ts';
import { AVAILABILITY_KINDS } from '../report/collect.ts';
import { STYLESHEET } from './stylesheet.ts';

export interface ProbeModel {
  id: string;
  name: string;
  kind: string;
  service: string;
  county: string;
  url?: string;
}

const STATUS_TEXT: Record<string, string> = {
  pass: 'bestanden',
  degraded: 'eingeschränkt',
  fail: 'fehlgeschlagen',
  error: 'Prüfung nicht möglich',
  skipped: 'übersprungen',
};

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const e = escapeHtml;

/**
 * Page text that shares a line or a cell with other content: escaped, and in a bidi
 * isolate of its own, so a right-to-left override in it (U+202E) cannot reorder what
 * follows it — the address next to a quote, the next error of a step.
 */
export function pageText(text: string): string {
  return `<bdi>${escapeHtml(text)}</bdi>`;
}

/** The frame every page shares: one stylesheet, no script, a link home. */
export function layout(title: string, body: string): string {
  return `<!doctype html>
<html lang="de">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${e(title)} – ozgwatch</title>
<style>${STYLESHEET}</style>
</head>
<body>
<header><nav aria-label="ozgwatch"><a href="/">Übersicht</a> · <a href="/reports">Berichte</a> · <a href="/api">API</a></nav></header>
<main>
${body}
</main>
</body>
</html>
`;
}

/** A status as text (colour only repeats it). */
export function statusLabel(s: string): string {
  return `<span class="${e(s)}">${e(STATUS_TEXT[s] ?? s)}</span>`;
}

export function seconds(s: number): string {
  return `${s.toFixed(3).replace('.', ',')} s`;
}

export function when(epochMs: number): string {
  return new Date(epochMs)
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, ' UTC');
}

/** What the probe page shows besides the recent runs. */
export interface ProbeHistory {
  /** Accessibility findings over the probe's history; absent when it has no scans. */
  findings?: readonly FindingRecord[];
  /** Occurrences the latest scan found but counted as waived (accepted findings). */
  waived?: ReadonlySet<string>;
  /** Changes of media breaks and maturity, newest first; absent when it has no such checks. */
  mediaBreakEvents?: readonly MediaBreakEvent[];
}

/** Rows of the findings table; a long-broken site must not make the page megabytes. */
export const MAX_FINDING_ROWS = 200;

/** `/probes/:id`: what the probe watches, its availability, findings, media breaks and recent runs. */
export function renderProbePage(
  probe: ProbeModel,
  runs: readonly RunSummary[],
  history: ProbeHistory = {},
): string {
  const title = probe.name;
  const rows = runs.map(
    (r) =>
      `<tr><td><a href="/runs/${encodeURIComponent(r.runId)}">${e(when(r.startedAt))}</a></td><td>${statusLabel(r.status)}</td><td>${r.reason ? `<code>${e(r.reason)}</code>` : ''}</td><td>${e(seconds(r.duration))}</td><td>${e(r.message)}</td></tr>`,
  );
  const sections = [
    AVAILABILITY_KINDS.has(probe.kind) ? availabilitySection(runs) : passedSection(runs),
  ];
  if (history.findings) {
    sections.push(findingsSection(history.findings, history.waived ?? new Set<string>()));
  }
  if (history.mediaBreakEvents) sections.push(mediaBreakSection(history.mediaBreakEvents));
  return layout(
    title,
    `<h1>${e(title)}</h1>
<dl>
<dt>Kennung</dt><dd><code>${e(probe.id)}</code> (<code>${e(probe.kind)}</code>)</dd>
<dt>Leistung</dt><dd>${e(probe.service)}</dd>
<dt>Gebiet</dt><dd>${e(probe.county)}</dd>
${probe.url ? `<dt>Adresse</dt><dd><a class="url" href="${e(probe.url)}">${e(probe.url)}</a></dd>` : ''}
</dl>
${sections.join('\n')}
<h2>Letzte Läufe</h2>
${
  rows.length === 0
    ? '<p>Noch keine Läufe.</p>'
    : `<table><caption>${rows.length === 1 ? 'Der letzte Lauf' : `Die letzten ${rows.length} Läufe, neueste zuerst`}</caption>
<thead><tr><th scope="col">Beginn</th><th scope="col">Ergebnis</th><th scope="col">Grund</th><th scope="col">Dauer</th><th scope="col">Meldung</th></tr></thead>
<tbody>
${rows.join('\n')}
</tbody></table>`
}`,
  );
}

/** `97,5 %`. */
export function percent(share: number): string {
  return `${(share * 100).toFixed(1).replace('.', ',')} %`;
}

/**
 * Share of the shown runs in which the service worked. Runs in a maintenance window and
 * runs where ozgwatch itself could not check (`error`) say nothing about the service.
 */
function availabilitySection(runs: readonly RunSummary[]): string {
  const counted = runs.filter((r) => !r.maintenance && r.status !== 'error');
  const ok = counted.filter((r) => r.status === 'pass' || r.status === 'degraded').length;
  const left = runs.length - counted.length;
  const text =
    counted.length === 0
      ? 'nicht bestimmbar: keine Läufe, die etwas über den Dienst aussagen'
      : `${percent(ok / counted.length)} (${ok} von ${counted.length} Läufen erfolgreich)`;
  return `<h2>Verfügbarkeit</h2>
<p>Verfügbarkeit in den unten gezeigten Läufen: ${text}.${
    left > 0
      ? ` Nicht mitgezählt: ${left} ${left === 1 ? 'Lauf' : 'Läufe'} im Wartungsfenster oder ohne Prüfergebnis.`
      : ''
  }</p>`;
}

/**
 * For scans (accessibility, BITV, media breaks, Lighthouse) a failed run means findings, not
 * a service that is down: the share is not called availability, as the report does not.
 */
function passedSection(runs: readonly RunSummary[]): string {
  const counted = runs.filter((r) => !r.maintenance && r.status !== 'error');
  const ok = counted.filter((r) => r.status === 'pass' || r.status === 'degraded').length;
  const text =
    counted.length === 0
      ? 'keine Läufe mit Prüfergebnis'
      : `${percent(ok / counted.length)} (${ok} von ${counted.length})`;
  return `<h2>Bestandene Läufe</h2>
<p>Bestanden in den unten gezeigten Läufen: ${text}. Bei dieser Art Prüfung scheitert ein Lauf an Befunden, nicht an einem ausgefallenen Dienst; die Verfügbarkeit zeigen die HTTP- und Browser-Prüfungen.</p>`;
}

export const IMPACT_TEXT: Record<string, string> = {
  critical: 'kritisch',
  serious: 'schwer',
  moderate: 'mittel',
  minor: 'gering',
};
const IMPACT_RANK: Record<string, number> = { critical: 0, serious: 1, moderate: 2, minor: 3 };

function findingsSection(findings: readonly FindingRecord[], waived: ReadonlySet<string>): string {
  const open = findings.filter((f) => f.state === 'open');
  const fixed = findings.filter((f) => f.state !== 'open');
  const rank = (f: FindingRecord): number => IMPACT_RANK[f.impact] ?? 4;
  // Open: worst first, then oldest; fixed: most recently fixed first.
  open.sort((a, b) => rank(a) - rank(b) || a.firstSeen - b.firstSeen);
  fixed.sort((a, b) => (b.fixedAt ?? b.lastSeen) - (a.fixedAt ?? a.lastSeen));
  const shown = [...open, ...fixed].slice(0, MAX_FINDING_ROWS);
  const waivedOpen = open.filter((f) => waived.has(f.occurrence)).length;
  const head = `<h2>Barrierefreiheit: Befunde</h2>
<p>${open.length} offen${
    waivedOpen > 0 ? ` (davon ${waivedOpen} ausgenommen)` : ''
  }, ${fixed.length} behoben. Ein Befund ist eine Regelverletzung an einer Stelle einer Seite, verfolgt über alle Läufe.</p>`;
  if (shown.length === 0) return `${head}\n<p>Bisher keine Befunde.</p>`;
  const rows = shown.map((f) => {
    const isOpen = f.state === 'open';
    return `<tr><th scope="row"><code>${e(f.ruleId)}</code></th><td>${e(IMPACT_TEXT[f.impact] ?? f.impact)}</td><td class="url">${e(f.page)}</td><td>${isOpen ? (waived.has(f.occurrence) ? 'offen, ausgenommen' : 'offen') : 'behoben'}</td><td>${e(when(f.firstSeen))}</td><td>${isOpen ? `zuletzt gesehen ${e(when(f.lastSeen))}` : `behoben ${e(when(f.fixedAt ?? f.lastSeen))}`}</td><td>${f.reopened}</td></tr>`;
  });
  const more =
    findings.length > shown.length
      ? `\n<p>Gezeigt werden ${shown.length} von ${findings.length} Befunden, offene zuerst.</p>`
      : '';
  return `${head}
<table><caption>Befunde, offene zuerst</caption>
<thead><tr><th scope="col">Regel</th><th scope="col">Auswirkung</th><th scope="col">Seite</th><th scope="col">Zustand</th><th scope="col">Zuerst gesehen</th><th scope="col">Zuletzt gesehen / behoben</th><th scope="col">Wieder aufgetreten</th></tr></thead>
<tbody>
${rows.join('\n')}
</tbody></table>${more}`;
}

/** The media-break categories (DOMAIN.md §5) as a person reads them. */
export const MEDIA_BREAK_TEXT: Record<string, string> = {
  'paper-form': 'Papierformular',
  'handwritten-signature': 'eigenhändige Unterschrift',
  'postal-submission': 'Einreichung per Post',
  'fax-submission': 'Einreichung per Fax',
  'email-submission': 'Einreichung per E-Mail',
  'in-person': 'persönliches Erscheinen',
  'original-documents': 'Originalnachweise',
  'manual-payment': 'Zahlung außerhalb des Online-Dienstes',
  'paper-decision': 'Bescheid nur auf Papier',
  'scanned-pdf': 'eingescanntes Formular',
};

function mediaBreakSection(events: readonly MediaBreakEvent[]): string {
  const head = `<h2>Medienbrüche: Änderungen</h2>`;
  if (events.length === 0) {
    return `${head}\n<p>Keine Änderungen seit der ersten Prüfung (sie gilt als Ausgangsstand).</p>`;
  }
  const breakName = (kind: string | undefined): string =>
    kind === undefined ? '' : e(MEDIA_BREAK_TEXT[kind] ?? kind);
  const rows = events.map((ev) => {
    const change =
      ev.type === 'appeared'
        ? `neu: ${breakName(ev.kind)}`
        : ev.type === 'disappeared'
          ? `entfallen: ${breakName(ev.kind)}`
          : `Reifegrad ${ev.levelFrom ?? '?'} → ${ev.levelTo ?? '?'} (geschätzt)`;
    const evidence = ev.evidence
      ? `„${pageText(ev.evidence.text)}“<br><span class="url">${pageText(ev.evidence.url)}</span>`
      : '';
    return `<tr><td><a href="/runs/${encodeURIComponent(ev.runId)}">${e(when(ev.at))}</a></td><td>${change}</td><td>${evidence}</td></tr>`;
  });
  return `${head}
<table><caption>Die letzten ${rows.length} Änderungen, neueste zuerst</caption>
<thead><tr><th scope="col">Zeitpunkt</th><th scope="col">Änderung</th><th scope="col">Beleg</th></tr></thead>
<tbody>
${rows.join('\n')}
</tbody></table>`;
}
