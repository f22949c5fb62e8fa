/**
 * The overview at `/`: every loaded probe, grouped by county and service, with its current
 * state, its last run and badges for accessibility and maturity. A pure function of its
 * model (read by `loadOverview` in models.ts); everything from a watched site is escaped.
 */
import { IMPACTS, type Impact } from '../checkers/a11y/summary.ts';
import { isSuccess, type RunStatus } from '../results/result.ts';
import { escapeHtml as e, IMPACT_TEXT, layout, statusLabel, when } from './pages.ts';

/** Which run a value comes from. */
export interface OverviewRun {
  runId: string;
  /** Epoch ms. */
  startedAt: number;
}

export interface OverviewProbe {
  id: string;
  name: string;
  kind: string;
  county: string;
  service: string;
  enabled: boolean;
  /** The latest run; absent before the first. */
  last?: OverviewRun & { status: RunStatus; reportedStatus: RunStatus; message: string };
  /**
   * Enabled, but the third run after its latest one is due and none ended (what OzgwatchStaleResults
   * fires on): nothing runs it now — a missing shard, a stuck scheduler. Its result is old news.
   */
  stale?: true;
  /** From the latest result with an accessibility report: violation nodes not waived, by impact. */
  a11y?: OverviewRun & { byImpact: Record<Impact, number>; waived: number };
  /** From the latest result with a media-break report. */
  maturity?: OverviewRun & { level: number; endToEndDigital: boolean; breaks: number };
}

export interface OverviewModel {
  /** Epoch ms the model was read. */
  at: number;
  probes: OverviewProbe[];
  /** The last load of the probe files, when the daemon tells it. */
  config?: ConfigState;
}

/** How the last (re)load of the probe configuration went. */
export interface ConfigState {
  ok: boolean;
  /** Problems found; 0 when it loaded. */
  problems: number;
  /** Epoch ms of the attempt. */
  at: number;
}

/** The default county label (`none`) means "not tied to a county". */
const NO_COUNTY = 'none';
/** Longest message shown in the overview; the probe and run pages show it whole. */
const MESSAGE_CHARS = 160;

/** `/`: all probes by county and service, a summary on top. */
export function renderOverview(model: OverviewModel): string {
  const title = 'Übersicht';
  const byCounty = new Map<string, Map<string, OverviewProbe[]>>();
  for (const probe of model.probes) {
    const services = byCounty.get(probe.county) ?? new Map<string, OverviewProbe[]>();
    byCounty.set(probe.county, services);
    services.set(probe.service, [...(services.get(probe.service) ?? []), probe]);
  }
  const collator = new Intl.Collator('de');
  const counties = [...byCounty.keys()].sort(
    (a, b) => Number(a === NO_COUNTY) - Number(b === NO_COUNTY) || collator.compare(a, b),
  );
  const sections = counties.map((county) => {
    const services = byCounty.get(county)!;
    const countyName = county === NO_COUNTY ? 'ohne Gebiet' : county;
    const tables = [...services.keys()].sort(collator.compare).map((service) => {
      const probes = [...services.get(service)!].sort(
        (a, b) => collator.compare(a.name, b.name) || collator.compare(a.id, b.id),
      );
      return `<h3>Leistung: ${e(service)}</h3>
<table><caption>Prüfungen der Leistung ${e(service)} (${e(countyName)})</caption>
<thead><tr><th scope="col">Prüfung</th><th scope="col">Art</th><th scope="col">Zustand</th><th scope="col">Letzter Lauf</th><th scope="col">Barrierefreiheit</th><th scope="col">Reifegrad</th></tr></thead>
<tbody>
${probes.map(row).join('\n')}
</tbody></table>`;
    });
    return `<section>
<h2>${county === NO_COUNTY ? 'Ohne Gebiet' : `Gebiet: ${e(county)}`}</h2>
${tables.join('\n')}
</section>`;
  });
  return layout(
    title,
    `<h1>Übersicht der Prüfungen</h1>
<p>Stand: ${e(when(model.at))}</p>
${model.config && !model.config.ok ? configWarning(model.config, model.probes.length > 0) : ''}
${summary(model.probes)}
${sections.length === 0 ? '<p>Keine Prüfungen geladen.</p>' : sections.join('\n')}`,
  );
}

/**
 * An invalid probe file is otherwise visible only in the log and in a metric: whoever opens
 * the overview must not take an empty or outdated page for the whole picture.
 */
function configWarning(config: ConfigState, running: boolean): string {
  const problems = config.problems === 1 ? '1 Problem' : `${config.problems} Probleme`;
  return `<p><strong>Die Prüfungskonfiguration ist ungültig</strong> (geladen ${e(when(config.at))}): ${problems}, beschrieben im Log des Daemons und von <code>ozgwatch validate</code>. ${
    running
      ? 'Es laufen die Prüfungen der letzten gültigen Konfiguration.'
      : 'Es laufen keine Prüfungen.'
  }</p>`;
}

function summary(probes: readonly OverviewProbe[]): string {
  const enabled = probes.filter((p) => p.enabled);
  const count = (pred: (s: RunStatus) => boolean): number =>
    enabled.filter((p) => p.last && pred(p.last.reportedStatus)).length;
  const failing = count((s) => s === 'fail');
  const passing = count((s) => s === 'pass' || s === 'degraded');
  const degraded = count((s) => s === 'degraded');
  const broken = count((s) => s === 'error');
  const never = enabled.filter((p) => !p.last).length;
  const stale = enabled.filter((p) => p.stale).length;
  const disabled = probes.length - enabled.length;
  const item = (label: string, value: string): string => `<dt>${label}</dt><dd>${value}</dd>`;
  return `<dl class="summary">
${[
  item('Prüfungen', String(probes.length)),
  item('Derzeit fehlgeschlagen', String(failing)),
  item('Bestanden', `${passing}${degraded > 0 ? ` (davon ${degraded} eingeschränkt)` : ''}`),
  broken > 0 ? item('Prüfung nicht möglich', String(broken)) : '',
  never > 0 ? item('Noch ohne Lauf', String(never)) : '',
  stale > 0 ? item('Veraltet (läuft derzeit nicht)', String(stale)) : '',
  disabled > 0 ? item('Deaktiviert', String(disabled)) : '',
]
  .filter((i) => i !== '')
  .join('\n')}
</dl>`;
}

/**
 * A last run that disagrees with the reported state (its failure not yet confirmed by
 * failAfter runs, or its recovery by recoverAfter): said next to the state, so that a new
 * probe failing from the start does not look simply fine.
 */
function unconfirmed(last: NonNullable<OverviewProbe['last']>): string {
  if (isSuccess(last.status) === isSuccess(last.reportedStatus)) return '';
  return `<br>letzter Lauf: ${statusLabel(last.status)}, noch nicht bestätigt`;
}

function row(probe: OverviewProbe): string {
  const runLink = (run: OverviewRun): string =>
    `<a href="/runs/${encodeURIComponent(run.runId)}">${e(when(run.startedAt))}</a>`;
  // A badge from an older run than the latest says so.
  const from = (run: OverviewRun): string =>
    probe.last && run.runId !== probe.last.runId ? `<br>aus dem Lauf ${runLink(run)}` : '';
  const last = probe.last;
  const stale = probe.stale
    ? '<br><strong>veraltet:</strong> drei fällige Läufe ohne Ergebnis'
    : '';
  const state = !probe.enabled
    ? 'deaktiviert'
    : !last
      ? `noch kein Lauf${stale}`
      : `${statusLabel(last.reportedStatus)}${unconfirmed(last)}${
          last.reportedStatus === 'pass' && last.status === 'pass'
            ? ''
            : `<br>${e(shorten(last.message))}`
        }${stale}`;
  const a11y = probe.a11y
    ? `<span class="badge">${e(a11yText(probe.a11y))}</span>${from(probe.a11y)}`
    : 'nicht geprüft';
  const maturity = probe.maturity
    ? `<span class="badge">${e(maturityText(probe.maturity))}</span>${from(probe.maturity)}`
    : 'nicht geprüft';
  return `<tr><th scope="row"><a href="/probes/${encodeURIComponent(probe.id)}">${e(probe.name)}</a></th><td><code>${e(probe.kind)}</code></td><td>${state}</td><td>${last ? runLink(last) : '–'}</td><td>${a11y}</td><td>${maturity}</td></tr>`;
}

/** `3 kritisch, 1 schwer`, `keine Verstöße`; waived nodes are named apart. */
export function a11yText(a11y: NonNullable<OverviewProbe['a11y']>): string {
  const parts = IMPACTS.filter((i) => a11y.byImpact[i] > 0).map(
    (i) => `${a11y.byImpact[i]} ${IMPACT_TEXT[i]}`,
  );
  const text = parts.length > 0 ? parts.join(', ') : 'keine Verstöße';
  return a11y.waived > 0 ? `${text}; ${a11y.waived} ausgenommen` : text;
}

/** `Reifegrad 2 (geschätzt), 1 Medienbruch`, `Reifegrad 4 (geschätzt), Ende-zu-Ende digital`. */
export function maturityText(m: NonNullable<OverviewProbe['maturity']>): string {
  const parts = [`Reifegrad ${m.level} (geschätzt)`];
  if (m.endToEndDigital) parts.push('Ende-zu-Ende digital');
  if (m.breaks > 0) parts.push(`${m.breaks} ${m.breaks === 1 ? 'Medienbruch' : 'Medienbrüche'}`);
  return parts.join(', ');
}

function shorten(text: string): string {
  if (text.length <= MESSAGE_CHARS) return text;
  // By code points: a cut must not split a surrogate pair.
  return `${Array.from(text)
    .slice(0, MESSAGE_CHARS - 1)
    .join('')}…`;
}
