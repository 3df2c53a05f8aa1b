import { extname } from 'node:path';
import { ConfigError, type Spider } from '@crawl/core';
import { unsupportedFormat, type FeedFormat, type FeedOptions } from './options.js';

/** Names accepted after ':' or as an extension, as in Scrapy's FEED_EXPORTERS keys. */
const FORMAT_ALIASES: ReadonlyMap<string, FeedFormat> = new Map<string, FeedFormat>([
  ['jsonl', 'jsonl'],
  ['jsonlines', 'jsonl'],
  ['jl', 'jsonl'],
  ['ndjson', 'jsonl'],
  ['json', 'json'],
  ['csv', 'csv'],
]);

/**
 * The CLI's `-o items.jsonl`, `-O out.csv`, `-o out.json:json`: the format comes from a
 * `:format` suffix when it names one (as Scrapy's rsplit(':', 1)), else from the extension.
 * `-O` (overwrite true) sets `overwrite: true`; `-o` leaves it unset so the storage's default
 * applies, as in Scrapy: a local file is appended to, a remote store (ftp://, s3://) overwritten.
 */
export function parseFeedUri(arg: string, overwrite: boolean): [string, FeedOptions] {
  if (typeof arg !== 'string' || arg.trim() === '') throw new ConfigError('Feed output: expected a path like items.jsonl or out.json:json');
  const colon = arg.lastIndexOf(':');
  if (colon > 0) {
    const suffix = FORMAT_ALIASES.get(arg.slice(colon + 1).toLowerCase());
    if (suffix !== undefined) return [checkTarget(arg.slice(0, colon)), feedOptions(suffix, overwrite)];
  }
  const ext = extname(arg).slice(1).toLowerCase();
  const format = FORMAT_ALIASES.get(ext);
  if (format === undefined) {
    throw unsupportedFormat(
      ext === '' ? `(no file extension; add one or a :format suffix, e.g. ${arg}:jsonl)` : `".${ext}"`,
      arg,
    );
  }
  return [checkTarget(arg), feedOptions(format, overwrite)];
}

function feedOptions(format: FeedFormat, overwrite: boolean): FeedOptions {
  return overwrite ? { format, overwrite: true } : { format };
}

function checkTarget(target: string): string {
  if (target === '' || target === '-') {
    throw new ConfigError(`Feed output ${JSON.stringify(target)}: writing feeds to stdout is not supported; give a file path`);
  }
  return target;
}

/** UTC time without ':' so it is safe in file names on every OS: 2024-05-01T12-30-00 (Scrapy's %(time)s). */
export function feedTimestamp(now: Date): string {
  return now.toISOString().slice(0, 19).replace(/:/g, '-');
}

const PLACEHOLDER = /%\(([^)]*)\)s/g;

/**
 * Replaces %(name)s, %(time)s and %(attr)s (any string, number or boolean attribute of the
 * spider, as Scrapy's URI params). Other '%' characters are kept as they are.
 */
export function renderFeedUri(uri: string, spider: Spider<any>, now: Date): string {
  return uri.replace(PLACEHOLDER, (_match, key: string) => {
    if (key === 'time') return feedTimestamp(now);
    if (key === 'name') return spider.name;
    const value: unknown = Object.hasOwn(spider, key) ? (spider as unknown as Record<string, unknown>)[key] : undefined;
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return String(value);
    throw new ConfigError(
      `Feed ${uri}: placeholder %(${key})s has no value (use %(name)s, %(time)s or a string/number attribute of the spider)`,
    );
  });
}

