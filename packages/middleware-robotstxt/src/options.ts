import { ConfigError } from '@crawl/core';

export interface RobotsTxtOptions {
  /** Default: the `robotstxtObey` setting (true). False disables the middleware (NotConfigured). */
  obey?: boolean;
  /**
   * The token matched against `User-agent:` lines (case-insensitive, the part before any '/').
   * Default: the `robotstxtUserAgent` setting, else the product token of the request's
   * User-Agent header, else the `botName` setting.
   */
  userAgent?: string;
  /**
   * What a 5xx, a 429 or a network failure for robots.txt means. 'disallow' (RFC 9309 2.3.1.4): the
   * origin is fully disallowed until robots.txt is fetched again. 'allow': everything is allowed
   * meanwhile (Scrapy's behaviour).
   */
  onServerError?: 'disallow' | 'allow';
  /** Seconds after an unreachable robots.txt before the next request to that origin fetches it again. */
  retryAfterError?: number;
  /** Set the downloader slot's delay to the robots.txt Crawl-delay for our user agent (never lowering it). */
  useCrawlDelay?: boolean;
  /** Expose Sitemap URLs on other hosts too (advisory S19: off, because a robots.txt can point anywhere). */
  allowCrossHostSitemaps?: boolean;
  /** Position in the downloader-middleware chain (Scrapy: 100). */
  order?: number;
}

export interface RobotsTxtDefaults {
  readonly obey: boolean;
  readonly onServerError: 'disallow' | 'allow';
  readonly retryAfterError: number;
  readonly useCrawlDelay: boolean;
  readonly allowCrossHostSitemaps: boolean;
  readonly order: number;
  /** RFC 9309 2.5: crawlers must parse at least 500 KiB; anything after that is ignored. */
  readonly maxSize: number;
}

export const ROBOTSTXT_DEFAULTS: RobotsTxtDefaults = Object.freeze({
  obey: true,
  onServerError: 'disallow',
  retryAfterError: 60,
  useCrawlDelay: false,
  allowCrossHostSitemaps: false,
  order: 100,
  maxSize: 500 * 1024,
});

const KNOWN: readonly string[] = ['obey', 'userAgent', 'onServerError', 'retryAfterError', 'useCrawlDelay', 'allowCrossHostSitemaps', 'order'];

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === null || typeof value !== 'object') return String(value);
  return Array.isArray(value) ? 'an array' : 'an object';
}

function fail(key: string, expected: string, value: unknown): never {
  throw new ConfigError(`robotsTxt() option ${key} must be ${expected}, got ${describe(value)}`);
}

/** Rejects unknown keys and wrong types, so that a typo does not silently fall back to a default. */
export function validateRobotsTxtOptions(options: unknown): RobotsTxtOptions {
  if (options === undefined) return {};
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new ConfigError(`robotsTxt() options must be an object, got ${describe(options)}`);
  }
  const o = options as Record<string, unknown>;
  for (const key of Object.keys(o)) {
    if (!KNOWN.includes(key)) throw new ConfigError(`Unknown robotsTxt() option ${JSON.stringify(key)}; known: ${KNOWN.join(', ')}`);
  }
  for (const key of ['obey', 'useCrawlDelay', 'allowCrossHostSitemaps'] as const) {
    if (o[key] !== undefined && typeof o[key] !== 'boolean') fail(key, 'true or false', o[key]);
  }
  if (o['userAgent'] !== undefined && (typeof o['userAgent'] !== 'string' || o['userAgent'].trim() === '')) fail('userAgent', 'a non-empty string', o['userAgent']);
  if (o['onServerError'] !== undefined && o['onServerError'] !== 'disallow' && o['onServerError'] !== 'allow') fail('onServerError', "'disallow' or 'allow'", o['onServerError']);
  const retry = o['retryAfterError'];
  if (retry !== undefined && (typeof retry !== 'number' || !Number.isFinite(retry) || retry < 0)) fail('retryAfterError', 'a number of seconds >= 0', retry);
  if (o['order'] !== undefined && (typeof o['order'] !== 'number' || !Number.isFinite(o['order']))) fail('order', 'a finite number', o['order']);
  return o as RobotsTxtOptions;
}
