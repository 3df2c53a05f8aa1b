import { ConfigError } from '@crawl/core';

export const FEED_FORMATS = ['jsonl', 'json', 'csv'] as const;
export type FeedFormat = (typeof FEED_FORMATS)[number];

/** One feed of Scrapy's FEEDS setting. */
export interface FeedOptions {
  format: FeedFormat;
  /**
   * Replace the target instead of appending to it. The default depends on the storage, as in
   * Scrapy: local files append (false), remote stores (s3://, gs://, ftp://) overwrite (true).
   * Appending to an existing, non-empty JSON feed is refused at open: a second array after the
   * first is not JSON. Appending to a remote store that cannot append is refused too.
   */
  overwrite?: boolean;
  /** Fields to export, in this order: csv columns, a key filter for json/jsonl. Default: all. */
  fields?: readonly string[];
  /** json only: spaces of indentation inside each item (0–10). */
  indent?: number;
  /** Feeds are always written as UTF-8; the key is accepted for Scrapy's FEED_EXPORT_ENCODING. */
  encoding?: 'utf-8';
}

/** Target path or URI → its options. Paths may use %(name)s and %(time)s. */
export type FeedsSetting = Record<string, FeedOptions>;

export interface ResolvedFeedOptions {
  readonly format: FeedFormat;
  /** undefined: the storage's default (local files append, remote stores overwrite). */
  readonly overwrite: boolean | undefined;
  readonly fields: readonly string[] | undefined;
  readonly indent: number | undefined;
}

const KNOWN_KEYS: ReadonlySet<string> = new Set(['format', 'overwrite', 'fields', 'indent', 'encoding']);

export function isFeedFormat(value: unknown): value is FeedFormat {
  return typeof value === 'string' && (FEED_FORMATS as readonly string[]).includes(value);
}

export function unsupportedFormat(what: string, target: string): ConfigError {
  return new ConfigError(`Feed ${target}: unsupported format ${what}; supported formats: ${FEED_FORMATS.join(', ')}`);
}

/** Checks one feed's options and fills in defaults; errors name the feed and the option. */
export function resolveFeedOptions(target: string, options: unknown): ResolvedFeedOptions {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new ConfigError(`Feed ${target}: options must be an object like { format: 'jsonl' }, got ${JSON.stringify(options)}`);
  }
  const o = options as Record<string, unknown>;
  for (const key of Object.keys(o)) {
    if (!KNOWN_KEYS.has(key)) throw new ConfigError(`Feed ${target}: unknown option "${key}" (known: ${[...KNOWN_KEYS].join(', ')})`);
  }
  if (!isFeedFormat(o['format'])) throw unsupportedFormat(JSON.stringify(o['format']), target);
  const format = o['format'];
  const overwrite = o['overwrite'];
  if (overwrite !== undefined && typeof overwrite !== 'boolean') throw new ConfigError(`Feed ${target}: overwrite must be a boolean, got ${JSON.stringify(overwrite)}`);
  const fields = o['fields'];
  if (fields !== undefined) {
    if (!Array.isArray(fields) || fields.length === 0 || !fields.every((f) => typeof f === 'string' && f !== '')) {
      throw new ConfigError(`Feed ${target}: fields must be a non-empty array of field names, got ${JSON.stringify(fields)}`);
    }
    if (new Set(fields).size !== fields.length) throw new ConfigError(`Feed ${target}: fields has duplicates: ${JSON.stringify(fields)}`);
  }
  const encoding = o['encoding'];
  if (encoding !== undefined && (typeof encoding !== 'string' || !/^utf-?8$/i.test(encoding))) {
    throw new ConfigError(`Feed ${target}: encoding ${JSON.stringify(encoding)} is not supported; feeds are written as utf-8`);
  }
  const indent = o['indent'];
  if (indent !== undefined) {
    if (format !== 'json') throw new ConfigError(`Feed ${target}: indent applies to json feeds only (this one is ${format})`);
    if (typeof indent !== 'number' || !Number.isInteger(indent) || indent < 0 || indent > 10) {
      throw new ConfigError(`Feed ${target}: indent must be an integer from 0 to 10, got ${JSON.stringify(indent)}`);
    }
  }
  return {
    format,
    overwrite,
    fields: fields === undefined ? undefined : Object.freeze([...(fields as string[])]),
    indent: indent as number | undefined,
  };
}
