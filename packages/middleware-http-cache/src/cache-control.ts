/**
 * Cache-Control directives: lower-cased name → raw value, or undefined for a directive without
 * `=` (Scrapy's parse_cachecontrol: b'public, max-age=3600' → {public: None, max-age: '3600'}).
 */
export type CacheControl = ReadonlyMap<string, string | undefined>;

const EMPTY: CacheControl = new Map();

export function parseCacheControl(header: string | undefined, ignore?: ReadonlySet<string>): CacheControl {
  if (header === undefined || header === '') return EMPTY;
  const directives = new Map<string, string | undefined>();
  for (const part of header.split(',')) {
    const directive = part.trim();
    const eq = directive.indexOf('=');
    const name = (eq === -1 ? directive : directive.slice(0, eq)).toLowerCase();
    if (name === '' || ignore?.has(name)) continue;
    directives.set(name, eq === -1 ? undefined : directive.slice(eq + 1));
  }
  return directives;
}

const INT = /^\s*[+-]?\d+\s*$/;

/** Python's int() on a directive value: an optionally signed decimal, surrounding blanks allowed. */
export function parseIntLikePython(value: string | undefined): number | undefined {
  if (value === undefined || !INT.test(value)) return undefined;
  return Number.parseInt(value, 10);
}
