import { ConfigError } from '@crawl/core';

/** Options of `compression()`. */
export interface CompressionOptions {
  /** Position in the downloader-middleware chain. */
  order?: number;
}

/** The shape of COMPRESSION_DEFAULTS. */
export interface CompressionDefaults {
  readonly order: number;
}

/** Scrapy's HttpCompressionMiddleware order. */
export const COMPRESSION_DEFAULTS: CompressionDefaults = Object.freeze({ order: 590 });

const KNOWN = ['order'];

/** Validates the options (unknown keys are a ConfigError naming them) and returns the order. */
export function resolveCompressionOptions(options: CompressionOptions): number {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new ConfigError(`compression() options must be an object, got ${options === null ? 'null' : typeof options}`);
  }
  for (const key of Object.keys(options)) {
    if (!KNOWN.includes(key)) throw new ConfigError(`Unknown compression() option ${JSON.stringify(key)}; known options: ${KNOWN.join(', ')}`);
  }
  const order = options.order ?? COMPRESSION_DEFAULTS.order;
  if (typeof order !== 'number' || !Number.isFinite(order)) throw new ConfigError(`compression() option order must be a finite number, got ${String(order)}`);
  return order;
}
