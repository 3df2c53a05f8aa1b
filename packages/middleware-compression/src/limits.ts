import { ConfigError, type Crawler, type Request } from '@crawl/core';

/** Scrapy's defaults, for a hand-built crawler whose settings lack the keys. */
const FALLBACK = { downloadMaxSize: 1024 * 1024 * 1024, downloadWarnSize: 32 * 1024 * 1024 } as const;

/** A size limit in bytes from `request.meta`, else the crawl settings; 0 = none. */
export function sizeLimit(key: 'downloadMaxSize' | 'downloadWarnSize', request: Request<any>, crawler: Crawler): number {
  const fromMeta = request.meta[key] !== undefined;
  const value: unknown = fromMeta ? request.meta[key] : (crawler.settings[key] ?? FALLBACK[key]);
  if (typeof value !== 'number' || !(value >= 0)) {
    throw new ConfigError(`${fromMeta ? 'meta' : 'settings'}.${key} must be a number of bytes >= 0, got ${JSON.stringify(value) ?? String(value)} (${request.url})`);
  }
  return value;
}
