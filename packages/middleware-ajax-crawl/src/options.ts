import { ConfigError } from '@crawl/core';

export interface AjaxCrawlOptions {
  /** Default: the `ajaxCrawlEnabled` setting (false). */
  enabled?: boolean;
  /** Default: the `ajaxCrawlMaxSize` setting (32768). Bytes at the start of the body searched for the meta tag. */
  maxSize?: number;
  /** Position in the downloader-middleware chain (Scrapy: 560). */
  order?: number;
}

export interface AjaxCrawlDefaults {
  readonly enabled: boolean;
  readonly maxSize: number;
  readonly order: number;
}

/** Scrapy's defaults: AJAXCRAWL_ENABLED = False, AJAXCRAWL_MAXSIZE = 32768, order 560. */
export const AJAX_CRAWL_DEFAULTS: AjaxCrawlDefaults = Object.freeze({ enabled: false, maxSize: 32768, order: 560 });

const KNOWN: readonly string[] = ['enabled', 'maxSize', 'order'];

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === null || typeof value !== 'object') return String(value);
  return Array.isArray(value) ? 'an array' : 'an object';
}

export function isValidMaxSize(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value > 0;
}

/** Rejects unknown keys and wrong types, so that a typo does not silently fall back to a default. */
export function validateAjaxCrawlOptions(options: unknown): AjaxCrawlOptions {
  if (options === undefined) return {};
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new ConfigError(`ajaxCrawl() options must be an object, got ${describe(options)}`);
  }
  const o = options as Record<string, unknown>;
  for (const key of Object.keys(o)) {
    if (!KNOWN.includes(key)) throw new ConfigError(`Unknown ajaxCrawl() option ${JSON.stringify(key)}; known: ${KNOWN.join(', ')}`);
  }
  if (o['enabled'] !== undefined && typeof o['enabled'] !== 'boolean') throw new ConfigError(`ajaxCrawl() option enabled must be true or false, got ${describe(o['enabled'])}`);
  if (o['maxSize'] !== undefined && !isValidMaxSize(o['maxSize'])) throw new ConfigError(`ajaxCrawl() option maxSize must be a positive integer (bytes), got ${describe(o['maxSize'])}`);
  if (o['order'] !== undefined && (typeof o['order'] !== 'number' || !Number.isFinite(o['order']))) {
    throw new ConfigError(`ajaxCrawl() option order must be a finite number, got ${describe(o['order'])}`);
  }
  return o as AjaxCrawlOptions;
}
