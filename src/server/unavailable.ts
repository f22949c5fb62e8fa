/**
 * What a page or an API call answers while the store's database cannot be reached: 503
 * with the reason, instead of a bare "internal error". Runs, metrics and alerts go on
 * meanwhile; only what reads stored history has to wait.
 */
import type { ServerResponse } from 'node:http';
import { escapeHtml as e, layout } from './pages.ts';
import { sendHtml, sendJson } from './respond.ts';

/** Seconds a client is asked to wait: the store tries PostgreSQL again at most every 30 s. */
export const RETRY_AFTER_SECONDS = 30;

export function sendStoreUnavailable(res: ServerResponse, api: boolean, error: Error): void {
  res.setHeader('retry-after', String(RETRY_AFTER_SECONDS));
  if (api) return sendJson(res, 503, { error: 'store unavailable', detail: error.message });
  sendHtml(res, 503, renderStoreUnavailable(error));
}

function renderStoreUnavailable(error: Error): string {
  return layout(
    'Datenbank nicht erreichbar',
    `<h1>Die Ergebnisdatenbank ist gerade nicht erreichbar</h1>
<p>Diese Seite liest gespeicherte Ergebnisse und kann erst wieder gezeigt werden, wenn die Datenbank
erreichbar ist. Bitte in einer halben Minute neu laden.</p>
<p>Die Prüfungen laufen weiter: ihre Ergebnisse werden auf der Platte zwischengespeichert und
nachgetragen, sobald die Datenbank wieder erreichbar ist. Metriken (<a href="/metrics">/metrics</a>)
und Alarme sind nicht betroffen.</p>
<p>Ursache: <code>${e(error.message)}</code></p>`,
  );
}
