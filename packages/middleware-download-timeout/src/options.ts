import { ConfigError } from '@crawl/core';

export interface DownloadTimeoutOptions {
  /**
   * Seconds before the download handler gives up (0 = no timeout). Default: the crawl's
   * `downloadTimeout` setting. The spider's `downloadTimeout` attribute wins over it.
   */
  timeout?: number;
  /** Position in the downloader-middleware chain (Scrapy: 350). */
  order?: number;
}

export interface DownloadTimeoutDefaults {
  /** undefined: read the crawl's `downloadTimeout` setting when the crawl opens. */
  readonly timeout: number | undefined;
  readonly order: number;
}

export const DOWNLOAD_TIMEOUT_DEFAULTS: DownloadTimeoutDefaults = Object.freeze({ timeout: undefined, order: 350 });

const KNOWN = new Set(['timeout', 'order']);

export function resolveDownloadTimeoutOptions(options: DownloadTimeoutOptions | undefined): { timeout: number | undefined; order: number } {
  if (options === undefined) options = {};
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new ConfigError(`downloadTimeout() options must be an object, got ${options === null ? 'null' : typeof options}`);
  }
  for (const key of Object.keys(options)) {
    if (!KNOWN.has(key)) throw new ConfigError(`downloadTimeout(): unknown option "${key}" (known: timeout, order)`);
  }
  const order = options.order === undefined ? DOWNLOAD_TIMEOUT_DEFAULTS.order : options.order;
  if (typeof order !== 'number' || !Number.isFinite(order)) {
    throw new ConfigError(`downloadTimeout(): option "order" must be a finite number, got ${String(order)}`);
  }
  if (options.timeout !== undefined) checkTimeout(options.timeout, 'downloadTimeout(): option "timeout"');
  return { timeout: options.timeout, order };
}

export function checkTimeout(value: unknown, where: string): asserts value is number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new ConfigError(`${where} must be a finite number of seconds >= 0, got ${typeof value === 'string' ? JSON.stringify(value) : String(value)}`);
  }
}
