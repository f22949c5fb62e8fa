/**
 * Report periods in Europe/Berlin time: a quarter starts at local midnight of its first
 * day, whether that is CET or CEST, as the authority's calendar does.
 */
export const REPORT_TIME_ZONE = 'Europe/Berlin';

export interface Period {
  /** `2026-Q4`, or `2026-10-01–2026-12-31` for free ranges. */
  label: string;
  /** Epoch ms, inclusive. */
  from: number;
  /** Epoch ms, exclusive. */
  to: number;
  /** First and last day (YYYY-MM-DD, Berlin dates). */
  firstDay: string;
  lastDay: string;
  quarter?: { year: number; q: 1 | 2 | 3 | 4 };
}

const offsetFormat = new Intl.DateTimeFormat('en-US', {
  timeZone: REPORT_TIME_ZONE,
  hourCycle: 'h23',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

/** Berlin's offset from UTC at an instant, in ms (3,600,000 in winter, 7,200,000 in summer). */
function offsetAt(epochMs: number): number {
  const parts = Object.fromEntries(
    offsetFormat.formatToParts(new Date(epochMs)).map((p) => [p.type, p.value]),
  );
  const asUtc = Date.UTC(
    Number(parts.year),
    Number(parts.month) - 1,
    Number(parts.day),
    Number(parts.hour),
    Number(parts.minute),
    Number(parts.second),
  );
  return asUtc - Math.floor(epochMs / 1000) * 1000;
}

/** Epoch ms of local midnight in Berlin at the start of a calendar day. */
export function berlinMidnight(year: number, month: number, day: number): number {
  const naive = Date.UTC(year, month - 1, day);
  // Midnight is never inside a DST switch in Berlin (switches happen at 02:00/03:00).
  return naive - offsetAt(naive - offsetAt(naive));
}

/** The Berlin calendar date of an instant, as YYYY-MM-DD. */
export function berlinDate(epochMs: number): string {
  return new Date(epochMs + offsetAt(epochMs)).toISOString().slice(0, 10);
}

export function quarterPeriod(year: number, q: 1 | 2 | 3 | 4): Period {
  const firstMonth = (q - 1) * 3 + 1;
  const from = berlinMidnight(year, firstMonth, 1);
  const to = q === 4 ? berlinMidnight(year + 1, 1, 1) : berlinMidnight(year, firstMonth + 3, 1);
  return {
    label: `${year}-Q${q}`,
    from,
    to,
    firstDay: berlinDate(from),
    lastDay: berlinDate(to - 1),
    quarter: { year, q },
  };
}

/** Parses `2026-Q4`; throws a message naming the expected form. */
/**
 * No report before 2000: nothing monitored then, and JavaScript dates read years below 100 as
 * 19xx ("0001-Q1" became a quarter of 1901 under the label "1-Q1").
 */
export const FIRST_YEAR = 2000;
const YEARS_FROM = `reports cover periods from ${FIRST_YEAR} on`;

export function parseQuarter(text: string): Period {
  const m = /^(\d{4})-Q([1-4])$/.exec(text.trim());
  if (!m)
    throw new Error(`--quarter: expected a quarter like 2026-Q4, got ${JSON.stringify(text)}`);
  if (Number(m[1]) < FIRST_YEAR) throw new Error(`--quarter: ${YEARS_FROM}, got ${m[1]}`);
  return quarterPeriod(Number(m[1]), Number(m[2]) as 1 | 2 | 3 | 4);
}

/** A range of whole Berlin days, both ends included: `--from 2026-10-01 --to 2026-12-31`. */
export function parseDays(fromDay: string, toDay: string): Period {
  const day = (flag: string, text: string): [number, number, number] => {
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text.trim());
    const parts = m ? ([Number(m[1]), Number(m[2]), Number(m[3])] as const) : undefined;
    // A day the calendar does not have (2026-02-30) would roll over into the next month.
    const real =
      parts &&
      new Date(Date.UTC(parts[0], parts[1] - 1, parts[2])).getUTCDate() === parts[2] &&
      parts[1] >= 1 &&
      parts[1] <= 12;
    if (!parts || !real) {
      throw new Error(`${flag}: expected a date like 2026-10-01, got ${JSON.stringify(text)}`);
    }
    if (parts[0] < FIRST_YEAR) throw new Error(`${flag}: ${YEARS_FROM}, got ${text.trim()}`);
    return [parts[0], parts[1], parts[2]];
  };
  const [fy, fm, fd] = day('--from', fromDay);
  const [ty, tm, td] = day('--to', toDay);
  const from = berlinMidnight(fy, fm, fd);
  const to = berlinMidnight(ty, tm, td + 1);
  if (to <= from) throw new Error(`--to ${toDay} is before --from ${fromDay}`);
  return {
    label: `${berlinDate(from)}–${berlinDate(to - 1)}`,
    from,
    to,
    firstDay: berlinDate(from),
    lastDay: berlinDate(to - 1),
  };
}

/** The period before: the previous quarter, or a range of the same length ending at `from`. */
export function previousPeriod(period: Period): Period {
  if (period.quarter) {
    const { year, q } = period.quarter;
    return q === 1 ? quarterPeriod(year - 1, 4) : quarterPeriod(year, (q - 1) as 1 | 2 | 3);
  }
  // As many whole Berlin days, ending at local midnight: the same length in ms would start
  // an hour off local midnight when the clocks change in either range.
  const [y, m, d] = period.firstDay.split('-').map(Number) as [number, number, number];
  const [ly, lm, ld] = period.lastDay.split('-').map(Number) as [number, number, number];
  const days = Math.round((Date.UTC(ly, lm - 1, ld) - Date.UTC(y, m - 1, d)) / 86_400_000) + 1;
  const from = berlinMidnight(y, m, d - days);
  return {
    label: `${berlinDate(from)}–${berlinDate(period.from - 1)}`,
    from,
    to: period.from,
    firstDay: berlinDate(from),
    lastDay: berlinDate(period.from - 1),
  };
}

/** The quarter an instant falls in (for the `/reports` default). */
export function quarterOf(epochMs: number): Period {
  const [y, m] = berlinDate(epochMs).split('-').map(Number) as [number, number];
  return quarterPeriod(y, (Math.floor((m - 1) / 3) + 1) as 1 | 2 | 3 | 4);
}

/** Week starts (Berlin midnight every 7 days from `from`) for weekly series. */
export function weeks(period: Period): { start: number; end: number; label: string }[] {
  const out: { start: number; end: number; label: string }[] = [];
  const [y, m, d] = period.firstDay.split('-').map(Number) as [number, number, number];
  for (let i = 0; ; i++) {
    const start = berlinMidnight(y, m, d + 7 * i);
    if (start >= period.to) break;
    const end = Math.min(period.to, berlinMidnight(y, m, d + 7 * (i + 1)));
    out.push({ start, end, label: berlinDate(start) });
  }
  return out;
}
