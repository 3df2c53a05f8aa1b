import { ConfigError } from '@crawl/core';

export interface DownloaderStatsOptions {
  /** Default: the `downloaderStats` setting (true). False disables the middleware (NotConfigured). */
  enabled?: boolean;
  /** Position in the downloader-middleware chain (Scrapy: 850). */
  order?: number;
}

export interface DownloaderStatsDefaults {
  readonly enabled: boolean;
  readonly order: number;
}

/** Scrapy's defaults: DOWNLOADER_STATS = True, order 850. */
export const DOWNLOADER_STATS_DEFAULTS: DownloaderStatsDefaults = Object.freeze({ enabled: true, order: 850 });

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === null || typeof value !== 'object') return String(value);
  return Array.isArray(value) ? 'an array' : 'an object';
}

/** Rejects unknown keys and wrong types, so that a typo does not silently fall back to a default. */
export function validateDownloaderStatsOptions(options: unknown): DownloaderStatsOptions {
  if (options === undefined) return {};
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new ConfigError(`downloaderStats() options must be an object, got ${describe(options)}`);
  }
  const o = options as Record<string, unknown>;
  for (const key of Object.keys(o)) {
    if (key !== 'enabled' && key !== 'order') throw new ConfigError(`Unknown downloaderStats() option ${JSON.stringify(key)}; known: enabled, order`);
  }
  if (o['enabled'] !== undefined && typeof o['enabled'] !== 'boolean') throw new ConfigError(`downloaderStats() option enabled must be true or false, got ${describe(o['enabled'])}`);
  if (o['order'] !== undefined && (typeof o['order'] !== 'number' || !Number.isFinite(o['order']))) {
    throw new ConfigError(`downloaderStats() option order must be a finite number, got ${describe(o['order'])}`);
  }
  return o as DownloaderStatsOptions;
}
