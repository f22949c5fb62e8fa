import type { Result } from '../results/result.ts';
import { escapeHtml as e } from './pages.ts';

/**
 * The run page's notes of what the run could not see or hold back without it changing the
 * run's status (`Result.warnings`): an IPv6 address that refused while IPv4 answered, a
 * page scanned with its WebSocket blocked, a worker's socket the guard could not stop.
 * A passing run with such a note is worth a look, so the page shows them near the top.
 */
export function warningsSection(result: Result): string {
  const warnings = result.warnings ?? [];
  if (warnings.length === 0) return '';
  return `<h2>Hinweise</h2>\n<p>Der Lauf hat sein Ergebnis trotzdem erhalten; diese Punkte sollte sich jemand ansehen.</p>\n<ul>${warnings
    .map((w) => `<li>${e(w)}</li>`)
    .join('\n')}</ul>`;
}
