/**
 * Wording of error and maintenance pages that some servers deliver with HTTP 200.
 * Phrases are written already normalised (lower case, `ß` → `ss`, single spaces);
 * umlauts stay. Add wording seen in the field here — each entry is data, not code.
 */
export interface SoftErrorPhrase {
  phrase: string;
  reason: 'soft_error' | 'maintenance_page';
}

const maintenance = [
  'wartungsarbeiten',
  'wartungsmodus',
  'wegen wartung',
  'aufgrund von wartung',
  'wartungsfenster',
  'vorübergehend nicht verfügbar',
  'vorübergehend nicht erreichbar',
  'derzeit nicht verfügbar',
  'zurzeit nicht verfügbar',
  'zur zeit nicht verfügbar',
  'under maintenance',
  'down for maintenance',
  'scheduled maintenance',
  'maintenance mode',
  'temporarily unavailable',
  'service unavailable',
];

const softError = [
  'seite nicht gefunden',
  'seite wurde nicht gefunden',
  'seite konnte nicht gefunden werden',
  'seite konnte leider nicht gefunden werden',
  'seite existiert nicht',
  'seite ist nicht vorhanden',
  'fehler 404',
  'fehlerseite',
  'ein fehler ist aufgetreten',
  'es ist ein fehler aufgetreten',
  'unerwarteter fehler',
  'interner serverfehler',
  'page not found',
  'page could not be found',
  'page does not exist',
  '404 not found',
  '404 - not found',
  'not found (404)',
  'internal server error',
  'an error occurred',
  'an error has occurred',
  'something went wrong',
  'bad gateway',
  'gateway timeout',
];

export const SOFT_ERROR_PHRASES: readonly SoftErrorPhrase[] = [
  ...maintenance.map((phrase) => ({ phrase, reason: 'maintenance_page' as const })),
  ...softError.map((phrase) => ({ phrase, reason: 'soft_error' as const })),
];
