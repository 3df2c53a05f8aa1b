import type { Awaitable, Crawler, FilesStore, Request, Response, Spider } from '@crawl/core';

/** How a media result came about (Scrapy's `status`). */
export type FileStatus = 'downloaded' | 'uptodate' | 'cached';

/** One successfully handled media URL (Scrapy's FileInfo). */
export interface FileInfo {
  /** The URL of the media request (before any redirect). */
  url: string;
  /** Store-relative path of the stored file. */
  path: string;
  /** MD5 hex of the stored file; null when the store could not tell (an up-to-date file on a store without checksums). */
  checksum: string | null;
  status: FileStatus;
}

/** Scrapy's `(success, file_info_or_error)` pair; the error is usually a FileException. */
export type MediaResult = readonly [ok: true, info: FileInfo] | readonly [ok: false, error: unknown];

/** What hooks get to know about the running pipeline (Scrapy's SpiderInfo). */
export interface MediaPipelineInfo {
  readonly crawler: Crawler;
  readonly spider: Spider<any>;
  readonly store: FilesStore;
}

export interface MediaHookContext<I> {
  readonly item: I;
  readonly info: MediaPipelineInfo;
}

/** Overridable steps, as options (Scrapy's overridable FilesPipeline methods). Each defaults to Scrapy's behaviour. */
export interface MediaHooks<I> {
  /** The media to fetch for an item: URL strings or Requests (default: the URLs in `urlsField`). */
  getMediaRequests?: (item: I, info: MediaPipelineInfo) => Awaitable<Iterable<Request<any> | string>>;
  /** The store-relative path for a media request; `response` is undefined for the expiry check made before downloading. */
  filePath?: (request: Request<any>, response: Response | undefined, ctx: MediaHookContext<I>) => string;
  /** Stores a downloaded body at `ctx.path` and returns its checksum (default: persist the body, MD5 hex). */
  fileDownloaded?: (response: Response, request: Request<any>, ctx: MediaHookContext<I> & { readonly path: string }) => Awaitable<string>;
  /** Handles a response (default: refuse non-200 and empty bodies, then filePath + fileDownloaded). `ctx.base()` runs the default. */
  mediaDownloaded?: (response: Response, request: Request<any>, ctx: MediaHookContext<I> & { readonly base: () => Promise<FileInfo> }) => Awaitable<FileInfo>;
  /**
   * A download failed (network error, IgnoreRequest from a middleware…). Throw to record a failure
   * (default: a logged FileException with the error as cause) or return a FileInfo to recover.
   */
  mediaFailed?: (error: unknown, request: Request<any>, ctx: MediaHookContext<I> & { readonly base: () => never }) => Awaitable<FileInfo>;
  /** Receives every result, in the order of the requests, and returns the item (default: successes go to `resultField`). Throw DropItem to drop. */
  itemCompleted?: (results: MediaResult[], item: I, info: MediaPipelineInfo) => Awaitable<I>;
}
