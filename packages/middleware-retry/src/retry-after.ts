const MONTHS: Readonly<Record<string, number>> = {
  jan: 0, feb: 1, mar: 2, apr: 3, may: 4, jun: 5, jul: 6, aug: 7, sep: 8, oct: 9, nov: 10, dec: 11,
};

// The three HTTP-date forms of RFC 9110 §5.6.7. Date.parse() is not used: it accepts "1" or
// "2024" as dates, which would turn a malformed header into a wait of years or none at all.
const IMF_FIXDATE = /^[a-z]{3}, (\d{2}) ([a-z]{3}) (\d{4}) (\d{2}):(\d{2}):(\d{2}) gmt$/i;
const RFC850_DATE = /^[a-z]{6,9}, (\d{2})-([a-z]{3})-(\d{2}) (\d{2}):(\d{2}):(\d{2}) gmt$/i;
const ASCTIME_DATE = /^[a-z]{3} ([a-z]{3}) ([ \d]\d) (\d{2}):(\d{2}):(\d{2}) (\d{4})$/i;

/** Epoch milliseconds of an HTTP-date, or undefined when the value is not one. */
export function parseHttpDate(value: string, now: number): number | undefined {
  let day: string, month: string, year: number, hh: string, mm: string, ss: string;
  let m = IMF_FIXDATE.exec(value);
  if (m) {
    [, day, month, , hh, mm, ss] = m as unknown as string[] as [string, string, string, string, string, string, string];
    year = Number(m[3]);
  } else if ((m = RFC850_DATE.exec(value))) {
    [, day, month, , hh, mm, ss] = m as unknown as [string, string, string, string, string, string, string];
    // RFC 9110: a two-digit year more than 50 years in the future is in the past century.
    const twoDigits = Number(m[3]);
    const thisYear = new Date(now).getUTCFullYear();
    year = Math.floor(thisYear / 100) * 100 + twoDigits;
    if (year > thisYear + 50) year -= 100;
  } else if ((m = ASCTIME_DATE.exec(value))) {
    [, month, day, hh, mm, ss] = m as unknown as [string, string, string, string, string, string];
    year = Number(m[6]);
  } else {
    return undefined;
  }
  const monthIndex = MONTHS[month.toLowerCase()];
  const d = Number(day.trim());
  const h = Number(hh);
  const min = Number(mm);
  const s = Number(ss);
  if (monthIndex === undefined || d < 1 || d > 31 || h > 23 || min > 59 || s > 60) return undefined;
  const at = Date.UTC(year, monthIndex, d, h, min, s);
  // Date.UTC rolls 31 Feb over into March; such a date is malformed, not a real instant.
  if (new Date(at).getUTCDate() !== d) return undefined;
  return at;
}

/**
 * Milliseconds to wait from `now` according to a Retry-After value: delay-seconds or an
 * HTTP-date (a date in the past means no wait). undefined when the value is malformed.
 */
export function parseRetryAfter(value: string, now: number = Date.now()): number | undefined {
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = parseHttpDate(trimmed, now);
  return at === undefined ? undefined : Math.max(0, at - now);
}
