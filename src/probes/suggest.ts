/**
 * "Did you mean …?" for an unknown key: a typo (`evrey`), a different case (`datadir`), or
 * the word a German- or English-speaking user reaches for first (`intervall`, `zeitlimit`).
 * A suggestion is only ever one of the keys allowed at that place.
 */

/** Words people write for a key, lowercased, by the key they mean. */
const SYNONYMS: Record<string, readonly string[]> = {
  every: ['intervall', 'interval', 'frequency', 'frequenz', 'häufigkeit', 'period', 'schedule'],
  timeout: ['zeitlimit', 'zeitüberschreitung', 'deadline', 'frist', 'time-out', 'time_out'],
  retries: ['retry', 'wiederholungen', 'wiederholung', 'versuche'],
  name: ['titel', 'title', 'bezeichnung'],
  kind: ['art', 'typ', 'type'],
  labels: ['tags', 'etiketten'],
  enabled: ['aktiv', 'active', 'aktiviert'],
  owner: ['besitzer', 'verantwortlich', 'zuständig', 'zustaendig', 'team'],
  maintenance: ['wartung', 'wartungsfenster'],
  url: ['adresse', 'link'],
  expect: ['erwartung', 'assert', 'assertions'],
  steps: ['schritte'],
  cron: ['zeitplan'],
  contact: ['kontakt'],
  reason: ['grund', 'begründung', 'begruendung'],
  expires: ['ablauf', 'gültigbis', 'until', 'bis'],
  rule: ['regel'],
};

/** The allowed key a person probably meant by `key`, or `undefined` when none is close. */
export function suggestKey(key: string, allowed: readonly string[]): string | undefined {
  const typed = key.toLowerCase();
  for (const candidate of allowed) {
    if (candidate.toLowerCase() === typed) return candidate;
  }
  for (const candidate of allowed) {
    if (SYNONYMS[candidate]?.includes(typed)) return candidate;
  }
  // Short keys tolerate one slip, longer ones more; beyond that a "suggestion" is a guess.
  const limit = typed.length <= 4 ? 1 : typed.length <= 8 ? 2 : 3;
  let best: string | undefined;
  let bestDistance = limit + 1;
  for (const candidate of allowed) {
    const d = editDistance(typed, candidate.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [candidate, d];
  }
  return best;
}

/** `unknown key "intervall"; did you mean "every"?`, or without the question when nothing is close. */
export function unknownKeyMessage(key: string, allowed: readonly string[] | undefined): string {
  const meant = allowed ? suggestKey(key, allowed) : undefined;
  return meant ? `unknown key "${key}"; did you mean "${meant}"?` : `unknown key "${key}"`;
}

/**
 * Edits (insert, delete, replace, swap of neighbours) that turn `a` into `b`: a swap is one
 * slip of the fingers (`evrey`), not two.
 */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) =>
    Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        value = Math.min(value, d[i - 2]![j - 2]! + 1);
      }
      d[i]![j] = value;
    }
  }
  return d[a.length]![b.length]!;
}
