/**
 * `/reports`: the reports generated so far, and a form to make one for a quarter. Plain
 * HTML; the form posts to the same address, the daemon writes the files into
 * `<dataDir>/reports` and sends the browser to the new HTML report.
 */
import { escapeHtml as e, layout } from './pages.ts';

export interface ReportFile {
  name: string;
  bytes: number;
  /** Epoch ms. */
  modified: number;
}

export interface ReportsPageModel {
  /** Files by report (base name), newest report first. */
  reports: { base: string; files: ReportFile[] }[];
  /** Ended quarters offered in the form, newest first; the first is preselected. */
  quarters: string[];
  /**
   * The quarter under way, offered above them: its report is provisional ("vorläufig",
   * `…-provisional.html`), with the figures of the newest run so far.
   */
  running?: string;
  /** Shown above the form after a failed request. */
  error?: string;
  /** This daemon makes the ended quarter's report by itself (`reports.quarterly`). */
  quarterly?: boolean;
}

const FORMAT_LABELS: Record<string, string> = {
  html: 'HTML (barrierefrei, eine Datei)',
  pdf: 'PDF (getaggt, von Chromium gedruckt)',
  csv: 'CSV (jede Tabelle eine Datei)',
  json: 'JSON (alle Daten und Tabellen)',
};

// The accessibility officer's first question: must someone ask for the report? Not for the
// quarter that just ended, so the form is for the running quarter, earlier ones, other
// languages or formats.
const AUTOMATIC =
  '<p>Den Bericht des abgelaufenen Quartals erstellt ozgwatch selbst: Ab 2 Uhr am ersten Tag des neuen Quartals steht er unten in der Liste. Das Formular brauchen Sie nur für das laufende Quartal, frühere Quartale, eine andere Sprache oder andere Formate.</p>';

/** Why the running quarter's report is marked provisional, next to the form. */
const PROVISIONAL =
  '<p>Der Bericht des laufenden Quartals ist vorläufig: Er zeigt den Stand des letzten Laufs bis jetzt, sein Dateiname endet auf <code>-provisional</code>, und der endgültige Bericht nach Quartalsende ersetzt ihn nicht, sondern steht daneben.</p>';

export function renderReportsPage(model: ReportsPageModel): string {
  const rows = model.reports.map(({ base, files }) => {
    const links = files
      .map(
        (f) =>
          `<li><a href="/reports/${encodeURIComponent(f.name)}">${e(f.name)}</a> (${Math.ceil(f.bytes / 1024)} KiB)</li>`,
      )
      .join('');
    return `<tr><th scope="row">${e(base)}</th><td><ul>${links}</ul></td></tr>`;
  });
  return layout(
    'Berichte',
    `<h1>Berichte</h1>
<p>Der Quartalsbericht Barrierefreiheit entsteht allein aus dem Datenbestand: Er lässt sich für jedes vergangene Quartal erstellen, und gleiche Daten ergeben denselben Bericht.</p>
${model.quarterly ? AUTOMATIC : ''}
${model.error ? `<p role="alert" class="fail">${e(model.error)}</p>` : ''}
<h2>Bericht erstellen</h2>
<form method="post" action="/reports">
<p><label for="quarter">Quartal</label>
<select id="quarter" name="quarter">
${[
  ...(model.running
    ? [`<option value="${e(model.running)}">${e(model.running)} (laufend, vorläufig)</option>`]
    : []),
  ...model.quarters.map(
    (q, i) => `<option value="${e(q)}"${i === 0 ? ' selected' : ''}>${e(q)}</option>`,
  ),
].join('\n')}
</select></p>
${model.running ? PROVISIONAL : ''}
<p><label for="lang">Sprache</label>
<select id="lang" name="lang"><option value="de" selected>Deutsch</option><option value="en">English</option></select></p>
<fieldset><legend>Formate</legend>
${Object.entries(FORMAT_LABELS)
  .map(
    ([id, label]) =>
      `<p><input type="checkbox" id="format-${id}" name="format" value="${id}"${id === 'pdf' ? '' : ' checked'}> <label for="format-${id}">${e(label)}</label></p>`,
  )
  .join('\n')}
</fieldset>
<p><button type="submit">Bericht erstellen</button></p>
</form>
<h2>Erstellte Berichte</h2>
${
  rows.length === 0
    ? '<p>Noch keine Berichte.</p>'
    : `<table><caption>Berichte im Datenordner, neueste zuerst</caption>
<thead><tr><th scope="col">Bericht</th><th scope="col">Dateien</th></tr></thead>
<tbody>
${rows.join('\n')}
</tbody></table>`
}`,
  );
}
