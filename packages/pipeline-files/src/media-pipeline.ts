import { createHash } from 'node:crypto';
import {
  ConfigError,
  CrawlError,
  IgnoreRequest,
  InvalidUrlError,
  isRequest,
  Request,
  StopDownload,
  type CloseReason,
  type Crawler,
  type FilesStore,
  type ItemPipeline,
  type Logger,
  type Response,
} from '@crawl/core';
import { boundedCache, type BoundedCache } from './bounded-cache.js';
import { FileException } from './errors.js';
import { defaultFilePath } from './file-path.js';
import { readField, writeField } from './item-fields.js';
import type { ResolvedMediaOptions } from './options.js';
import { resolveFilesStore } from './resolve-store.js';
import { peekBody, persistHashed } from './stream-body.js';
import type { FileInfo, FileStatus, MediaHookContext, MediaPipelineInfo, MediaResult } from './types.js';

/** Everything a media pipeline is made of: resolved options plus who it is. */
export interface MediaPipelineConfig<I> extends ResolvedMediaOptions<I> {
  /** Plugin name used in logs and errors. */
  readonly name: string;
  /** 'file', 'image': names the media in log lines. */
  readonly mediaName: string;
}

/** A files or images pipeline: an ItemPipeline whose store is known once it is open. */
export interface MediaPipeline<I = any> extends ItemPipeline<I, I> {
  /** The resolved store while the pipeline is open, else undefined. */
  readonly store: FilesStore | undefined;
}

const DAY_MS = 86_400_000;

/**
 * A failure kept for later items must not pin a body: StopDownload carries the partial response
 * it stopped. Scrapy scrubs its cached failures for the same reason.
 */
function forCache(result: MediaResult): MediaResult {
  if (result[0]) return result;
  const error = result[1];
  if (!(error instanceof FileException)) return result;
  const cause = error.cause as { response?: unknown } | undefined;
  if (!(cause instanceof StopDownload) || cause.response === undefined) return result;
  return [false, new FileException(error.url, error.reason, error.message)];
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

interface OpenState {
  readonly crawler: Crawler;
  /** The pipeline's component logger (its plugin name). */
  readonly log: Logger;
  readonly store: FilesStore;
  /** Meta for media requests built from URL strings (streamBody when bodies go to the store as streams). */
  readonly mediaMeta: Readonly<Record<string, unknown>>;
  readonly info: MediaPipelineInfo;
  /** Downloads under way, by request fingerprint: later items wait on the same promise. */
  readonly inFlight: Map<string, Promise<MediaResult>>;
  /** Recent outcomes, by fingerprint, so items sharing media do not fetch or stat it again. */
  readonly done: BoundedCache<string, MediaResult>;
}

/**
 * The machinery behind filesPipeline() and imagesPipeline() (Scrapy's MediaPipeline plus
 * FilesPipeline): turns an item's media URLs into requests, skips files stored recently enough,
 * downloads the rest through crawler.download() (so downloader middlewares apply), stores them
 * and writes the results back to the item. The same media requested by several items is fetched
 * once; the other items get its result with status 'cached'.
 */
export function createMediaPipeline<I = any>(config: MediaPipelineConfig<I>): MediaPipeline<I> {
  const { name, mediaName, urlsField, resultField, expiresDays, allowRedirects, priority } = config;
  const Media = mediaName.charAt(0).toUpperCase() + mediaName.slice(1);
  const filePath = config.filePath ?? ((request: Request<any>, response: Response | undefined) => defaultFilePath(request, response));
  // Media requests must come back with their real status: a redirect is either a failure or
  // something the redirect middleware follows, never a page for the spider's error handling.
  const baseMeta: Record<string, unknown> = allowRedirects ? {} : { handleHttpstatusAll: true, dontRedirect: true };
  let state: OpenState | undefined;

  const incStats = (crawler: Crawler, status: FileStatus): void => {
    crawler.stats.inc('file_count');
    crawler.stats.inc(`file_status_count/${status}`);
  };

  const getMediaRequests =
    config.getMediaRequests ??
    ((item: I): Iterable<Request<any> | string> => {
      const urls = readField(item as object, urlsField);
      if (urls === undefined || urls === null) return [];
      if (!Array.isArray(urls)) {
        throw new ConfigError(`${name}: item field ${urlsField} must be an array of URLs, got ${typeof urls === 'string' ? 'a string' : typeof urls}`);
      }
      return urls as (Request<any> | string)[];
    });

  const itemCompleted =
    config.itemCompleted ??
    ((results: MediaResult[], item: I): I => {
      const infos: FileInfo[] = [];
      for (const result of results) if (result[0]) infos.push(result[1]);
      writeField(item as object, resultField, infos);
      return item;
    });

  const fileDownloaded =
    config.fileDownloaded ??
    (async (response: Response, _request: Request<any>, ctx: MediaHookContext<I> & { readonly path: string }): Promise<string> => {
      const contentType = response.headers.get('content-type');
      if (response.bodyStream !== undefined) return persistHashed(ctx.info.store, ctx.path, response.bodyStream, contentType ? { contentType } : {});
      const checksum = createHash('md5').update(response.body).digest('hex');
      await ctx.info.store.persist(ctx.path, response.body, contentType ? { contentType } : {});
      return checksum;
    });

  function toRequest(s: OpenState, entry: unknown): Request<any> {
    if (isRequest(entry)) {
      // The user's own meta wins; callbacks never run for media (Scrapy's NO_CALLBACK).
      return entry.replace({ meta: { ...s.mediaMeta, ...entry.meta }, callback: undefined, errback: undefined });
    }
    if (typeof entry !== 'string') throw new InvalidUrlError(String(entry), `expected a URL string or a Request, got ${entry === null ? 'null' : typeof entry}`);
    return new Request(entry, { priority, meta: { ...s.mediaMeta } });
  }

  async function defaultMediaDownloaded(s: OpenState, received: Response, request: Request<any>, ctx: MediaHookContext<I>): Promise<FileInfo> {
    const logger = s.log;
    let response = received;
    if (response.status !== 200) {
      response.bodyStream?.destroy();
      logger.warn(`${Media} (code: ${response.status}): Error downloading ${mediaName} from ${String(request)}`);
      throw new FileException(request.url, 'download-error', `${Media} download from ${request.url} failed: status ${response.status}, expected 200`);
    }
    if (response.bodyStream !== undefined) {
      let peeked;
      try {
        peeked = await peekBody(response.bodyStream);
      } catch (error) {
        logger.warn(`${Media} (download-error): Error downloading ${mediaName} from ${String(request)}: ${errorMessage(error)}`);
        throw new FileException(request.url, 'download-error', `${Media} download from ${request.url} failed: ${errorMessage(error)}`, { cause: error });
      }
      if (peeked.empty) response = response.replace({ bodyStream: undefined });
      else response = response.replace({ bodyStream: peeked.stream });
    }
    if (response.bodyStream === undefined && response.body.byteLength === 0) {
      logger.warn(`${Media} (empty-content): Empty ${mediaName} from ${String(request)}: no-content`);
      throw new FileException(request.url, 'empty-content', `${Media} from ${request.url} is empty`);
    }
    // A response from the HTTP cache counts as cached, as in Scrapy.
    const status: FileStatus = response.flags.includes('cached') ? 'cached' : 'downloaded';
    logger.debug(`${Media} (${status}): Downloaded ${mediaName} from ${String(request)}`);
    incStats(s.crawler, status);
    try {
      const path = filePath(request, response, ctx);
      const checksum = await fileDownloaded(response, request, { ...ctx, path });
      return { url: request.url, path, checksum, status };
    } catch (error) {
      // A streamed body not (fully) read by the hook: release its connection.
      response.bodyStream?.destroy();
      if (error instanceof CrawlError) {
        logger.warn(`${Media} (error): Error processing ${mediaName} from ${String(request)}: ${error.message}`);
        throw error;
      }
      logger.error(`${Media} (unknown-error): Error processing ${mediaName} from ${String(request)}: ${errorMessage(error)}`, { error });
      throw new FileException(request.url, 'processing-error', `Error processing ${mediaName} from ${request.url}: ${errorMessage(error)}`, { cause: error });
    }
  }

  function defaultMediaFailed(s: OpenState, error: unknown, request: Request<any>): never {
    // IgnoreRequest is a decision (robots.txt, offsite), not an accident: Scrapy does not warn.
    if (error instanceof IgnoreRequest) s.log.debug(`${Media} (ignored): ${String(request)}: ${errorMessage(error)}`);
    else s.log.warn(`${Media} (unknown-error): Error downloading ${mediaName} from ${String(request)}: ${errorMessage(error)}`);
    throw new FileException(request.url, 'unknown-error', `${Media} download from ${request.url} failed: ${errorMessage(error)}`, { cause: error });
  }

  /** Scrapy's media_to_download: a stored file younger than expiresDays needs no download. */
  async function upToDate(s: OpenState, request: Request<any>, ctx: MediaHookContext<I>): Promise<FileInfo | undefined> {
    if (expiresDays <= 0) return undefined;
    const path = filePath(request, undefined, ctx);
    let stat;
    try {
      stat = await s.store.stat(path);
    } catch (error) {
      s.log.warn(`${name}: could not stat ${JSON.stringify(path)} in the store (${errorMessage(error)}); downloading ${request.url}`);
      return undefined;
    }
    if (stat === undefined) return undefined;
    const ageDays = (Date.now() - stat.lastModified.getTime()) / DAY_MS;
    if (!(ageDays <= expiresDays)) return undefined;
    s.log.debug(`${Media} (uptodate): Downloaded ${mediaName} from ${String(request)}`);
    incStats(s.crawler, 'uptodate');
    return { url: request.url, path, checksum: stat.checksum ?? null, status: 'uptodate' };
  }

  async function fetchMedia(s: OpenState, request: Request<any>, item: I): Promise<FileInfo> {
    const ctx: MediaHookContext<I> = { item, info: s.info };
    const fresh = await upToDate(s, request, ctx);
    if (fresh !== undefined) return fresh;
    let response: Response;
    try {
      response = await s.crawler.download(request);
    } catch (error) {
      const base = (): never => defaultMediaFailed(s, error, request);
      return config.mediaFailed ? config.mediaFailed(error, request, { ...ctx, base }) : base();
    }
    const base = (): Promise<FileInfo> => defaultMediaDownloaded(s, response, request, ctx);
    return config.mediaDownloaded ? config.mediaDownloaded(response, request, { ...ctx, base }) : base();
  }

  function reuse(s: OpenState, result: MediaResult): MediaResult {
    if (!result[0]) return result;
    incStats(s.crawler, 'cached');
    return [true, { ...result[1], status: 'cached' }];
  }

  function processRequest(s: OpenState, entry: unknown, item: I): MediaResult | Promise<MediaResult> {
    let request: Request<any>;
    let key: string;
    try {
      request = toRequest(s, entry);
      key = s.crawler.fingerprint(request);
    } catch (error) {
      s.log.warn(`${Media} (invalid-url): ${errorMessage(error)}`);
      return [false, error];
    }
    const done = s.done.get(key);
    if (done !== undefined) return reuse(s, done);
    const pending = s.inFlight.get(key);
    if (pending !== undefined) return pending.then((result) => reuse(s, result));
    const outcome = fetchMedia(s, request, item).then(
      (info): MediaResult => [true, info],
      (error: unknown): MediaResult => [false, error],
    );
    const tracked = outcome.then((result) => {
      s.inFlight.delete(key);
      s.done.set(key, forCache(result));
      return result;
    });
    s.inFlight.set(key, tracked);
    return tracked;
  }

  return {
    name,

    get store(): FilesStore | undefined {
      return state?.store;
    },

    async open(crawler: Crawler): Promise<void> {
      if (config.store === undefined || config.store === null) {
        throw new ConfigError(
          `${name} has no store: pass store (a directory, a file://, s3://, gs:// or ftp:// URI, or a FilesStore) to its factory. ` +
            'Scrapy would silently disable the pipeline; here it refuses to start so no media is lost unnoticed.',
        );
      }
      const store = await resolveFilesStore(config.store);
      const canStream = typeof store.persistStream === 'function';
      if (config.streamBodies === true && !canStream) {
        throw new ConfigError(`${name}: streamBodies is true but the store ${store.name} has no persistStream(); use a store that can stream or leave streamBodies unset`);
      }
      const streaming = config.streamBodies ?? (canStream && config.fileDownloaded === undefined && config.mediaDownloaded === undefined);
      await store.open?.(crawler);
      state = {
        crawler,
        log: crawler.logger.child(name),
        store,
        mediaMeta: streaming ? { ...baseMeta, streamBody: true } : baseMeta,
        info: Object.freeze({ crawler, spider: crawler.spider, store }),
        inFlight: new Map(),
        done: boundedCache(config.resultCacheSize),
      };
    },

    async close(crawler: Crawler, reason: CloseReason): Promise<void> {
      const s = state;
      state = undefined;
      if (s === undefined) return;
      s.done.clear();
      await s.store.close?.(crawler, reason);
    },

    async processItem(item: I): Promise<I> {
      const s = state;
      if (s === undefined) throw new ConfigError(`${name}: processItem() called before open()`);
      if (typeof item !== 'object' || item === null) return item;
      const entries = await getMediaRequests(item, s.info);
      const pending: (MediaResult | Promise<MediaResult>)[] = [];
      for (const entry of entries) pending.push(processRequest(s, entry, item));
      const results = await Promise.all(pending);
      return itemCompleted(results, item, s.info);
    },
  };
}
