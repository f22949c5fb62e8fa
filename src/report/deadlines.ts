/**
 * How long a measure may take, by the impact of the pattern it fixes: first seen + this is
 * its due date in the report's "Maßnahmen". The defaults follow the usual escalation of
 * public bodies' accessibility plans: what locks people out within a month, what hinders
 * them within a quarter, the rest within half a year or a year.
 */
import type { Impact } from './model.ts';

export type Deadlines = Record<Impact, number>;

const DAY = 86_400_000;

export const DEFAULT_DEADLINES: Readonly<Deadlines> = Object.freeze({
  critical: 30 * DAY,
  serious: 90 * DAY,
  moderate: 180 * DAY,
  minor: 365 * DAY,
});
