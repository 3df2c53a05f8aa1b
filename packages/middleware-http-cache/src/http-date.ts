const MONTHS: Readonly<Record<string, number>> = {
  jan: 0, feb: 1, mar: 2, apr: 3, may: 4, jun: 5, jul: 6, aug: 7, sep: 8, oct: 9, nov: 10, dec: 11,
};

/** Offsets in minutes of the zone names RFC 822 allows (Python's email.utils knows the same). */
const ZONES: Readonly<Record<string, number>> = {
  ut: 0, utc: 0, gmt: 0, z: 0,
  est: -300, edt: -240, cst: -360, cdt: -300, mst: -420, mdt: -360, pst: -480, pdt: -420,
};

// IMF-fixdate / RFC 1123 / RFC 822 ("Sun, 06 Nov 1994 08:49:37 GMT", numeric zones too) and
// RFC 850 ("Sunday, 06-Nov-94 08:49:37 GMT").
const RFC1123 = /^(?:[a-z]+,?\s+)?(\d{1,2})[\s-]+([a-z]{3})[a-z]*[\s-]+(\d{2,4})\s+(\d{1,2}):(\d{2})(?::(\d{2}))?(?:\s+([a-z]+|[+-]\d{4}))?$/i;
// asctime ("Sun Nov  6 08:49:37 1994").
const ASCTIME = /^(?:[a-z]+,?\s+)?([a-z]{3})[a-z]*\s+(\d{1,2})\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s+(\d{4})$/i;

/**
 * Seconds since the epoch of an HTTP date in any of the three formats HTTP/1.1 accepts, or
 * undefined when it is not one (Scrapy's rfc1123_to_epoch returns None then). Dates without a
 * zone (asctime) are GMT, as HTTP says; Python's parsedate_tz would read them as local time.
 */
export function parseHttpDate(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  let m = RFC1123.exec(text);
  if (m) {
    const zone = m[7];
    let offset = 0;
    if (zone !== undefined) {
      if (zone[0] === '+' || zone[0] === '-') {
        const n = Number(zone.slice(1));
        offset = (zone[0] === '-' ? -1 : 1) * (Math.floor(n / 100) * 60 + (n % 100));
      } else {
        offset = ZONES[zone.toLowerCase()] ?? 0;
      }
    }
    return build(Number(m[3]), m[2]!, Number(m[1]), Number(m[4]), Number(m[5]), Number(m[6] ?? 0), offset);
  }
  m = ASCTIME.exec(text);
  if (m) return build(Number(m[6]), m[1]!, Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5] ?? 0), 0);
  return undefined;
}

function build(year: number, monthName: string, day: number, hour: number, minute: number, second: number, offsetMinutes: number): number | undefined {
  const month = MONTHS[monthName.toLowerCase()];
  if (month === undefined) return undefined;
  // Two-digit years as Python's email.utils reads them: 69-99 → 19xx, 00-68 → 20xx.
  if (year < 100) year += year > 68 ? 1900 : 2000;
  if (day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) return undefined;
  const ms = Date.UTC(year, month, day, hour, minute, second);
  return ms / 1000 - offsetMinutes * 60;
}

/** The IMF-fixdate form of a time, for the Date header the middleware adds. */
export function formatHttpDate(epochMs: number): string {
  return new Date(epochMs).toUTCString();
}
