import { parse, type ParsedFields } from 'node-cron';

/** Schedules and maintenance windows are read in the time zone of German administrations. */
export const SCHEDULE_TIME_ZONE = 'Europe/Berlin';

/**
 * A cron expression compiled for "when does it next match?". Field semantics are
 * node-cron's (it validates the expressions): optional seconds field, names, steps,
 * `L` for the last day of the month, and day-of-month AND day-of-week must both match.
 */
export class CronSchedule {
  readonly expression: string;
  readonly #second: Set<number>;
  readonly #minute: Set<number>;
  readonly #hour: Set<number>;
  readonly #dayOfMonth: Set<number>;
  readonly #lastDayOfMonth: boolean;
  readonly #month: Set<number>;
  readonly #dayOfWeek: Set<number>;
  readonly #parts: LocalParts;

  constructor(expression: string, timeZone = SCHEDULE_TIME_ZONE) {
    this.expression = expression;
    const f: ParsedFields = parse(expression);
    this.#second = new Set(f.second);
    this.#minute = new Set(f.minute);
    this.#hour = new Set(f.hour);
    this.#dayOfMonth = new Set(f.dayOfMonth.filter((d): d is number => typeof d === 'number'));
    this.#lastDayOfMonth = f.dayOfMonth.includes('L');
    this.#month = new Set(f.month);
    // node-cron accepts 7 for Sunday as well as 0.
    this.#dayOfWeek = new Set(
      f.dayOfWeek.filter((d): d is number => typeof d === 'number').map((d) => d % 7),
    );
    this.#parts = localPartsIn(timeZone);
  }

  matches(epochMs: number): boolean {
    const p = this.#parts(epochMs);
    return (
      this.#dayMatches(p) &&
      this.#hour.has(p.hour) &&
      this.#minute.has(p.minute) &&
      this.#second.has(p.second)
    );
  }

  /** The first whole second strictly after `after` (epoch ms) at which the expression matches. */
  next(after: number): number {
    // 29 February recurs after 4 years, on a given weekday after 28, up to 40 across 2100 (no
    // leap day). node-cron rejects days no month has ("31 2"), so every expression matches.
    const t = this.nextUntil(after, after + NEVER_MATCHES_AFTER_YEARS * 366 * 86_400_000);
    if (t === undefined) throw new RangeError(`cron expression "${this.expression}" never matches`);
    return t;
  }

  /**
   * {@link next}, or undefined when that lies after `limit` (epoch ms): the search stops there,
   * so a caller that needs only the near future does not step through years of a rare schedule.
   */
  nextUntil(after: number, limit: number): number | undefined {
    let t = Math.floor(after / 1000) * 1000 + 1000;
    while (t <= limit) {
      const p = this.#parts(t);
      if (!this.#dayMatches(p)) {
        // Day by day to the next local midnight: a rare expression takes at most one step a day.
        t = this.#nextMidnight(t, p);
      } else if (!this.#hour.has(p.hour)) {
        // Step to the next full local hour; stepping by hours (not days) stays right across DST changes.
        t += (3600 - p.minute * 60 - p.second) * 1000;
      } else if (!this.#minute.has(p.minute)) {
        t += (60 - p.second) * 1000;
      } else if (!this.#second.has(p.second)) {
        t += 1000;
      } else {
        return t;
      }
    }
    return undefined;
  }

  /**
   * The first instant of the next local day. Adding the hours left of the day lands at 00:00,
   * or at 01:00 after the spring-forward night (a 23-hour day): then 00:00 of that day is an
   * hour earlier. On the 25-hour autumn day it lands at 23:00 of the same day, and the caller's
   * next step goes on from there.
   */
  #nextMidnight(t: number, p: Parts): number {
    const next = t + ((24 - p.hour) * 3600 - p.minute * 60 - p.second) * 1000;
    const q = this.#parts(next);
    return q.day !== p.day && q.hour > 0 ? next - q.hour * 3_600_000 : next;
  }

  /** The local calendar date at `epochMs`. */
  dayOf(epochMs: number): CalendarDay {
    const { year, month, day, weekday } = this.#parts(epochMs);
    return { year, month, day, weekday };
  }

  /** Whether the expression runs on this calendar day (its local date fields). */
  runsOn(day: CalendarDay): boolean {
    return this.#dayMatches(day);
  }

  /** The times of day it fires at on the days it runs: seconds after local midnight, ascending. */
  secondsOfDay(): number[] {
    const ascending = (set: Set<number>) => [...set].sort((a, b) => a - b);
    const minutes = ascending(this.#minute);
    const seconds = ascending(this.#second);
    const out: number[] = [];
    for (const h of ascending(this.#hour)) {
      for (const m of minutes) for (const s of seconds) out.push(h * 3600 + m * 60 + s);
    }
    return out;
  }

  #dayMatches(p: CalendarDay): boolean {
    if (!this.#month.has(p.month) || !this.#dayOfWeek.has(p.weekday)) return false;
    if (this.#dayOfMonth.has(p.day)) return true;
    return this.#lastDayOfMonth && p.day === daysInMonth(p.year, p.month);
  }
}

/** How far {@link CronSchedule.next} looks for a match, in years. */
const NEVER_MATCHES_AFTER_YEARS = 50;

/** A local calendar date: month 1–12, weekday 0 (Sunday) – 6. */
export interface CalendarDay {
  year: number;
  month: number;
  day: number;
  weekday: number;
}

interface Parts extends CalendarDay {
  hour: number;
  minute: number;
  second: number;
}

type LocalParts = (epochMs: number) => Parts;

const WEEKDAYS: Record<string, number> = { Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 };

function localPartsIn(timeZone: string): LocalParts {
  const format = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
    weekday: 'short',
  });
  return (epochMs) => {
    const out: Parts = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0, weekday: 0 };
    for (const part of format.formatToParts(epochMs)) {
      switch (part.type) {
        case 'year':
          out.year = Number(part.value);
          break;
        case 'month':
          out.month = Number(part.value);
          break;
        case 'day':
          out.day = Number(part.value);
          break;
        case 'hour':
          out.hour = Number(part.value);
          break;
        case 'minute':
          out.minute = Number(part.value);
          break;
        case 'second':
          out.second = Number(part.value);
          break;
        case 'weekday':
          out.weekday = WEEKDAYS[part.value] ?? 0;
          break;
        default:
          break;
      }
    }
    return out;
  };
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}
