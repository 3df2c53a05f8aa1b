import { ConfigError, type Crawler, type Request } from '@crawl/core';

/** Scrapy's defaults, used when the crawler's settings lack a key (a hand-built crawler in a test, say). */
export const FALLBACK_LIMITS = {
  downloadTimeout: 180,
  downloadMaxSize: 1024 * 1024 * 1024,
  downloadWarnSize: 32 * 1024 * 1024,
  downloadFailOnDataloss: true,
} as const;

// setTimeout fires after 1 ms for larger delays (with a warning), so longer timeouts mean "none".
const MAX_TIMER_MS = 2 ** 31 - 1;

type SizeKey = 'downloadMaxSize' | 'downloadWarnSize';

function invalid(key: string, expected: string, value: unknown, request: Request<any>, fromMeta: boolean): never {
  const where = fromMeta ? `meta.${key}` : `settings.${key}`;
  throw new ConfigError(`${where} must be ${expected}, got ${JSON.stringify(value) ?? String(value)} (${request.url})`);
}

/** Download timeout in ms for a request (meta, then settings); 0 = none. */
export function timeoutMsFor(request: Request<any>, crawler: Crawler): number {
  const fromMeta = request.meta.downloadTimeout !== undefined;
  const value = fromMeta ? request.meta.downloadTimeout : (crawler.settings.downloadTimeout ?? FALLBACK_LIMITS.downloadTimeout);
  if (typeof value !== 'number' || !(value >= 0)) invalid('downloadTimeout', 'a number of seconds >= 0', value, request, fromMeta);
  const ms = value * 1000;
  return ms > MAX_TIMER_MS ? 0 : ms;
}

/** A size limit in bytes for a request (meta, then settings); 0 = none. */
export function sizeFor(key: SizeKey, request: Request<any>, crawler: Crawler): number {
  const fromMeta = request.meta[key] !== undefined;
  const value = fromMeta ? request.meta[key] : (crawler.settings[key] ?? FALLBACK_LIMITS[key]);
  if (typeof value !== 'number' || !(value >= 0)) invalid(key, 'a number of bytes >= 0', value, request, fromMeta);
  return value;
}

export function failOnDatalossFor(request: Request<any>, crawler: Crawler): boolean {
  const meta = request.meta.downloadFailOnDataloss;
  if (meta !== undefined) return meta !== false;
  return crawler.settings.downloadFailOnDataloss !== false;
}
