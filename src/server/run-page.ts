/**
 * `/runs/:id`: one run as the person who opened it from Grafana needs it: outcome, steps,
 * assertions, warnings, blocked requests, what an HTTP, accessibility, BITV or media-break check
 * found (run-sections.ts: for HTTP the addresses, the answer and the phases), and the
 * evidence with its downloads.
 */
import type { LighthouseReport, Result, StepResult } from '../results/result.ts';
import {
  escapeHtml as e,
  layout,
  pageText,
  seconds,
  statusLabel,
  when,
  type ProbeModel,
} from './pages.ts';
import { a11ySection, bitvSection, httpSection, mediaBreaksRunSection } from './run-sections.ts';
import { blockedSection } from './blocked-section.ts';
import { warningsSection } from './warnings-section.ts';

/** `/runs/:id`: one run with its steps, assertions, evidence and trace download. */
export function renderRunPage(result: Result, probe: ProbeModel | undefined): string {
  const title = `Lauf von ${probe?.name ?? result.probeId}`;
  const artifactUrl = (name: string): string =>
    `/runs/${encodeURIComponent(result.runId)}/artifacts/${encodeURIComponent(name)}`;
  const parts: string[] = [
    `<h1>${e(title)}</h1>`,
    `<dl>
<dt>Ergebnis</dt><dd>${statusLabel(result.status)}${result.reason ? ` (<code>${e(result.reason)}</code>)` : ''}</dd>
<dt>Meldung</dt><dd>${e(result.message)}</dd>
<dt>Prüfung</dt><dd><a href="/probes/${encodeURIComponent(result.probeId)}">${e(probe?.name ?? result.probeId)}</a> (<code>${e(result.kind)}</code>)</dd>
<dt>Beginn</dt><dd>${e(when(result.startedAt))}</dd>
<dt>Dauer</dt><dd>${e(seconds(result.duration))}, ${result.attempts} Versuch(e)${result.maintenance ? ', im Wartungsfenster' : ''}</dd>
</dl>`,
  ];
  if (result.steps && result.steps.length > 0) parts.push(stepsTable(result.steps));
  if (result.assertions.length > 0) {
    parts.push(
      `<h2>Erwartungen</h2>\n<ul>${result.assertions
        .map(
          (a) =>
            `<li class="${a.ok ? 'pass' : 'fail'}">${a.ok ? 'erfüllt' : 'verletzt'}: ${e(a.text)}</li>`,
        )
        .join('\n')}</ul>`,
    );
  }
  const warnings = warningsSection(result);
  if (warnings) parts.push(warnings);
  const blocked = blockedSection(result);
  if (blocked) parts.push(blocked);
  if (result.http || result.phases || result.tls) parts.push(httpSection(result));
  if (result.lighthouse) parts.push(lighthouseTable(result.lighthouse));
  if (result.a11y) parts.push(a11ySection(result.a11y));
  if (result.bitv) parts.push(bitvSection(result.bitv));
  if (result.mediaBreaks) parts.push(mediaBreaksRunSection(result.mediaBreaks));
  const artifacts = result.artifacts ?? [];
  const shot = artifacts.find((a) => a.kind === 'screenshot');
  if (artifacts.length > 0) {
    parts.push(`<h2>Belege</h2>`);
    if (shot) {
      parts.push(
        `<figure><img src="${artifactUrl(shot.name)}" alt="Bildschirmfoto der Seite zum Zeitpunkt des Fehlers"><figcaption>Bildschirmfoto (${e(shot.name)})</figcaption></figure>`,
      );
    }
    parts.push(
      `<ul>${artifacts
        .map((a) => {
          // The snapshot is shown by the daemon without its scripts (artifact-response.ts);
          // opened from a download they would run.
          const hint =
            a.kind === 'trace'
              ? ' – öffnen mit <code>npx playwright show-trace trace.zip</code>'
              : a.kind === 'html'
                ? ` – <a href="${artifactUrl(a.name)}">im Browser ansehen</a> (ohne Skripte, lädt nichts nach)`
                : '';
          return `<li><a href="${artifactUrl(a.name)}" download>${e(a.name)}</a> (${e(a.kind)}, ${Math.ceil(a.bytes / 1024)} KiB)${hint}</li>`;
        })
        .join('\n')}</ul>`,
    );
  }
  return layout(title, parts.join('\n'));
}

const LIGHTHOUSE_METRICS: [key: string, label: string][] = [
  ['fcp', 'First Contentful Paint'],
  ['lcp', 'Largest Contentful Paint'],
  ['tbt', 'Total Blocking Time'],
  ['speedIndex', 'Speed Index'],
  ['cls', 'Cumulative Layout Shift'],
];

function lighthouseTable(report: LighthouseReport): string {
  const scores = Object.entries(report.scores).map(
    ([category, score]) =>
      `<tr><th scope="row">${e(category)}</th><td>${score === null ? 'nicht bewertet' : Math.round(score * 100)}</td></tr>`,
  );
  const metrics = LIGHTHOUSE_METRICS.filter(([key]) => report.metrics[key] !== undefined).map(
    ([key, label]) => {
      const value = report.metrics[key]!;
      return `<tr><th scope="row">${label}</th><td>${key === 'cls' ? value.toFixed(3) : e(seconds(value))}</td></tr>`;
    },
  );
  return `<h2>Lighthouse ${e(report.version)}</h2>
<p>Geprüft: <span class="url">${e(report.url)}</span> (${report.formFactor === 'mobile' ? 'Mobilgerät' : 'Desktop'})</p>
<table><caption>Bewertung je Kategorie (0–100)</caption><thead><tr><th scope="col">Kategorie</th><th scope="col">Punkte</th></tr></thead><tbody>
${scores.join('\n')}
</tbody></table>
<table><caption>Messwerte</caption><thead><tr><th scope="col">Messwert</th><th scope="col">Wert</th></tr></thead><tbody>
${metrics.join('\n')}
</tbody></table>${
    report.warnings && report.warnings.length > 0
      ? `\n<p>Hinweise von Lighthouse:</p><ul>${report.warnings.map((w) => `<li>${e(w)}</li>`).join('')}</ul>`
      : ''
  }`;
}

function stepsTable(steps: readonly StepResult[]): string {
  const rows = steps.map((s) => {
    const detail = [
      s.error ? pageText(s.error) : '',
      s.assertion ? pageText(s.assertion.text) : '',
      s.pageErrors.length > 0 ? `JavaScript: ${s.pageErrors.map(pageText).join('; ')}` : '',
      s.consoleErrors.length > 0 ? `${s.consoleErrors.length} Konsolenfehler` : '',
      s.failedRequests > 0 ? `${s.failedRequests} fehlgeschlagene Anfragen` : '',
    ]
      .filter((d) => d !== '')
      .join('<br>');
    return `<tr><th scope="row">${e(s.name)}</th><td><code>${e(s.action)}</code></td><td>${statusLabel(s.status)}</td><td>${s.status === 'skipped' ? '' : e(seconds(s.duration))}</td><td class="url">${e(s.url ?? '')}${s.httpStatus ? ` (${s.httpStatus})` : ''}</td><td>${detail}</td></tr>`;
  });
  return `<h2>Schritte</h2>
<table><caption>Schritte der Journey</caption>
<thead><tr><th scope="col">Schritt</th><th scope="col">Aktion</th><th scope="col">Ergebnis</th><th scope="col">Dauer</th><th scope="col">Seite</th><th scope="col">Details</th></tr></thead>
<tbody>
${rows.join('\n')}
</tbody></table>`;
}
