import { ConfigError } from '@crawl/core';
import './spider.js';
import { VERSION } from './version.js';

export interface UserAgentOptions {
  /**
   * The User-Agent header for requests that have none, instead of the `userAgent` setting. The
   * spider's `userAgent` attribute wins over it; an empty string sends no User-Agent at all.
   */
  userAgent?: string;
  /** Position in the downloader-middleware chain (Scrapy: 500). */
  order?: number;
}

export interface UserAgentDefaults {
  readonly userAgent: string;
  readonly order: number;
}

/** Shaped like Scrapy's default `Scrapy/VERSION (+https://scrapy.org)`. */
export const USER_AGENT_DEFAULTS: UserAgentDefaults = Object.freeze({
  userAgent: `Crawl/${VERSION} (+TypeScript crawler)`,
  order: 500,
});

/** The setting this middleware declares, with its default. */
export const USER_AGENT_SETTING_DEFAULTS: Readonly<Record<string, unknown>> = Object.freeze({ userAgent: USER_AGENT_DEFAULTS.userAgent });

const KNOWN = new Set(['userAgent', 'order']);

export function resolveUserAgentOptions(options: UserAgentOptions | undefined): { userAgent: string | undefined; order: number } {
  if (options === undefined) options = {};
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new ConfigError(`userAgent() options must be an object, got ${options === null ? 'null' : typeof options}`);
  }
  for (const key of Object.keys(options)) {
    if (!KNOWN.has(key)) throw new ConfigError(`userAgent(): unknown option "${key}" (known: userAgent, order)`);
  }
  const order = options.order === undefined ? USER_AGENT_DEFAULTS.order : options.order;
  if (typeof order !== 'number' || !Number.isFinite(order)) {
    throw new ConfigError(`userAgent(): option "order" must be a finite number, got ${String(order)}`);
  }
  if (options.userAgent !== undefined) checkUserAgent(options.userAgent, 'userAgent(): option "userAgent"');
  return { userAgent: options.userAgent, order };
}

/** A value that would smuggle header lines or is not text is a ConfigError naming where it came from. */
export function checkUserAgent(value: unknown, where: string): asserts value is string {
  if (typeof value !== 'string') throw new ConfigError(`${where} must be a string, got ${value === null ? 'null' : typeof value}`);
  if (/[\r\n\0]/.test(value)) throw new ConfigError(`${where} must not contain CR, LF or NUL`);
}
