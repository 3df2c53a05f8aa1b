import { ConfigError } from '@crawl/core';

export interface CookiesOptions {
  /** Default: the `cookiesEnabled` setting (true). False disables the middleware (NotConfigured). */
  enabled?: boolean;
  /** Default: the `cookiesDebug` setting (false). Logs every Cookie sent and Set-Cookie received. */
  debug?: boolean;
  /** Position in the downloader-middleware chain (Scrapy: 700). */
  order?: number;
}

export interface CookiesDefaults {
  readonly enabled: boolean;
  readonly debug: boolean;
  readonly order: number;
}

/** Scrapy's defaults: COOKIES_ENABLED = True, COOKIES_DEBUG = False, order 700. */
export const COOKIES_DEFAULTS: CookiesDefaults = Object.freeze({ enabled: true, debug: false, order: 700 });

const KNOWN: readonly string[] = ['enabled', 'debug', 'order'];

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === null || typeof value !== 'object') return String(value);
  return Array.isArray(value) ? 'an array' : 'an object';
}

/** Rejects unknown keys and wrong types, so that a typo does not silently fall back to a default. */
export function validateCookiesOptions(options: unknown): CookiesOptions {
  if (options === undefined) return {};
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new ConfigError(`cookies() options must be an object, got ${describe(options)}`);
  }
  const o = options as Record<string, unknown>;
  for (const key of Object.keys(o)) {
    if (!KNOWN.includes(key)) throw new ConfigError(`Unknown cookies() option ${JSON.stringify(key)}; known: ${KNOWN.join(', ')}`);
  }
  for (const key of ['enabled', 'debug'] as const) {
    if (o[key] !== undefined && typeof o[key] !== 'boolean') throw new ConfigError(`cookies() option ${key} must be true or false, got ${describe(o[key])}`);
  }
  if (o['order'] !== undefined && (typeof o['order'] !== 'number' || !Number.isFinite(o['order']))) {
    throw new ConfigError(`cookies() option order must be a finite number, got ${describe(o['order'])}`);
  }
  return o as CookiesOptions;
}
