import type { Result } from '../results/result.ts';
import { escapeHtml as e, pageText } from './pages.ts';

/**
 * The run page's list of what the request guard held back. A journey names the step, a
 * page-reading check (accessibility, BITV, media breaks) the page; a blocked WebSocket or
 * shared worker says what it is, since a page that needs one stops working without it and
 * the person reading the run should know why.
 */
export function blockedSection(result: Result): string {
  const blocked = result.blockedRequests ?? [];
  if (blocked.length === 0) return '';
  const where = (step: string): string => {
    if (step === '') return '';
    return result.kind === 'browser' ? ` (Schritt ${e(step)})` : ` (auf Seite ${pageText(step)})`;
  };
  const notes = ['Diese Anfragen hätten Daten verändert und wurden nicht gesendet.'];
  if (blocked.some((b) => b.method === 'WEBSOCKET')) {
    notes.push(
      'WebSocket-Verbindungen wurden nicht aufgebaut: über sie kann eine Seite (Blazor Server, SignalR) alles an den Server senden, auch einen Antrag. Eine Seite, die ihre Verbindung braucht, reagiert danach nicht mehr; ist die Verbindung unbedenklich, erlaubt <code>allowRequests: [{ method: WEBSOCKET, url: … }]</code> sie.',
    );
  }
  if (blocked.some((b) => b.method === 'SHAREDWORKER')) {
    notes.push('Shared Worker wurden nicht gestartet: was sie senden, kann ozgwatch nicht prüfen.');
  }
  return `<h2>Blockierte Anfragen</h2>\n${notes.map((n) => `<p>${n}</p>`).join('\n')}\n<ul>${blocked
    .map(
      (b) =>
        `<li><code>${e(b.method)}</code> <span class="url">${pageText(b.url)}</span>${where(b.step)}</li>`,
    )
    .join('\n')}</ul>`;
}
