import { ConfigError, Headers } from '@crawl/core';
import './settings.js';

export interface DefaultHeadersOptions {
  /**
   * Headers set on every request that lacks them; a `null` value leaves that header out. Replaces
   * the `defaultRequestHeaders` setting (whose default is Scrapy's DEFAULT_REQUEST_HEADERS).
   */
  headers?: Readonly<Record<string, string | null>>;
  /** Position in the downloader-middleware chain (Scrapy: 400). */
  order?: number;
}

export interface DefaultHeadersDefaults {
  readonly headers: Readonly<Record<string, string>>;
  readonly order: number;
}

/** Scrapy's DEFAULT_REQUEST_HEADERS and the DefaultHeadersMiddleware order. */
export const DEFAULT_HEADERS_DEFAULTS: DefaultHeadersDefaults = Object.freeze({
  headers: Object.freeze({
    Accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8',
    'Accept-Language': 'en',
  }),
  order: 400,
});

/** The setting this middleware declares, with Scrapy's default. */
export const DEFAULT_HEADERS_SETTING_DEFAULTS: Readonly<Record<string, unknown>> = Object.freeze({
  defaultRequestHeaders: DEFAULT_HEADERS_DEFAULTS.headers,
});

const KNOWN = new Set(['headers', 'order']);

export type HeaderPairs = readonly (readonly [string, string])[];

export interface ResolvedDefaultHeaders {
  /** undefined: use the crawl's `defaultRequestHeaders` setting. */
  readonly pairs: HeaderPairs | undefined;
  readonly order: number;
}

/** Validates the options once, so the per-request loop only copies checked strings. */
export function resolveDefaultHeadersOptions(options: DefaultHeadersOptions | undefined): ResolvedDefaultHeaders {
  if (options === undefined) options = {};
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new ConfigError(`defaultHeaders() options must be an object, got ${describe(options)}`);
  }
  for (const key of Object.keys(options)) {
    if (!KNOWN.has(key)) throw new ConfigError(`defaultHeaders(): unknown option "${key}" (known: headers, order)`);
  }
  const order = options.order === undefined ? DEFAULT_HEADERS_DEFAULTS.order : options.order;
  if (typeof order !== 'number' || !Number.isFinite(order)) {
    throw new ConfigError(`defaultHeaders(): option "order" must be a finite number, got ${describe(order)}`);
  }
  const pairs = options.headers === undefined ? undefined : headerPairs(options.headers, 'defaultHeaders(): option "headers"');
  return { pairs, order };
}

/** Checks a header table (option or setting) and keeps the headers to set, in order. */
export function headerPairs(headers: unknown, where: string): HeaderPairs {
  if (typeof headers !== 'object' || headers === null || Array.isArray(headers)) {
    throw new ConfigError(`${where} must be an object of header names to values, got ${describe(headers)}`);
  }
  const probe = new Headers();
  const pairs: [string, string][] = [];
  for (const [name, value] of Object.entries(headers)) {
    if (value === null || value === undefined) continue;
    if (typeof value !== 'string') throw new ConfigError(`${where}: header "${name}" must be a string or null, got ${describe(value)}`);
    if (probe.has(name)) throw new ConfigError(`${where}: header "${name}" is given twice (names are case-insensitive)`);
    try {
      probe.set(name, value);
    } catch (cause) {
      throw new ConfigError(`${where}: invalid header "${name}": ${(cause as Error).message}`, { cause });
    }
    pairs.push([name, value]);
  }
  return pairs;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return JSON.stringify(value);
  return typeof value === 'object' ? 'an object' : `${typeof value} ${String(value)}`;
}
