import { ConfigError } from '@crawl/core';
import type { FilesStoreOption } from './resolve-store.js';
import type { MediaHooks } from './types.js';

/** Options shared by the files and images pipelines. */
export interface MediaPipelineOptions<I> extends MediaHooks<I> {
  /**
   * Where files go: a directory, a `file://`, `s3://`, `gs://` or `ftp://` URI, or a FilesStore.
   * Required: without it the pipeline refuses to open (Scrapy silently disables itself).
   */
  store: FilesStoreOption;
  /** Item field holding the media URLs. */
  urlsField?: string;
  /** Item field that receives the FileInfo of each successful URL (may equal urlsField). */
  resultField?: string;
  /** Days a stored file stays fresh (not downloaded again); 0 downloads every time. Scrapy's FILES_EXPIRES. */
  expiresDays?: number;
  /** Follow redirects of media URLs (Scrapy's MEDIA_ALLOW_REDIRECTS); by default a redirect is a failure. */
  allowRedirects?: boolean;
  /** Priority of the media requests built from URL strings. */
  priority?: number;
  /** Per-URL results kept for items that share media (least recently used evicted); 0 keeps only downloads in flight. */
  resultCacheSize?: number;
  /**
   * Stream each body into the store (`store.persistStream`, MD5 computed on the way) instead of
   * holding it whole: memory per download stays at a few hundred KiB whatever the file size.
   * Default: on when the store has `persistStream` and no `fileDownloaded`/`mediaDownloaded` hook
   * is given (those receive `response.body`). `true` with a store that cannot stream fails at open.
   */
  streamBodies?: boolean;
}

export type FilesPipelineOptions<I = any> = MediaPipelineOptions<I>;

export interface MediaPipelineDefaults {
  readonly urlsField: string;
  readonly resultField: string;
  readonly expiresDays: number;
  readonly allowRedirects: boolean;
  readonly priority: number;
  readonly resultCacheSize: number;
}

export const FILES_PIPELINE_DEFAULTS: MediaPipelineDefaults = Object.freeze({
  urlsField: 'file_urls',
  resultField: 'files',
  expiresDays: 90,
  allowRedirects: false,
  priority: 1000,
  resultCacheSize: 10_000,
});

/** Option keys every media pipeline accepts. */
export const MEDIA_OPTION_KEYS: readonly string[] = Object.freeze([
  'store',
  'urlsField',
  'resultField',
  'expiresDays',
  'allowRedirects',
  'priority',
  'resultCacheSize',
  'streamBodies',
  'getMediaRequests',
  'filePath',
  'fileDownloaded',
  'mediaDownloaded',
  'mediaFailed',
  'itemCompleted',
]);

const HOOKS = ['getMediaRequests', 'filePath', 'fileDownloaded', 'mediaDownloaded', 'mediaFailed', 'itemCompleted'] as const;

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value == null) return String(value);
  return typeof value;
}

/** Options after validation, defaults applied. */
export type ResolvedMediaOptions<I> = Required<Omit<MediaPipelineOptions<I>, 'store' | 'streamBodies' | keyof MediaHooks<I>>> &
  MediaHooks<I> & { store: FilesStoreOption | undefined; streamBodies?: boolean };

/**
 * Validates the shared options (unknown keys are a ConfigError naming the key, so typos do not
 * pass silently) and applies `defaults`. `extraKeys` are the caller's own options, checked by it.
 */
export function resolveMediaOptions<I>(
  factory: string,
  options: MediaPipelineOptions<I>,
  defaults: MediaPipelineDefaults,
  extraKeys: readonly string[] = [],
): ResolvedMediaOptions<I> {
  if (typeof options !== 'object' || options === null) throw new ConfigError(`${factory}() needs an options object with at least { store }, got ${describe(options)}`);
  const known = new Set([...MEDIA_OPTION_KEYS, ...extraKeys]);
  for (const key of Object.keys(options)) {
    if (!known.has(key)) throw new ConfigError(`Unknown ${factory} option ${JSON.stringify(key)}; known: ${[...known].join(', ')}`);
  }
  const fail = (key: string, expected: string, value: unknown): never => {
    throw new ConfigError(`${factory} option ${key} must be ${expected}, got ${describe(value)}`);
  };
  const field = (key: 'urlsField' | 'resultField'): string => {
    const value = options[key] ?? defaults[key];
    if (typeof value !== 'string' || value === '') fail(key, 'a non-empty field name', value);
    return value;
  };
  const expiresDays = options.expiresDays ?? defaults.expiresDays;
  if (typeof expiresDays !== 'number' || Number.isNaN(expiresDays) || expiresDays < 0) fail('expiresDays', 'a number of days >= 0 (Infinity: never expire)', expiresDays);
  const allowRedirects = options.allowRedirects ?? defaults.allowRedirects;
  if (typeof allowRedirects !== 'boolean') fail('allowRedirects', 'a boolean', allowRedirects);
  const priority = options.priority ?? defaults.priority;
  if (typeof priority !== 'number' || !Number.isFinite(priority)) fail('priority', 'a finite number', priority);
  const resultCacheSize = options.resultCacheSize ?? defaults.resultCacheSize;
  if (typeof resultCacheSize !== 'number' || !Number.isInteger(resultCacheSize) || resultCacheSize < 0) fail('resultCacheSize', 'an integer >= 0', resultCacheSize);
  const streamBodies = options.streamBodies;
  if (streamBodies !== undefined && typeof streamBodies !== 'boolean') fail('streamBodies', 'a boolean', streamBodies);
  for (const hook of HOOKS) {
    const value = options[hook];
    if (value !== undefined && typeof value !== 'function') fail(hook, 'a function', value);
  }
  const resolved: ResolvedMediaOptions<I> = {
    store: options.store,
    urlsField: field('urlsField'),
    resultField: field('resultField'),
    expiresDays,
    allowRedirects,
    priority,
    resultCacheSize,
  };
  if (streamBodies !== undefined) resolved.streamBodies = streamBodies;
  for (const hook of HOOKS) if (options[hook] !== undefined) (resolved as unknown as Record<string, unknown>)[hook] = options[hook];
  return resolved;
}
