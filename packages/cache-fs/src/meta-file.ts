/**
 * The `meta` file of an entry: Scrapy's metadata keys, as JSON instead of repr()/pickle, so any
 * language (and `cat` or `jq`) can read it and loading it never executes code.
 */
export interface FsCacheMeta {
  /** The request URL. */
  readonly url: string;
  readonly method: string;
  readonly status: number;
  /** The response URL (differs from `url` when a handler followed a redirect itself). */
  readonly response_url: string;
  /** Seconds since the epoch when the entry was stored (Scrapy's time()). */
  readonly timestamp: number;
}

/** Parses a meta file, throwing a TypeError that says what is wrong with it. */
export function parseMeta(text: string): FsCacheMeta {
  const value: unknown = JSON.parse(text);
  if (typeof value !== 'object' || value === null) throw new TypeError('meta is not a JSON object');
  const m = value as Record<string, unknown>;
  for (const key of ['url', 'method', 'response_url'] as const) {
    if (typeof m[key] !== 'string') throw new TypeError(`meta.${key} is not a string`);
  }
  if (typeof m['status'] !== 'number' || !Number.isInteger(m['status'])) throw new TypeError('meta.status is not an integer');
  if (typeof m['timestamp'] !== 'number' || !Number.isFinite(m['timestamp'])) throw new TypeError('meta.timestamp is not a number');
  return m as unknown as FsCacheMeta;
}
