import type { Headers } from './headers.js';
import type { Request } from './request.js';
import type { Response } from './response.js';

export type Awaitable<T> = T | PromiseLike<T>;

/** What a callback may produce: one value, an array or iterable, a promise of those, or an async iterable. */
export type SpiderOutput<I = unknown> =
  | Awaitable<void | null | I | Request<any> | Iterable<I | Request<any>>>
  | AsyncIterable<I | Request<any>>;

export type Callback<K extends object = Record<string, unknown>, I = unknown> = (
  response: Response,
  cbKwargs: K,
) => SpiderOutput<I>;

/**
 * What an errback receives: the failed request (typed by its cbKwargs, so an errback can read
 * `failure.request.cbKwargs` as Scrapy's `failure.request.cb_kwargs`) and why it failed.
 */
export interface Failure<K extends object = any> {
  readonly request: Request<K>;
  readonly error: unknown;
  /** Present when the failure is about a response (an HttpError for a 404, say). */
  readonly response?: Response;
}
export type Errback<K extends object = any> = (failure: Failure<K>) => SpiderOutput<unknown>;

export type CloseReason =
  | 'finished'
  | 'shutdown'
  | 'cancelled'
  | 'closespider_itemcount'
  | 'closespider_pagecount'
  | 'closespider_timeout'
  | 'closespider_errorcount'
  /** A plugin's open() failed; plugins opened before it are closed with this reason. */
  | 'open_failed'
  | (string & {});

export type StatValue = number | string | boolean | Date;

/** Scrapy-compatible stats collector: keys like 'downloader/request_count', 'item_scraped_count'. */
export interface Stats {
  get<T extends StatValue = number>(key: string): T | undefined;
  set(key: string, value: StatValue): void;
  inc(key: string, count?: number, start?: number): void;
  max(key: string, value: number): void;
  min(key: string, value: number): void;
  all(): Record<string, StatValue>;
}

/**
 * Levelled logging with per-component names (Scrapy's logger names). A plugin takes its own
 * logger once, in open(): `log = crawler.logger.child(this.name)`; its lines then carry the
 * component ('@crawl/middleware-retry'). A child's child joins the names with '/'
 * ('@crawl/engine' → '@crawl/engine/scraper'). Children share their parent's level threshold,
 * output and log_count/<LEVEL> stats.
 *
 * To plug in your own logger, implementing the four level methods is enough: the engine adds
 * `child()` to a logger that lacks it, and the component then arrives as a `component` field.
 * `crawler.logger` always has `child()`.
 */
export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
  /** A logger for one component, created once (in open()), not per message. */
  child(component: string): Logger;
}

/**
 * Events and their listener arguments. Plugins add events by declaration merging.
 * Listeners may be async; `emit` does not wait for them unless the engine says so.
 */
export interface CrawlEventMap {
  engineStarted: [];
  engineStopped: [];
  spiderOpened: [spider: Spider<any>];
  spiderIdle: [];
  spiderClosed: [reason: CloseReason];
  spiderError: [error: unknown, response: Response | undefined];
  requestScheduled: [request: Request<any>];
  requestDropped: [request: Request<any>, reason: string];
  requestReachedDownloader: [request: Request<any>];
  requestLeftDownloader: [request: Request<any>];
  /** Response headers arrived; a listener may throw StopDownload to stop the body. */
  headersReceived: [headers: Headers, status: number, request: Request<any>];
  /** A body chunk arrived; a listener may throw StopDownload. */
  bytesReceived: [chunk: Uint8Array, request: Request<any>];
  responseDownloaded: [response: Response, request: Request<any>];
  responseReceived: [response: Response, request: Request<any>];
  downloadError: [error: unknown, request: Request<any>];
  itemScraped: [item: unknown, response: Response | undefined];
  itemDropped: [item: unknown, error: unknown, response: Response | undefined];
  itemError: [item: unknown, error: unknown, response: Response | undefined];
}

export type CrawlEventName = keyof CrawlEventMap;
export type CrawlEventListener<E extends CrawlEventName> = (...args: CrawlEventMap[E]) => unknown;

export interface CrawlEvents {
  /** Subscribes; returns a function that unsubscribes. */
  on<E extends CrawlEventName>(event: E, listener: CrawlEventListener<E>): () => void;
  once<E extends CrawlEventName>(event: E, listener: CrawlEventListener<E>): () => void;
  off<E extends CrawlEventName>(event: E, listener: CrawlEventListener<E>): void;
  /** Calls listeners synchronously; an error thrown by a listener is rethrown (StopDownload relies on this). */
  emit<E extends CrawlEventName>(event: E, ...args: CrawlEventMap[E]): void;
  /** Calls listeners and awaits any promises they return. */
  emitAsync<E extends CrawlEventName>(event: E, ...args: CrawlEventMap[E]): Promise<void>;
  listenerCount(event: CrawlEventName): number;
}

/**
 * Crawl-wide settings (Scrapy's settings, camelCased). Times are in seconds, sizes in bytes.
 * Plugin packages add keys by declaration merging; the engine rejects keys nobody declared.
 */
export interface CrawlSettings {
  botName: string;
  concurrentRequests: number;
  concurrentRequestsPerDomain: number;
  /** 0 = no per-IP slots (Scrapy's CONCURRENT_REQUESTS_PER_IP). */
  concurrentRequestsPerIp: number;
  downloadDelay: number;
  randomizeDownloadDelay: boolean;
  downloadTimeout: number;
  downloadMaxSize: number;
  downloadWarnSize: number;
  downloadFailOnDataloss: boolean;
  /** Items processed in parallel per response (Scrapy's CONCURRENT_ITEMS). */
  concurrentItems: number;
  logLevel: 'debug' | 'info' | 'warn' | 'error' | 'silent';
  /** Seconds between "Crawled N pages" log lines; 0 disables. */
  logStatsInterval: number;
  closespiderItemcount: number;
  closespiderPagecount: number;
  closespiderTimeout: number;
  closespiderErrorcount: number;
}

export interface Plugin {
  /** Stable identifier used in logs and errors: '@crawl/middleware-retry' or 'my-org/rate-limit'. */
  readonly name: string;
  /**
   * Setting keys this plugin reads, with their defaults. The crawler registers them before it
   * resolves settings, so `-s key=value` for them validates instead of failing as unknown.
   */
  readonly defaultSettings?: Readonly<Record<string, unknown>>;
  /** Called when the crawl opens; throw NotConfigured to disable the plugin with a logged reason. */
  open?(crawler: Crawler): Awaitable<void>;
  close?(crawler: Crawler, reason: CloseReason): Awaitable<void>;
}

/**
 * Scrapy's downloader-middleware contract. processRequest runs in ascending `order`,
 * processResponse and processException in descending order.
 * - processRequest: void → continue; Response → skip the download (processResponse still runs);
 *   Request → reschedule that request instead; throw IgnoreRequest → errback.
 * - processResponse: Response → continue with it; Request → reschedule; throw → errback.
 * - processException: void → next middleware; Response → processResponse chain; Request → reschedule.
 */
export interface DownloaderMiddleware extends Plugin {
  readonly order: number;
  processRequest?(request: Request<any>, crawler: Crawler): Awaitable<Request<any> | Response | void | undefined>;
  processResponse?(request: Request<any>, response: Response, crawler: Crawler): Awaitable<Request<any> | Response>;
  processException?(request: Request<any>, error: unknown, crawler: Crawler): Awaitable<Request<any> | Response | void | undefined>;
}

/**
 * Spider middlewares see what goes into and comes out of callbacks. Unlike Scrapy's generator
 * wrapping, output is processed one result at a time (no nested async generators on the hot path).
 */
export interface SpiderMiddleware extends Plugin {
  readonly order: number;
  /** Before the callback; throw to send the failure to the errback instead. */
  processSpiderInput?(response: Response, crawler: Crawler): Awaitable<void>;
  /**
   * Each request or item a callback (or the spider's start) produces, in descending order
   * (from the spider back towards the engine, as in Scrapy).
   * Return it (or a replacement) to pass it on, or null/undefined to drop it.
   * `response` is undefined for start requests.
   */
  processSpiderOutput?(result: unknown, response: Response | undefined, crawler: Crawler): Awaitable<unknown>;
  /** A callback threw (descending order): return output to use instead (stops the chain), or void to pass on. */
  processSpiderException?(response: Response, error: unknown, crawler: Crawler): Awaitable<SpiderOutput<unknown> | void>;
}

export interface ItemPipeline<In = unknown, Out = In> extends Plugin {
  /** Throw DropItem to drop the item. */
  processItem(item: In, crawler: Crawler): Awaitable<Out>;
}

/** Fetches requests of some URL schemes. */
export interface DownloadHandler extends Plugin {
  readonly schemes: readonly string[];
  download(request: Request<any>, crawler: Crawler): Promise<Response>;
}

/** Frontier: deduplication and ordering of pending requests. */
export interface Scheduler extends Plugin {
  /** Returns false when the request was filtered as a duplicate. */
  enqueue(request: Request<any>): Awaitable<boolean>;
  /** The next request by priority (higher first; within a priority the backend's order, LIFO by default as in Scrapy), or undefined when empty. */
  next(): Awaitable<Request<any> | undefined>;
  size(): Awaitable<number>;
  /**
   * Optional: a request returned by next() has been fully processed (downloaded, its callback or
   * errback run, its items through the pipelines, the requests it produced enqueued). Backends
   * that must not lose work (a job directory, a shared frontier with leases) release it here. Not
   * called for requests abandoned by an abort, which stay pending for a resumed run.
   */
  ack?(request: Request<any>): Awaitable<void>;
}

/** File stores: fs, s3, gcs, ftp. Paths are store-relative and '/'-separated. */
export interface FileStat {
  readonly lastModified: Date;
  readonly checksum?: string;
  readonly size?: number;
}
export interface PersistMeta {
  contentType?: string;
  headers?: Record<string, string>;
}
export interface FilesStore extends Plugin {
  /** 'file' | 's3' | 'gs' | 'ftp' … used to resolve store URIs. */
  readonly scheme: string;
  persist(path: string, body: Uint8Array, meta?: PersistMeta): Promise<void>;
  /**
   * Optional: store a body read from a stream, without holding it whole. The media pipelines use
   * it for streamed downloads when present. A failed write must leave nothing (or the previous
   * file) at `path`, never a truncated file presented as complete.
   */
  persistStream?(path: string, source: AsyncIterable<Uint8Array>, meta?: PersistMeta): Promise<unknown>;
  /** undefined when nothing is stored at that path yet. */
  stat(path: string): Promise<FileStat | undefined>;
}
export type FilesStoreFactory<O = unknown> = (uri: URL, options?: O) => FilesStore;

/** HTTP cache: the storage is dumb, the policy decides. Keys come from the crawler's fingerprinter. */
export interface CacheStorage extends Plugin {
  retrieve(request: Request<any>, key: string): Promise<Response | undefined>;
  store(request: Request<any>, response: Response, key: string): Promise<void>;
}
export interface CachePolicy {
  shouldCacheRequest(request: Request<any>): boolean;
  shouldCacheResponse(response: Response, request: Request<any>): boolean;
  isCachedResponseFresh(cached: Response, request: Request<any>): boolean;
  isCachedResponseValid(cached: Response, response: Response, request: Request<any>): boolean;
}

/**
 * A downloader slot: the unit of politeness (one per domain by default). Middlewares use it to
 * slow one site down (Retry-After, Crawl-delay, autothrottle) without blocking the others.
 */
export interface DownloaderSlot {
  readonly key: string;
  /** Maximum requests in flight through this slot. */
  concurrency: number;
  /** Seconds between two requests leaving this slot (randomised by randomizeDownloadDelay). */
  delay: number;
  readonly active: number;
  readonly queued: number;
  /** Epoch milliseconds before which no request leaves this slot. */
  readonly nextAllowedAt: number;
  /** Push the slot's next-allowed time back to `epochMs` (never earlier than it already is). */
  deferUntil(epochMs: number): void;
}

export interface DownloaderControl {
  /** The slot key a request goes through (meta.downloadSlot, else the hostname). */
  slotKey(request: Request<any>): string;
  /** The slot for a key or request, created on first use. */
  slot(keyOrRequest: string | Request<any>): DownloaderSlot;
  /** Requests inside the downloader (middlewares, slot queues and transfers), across slots, as Scrapy counts them. */
  readonly active: number;
}

export interface Spider<I = unknown> {
  readonly name: string;
  readonly allowedDomains?: readonly string[];
  readonly startUrls?: readonly string[];
  /** Per-spider settings (Scrapy's custom_settings). */
  readonly settings?: Partial<CrawlSettings>;
  /** Start requests; defaults to GET each of startUrls with parse as callback and dontFilter. */
  start?(): Iterable<Request<any> | I> | AsyncIterable<Request<any> | I>;
  parse(response: Response, cbKwargs: Record<string, unknown>): SpiderOutput<I>;
  /**
   * Spider middlewares this spider brings (Scrapy's custom_settings SPIDER_MIDDLEWARES), added to
   * the crawler's own and ordered with them by `order`.
   */
  readonly spiderMiddlewares?: readonly SpiderMiddleware[];
  /**
   * Called once when the crawl starts, after the plugins opened and before the start requests are
   * read: the place to read settings or keep the crawler. A throw fails the crawl start, as a
   * plugin's open() does (NotConfigured is not special here).
   */
  open?(crawler: Crawler): Awaitable<void>;
  /** Called once the spider has closed. */
  closed?(reason: CloseReason): Awaitable<void>;
}

/** What a plugin sees of the crawl. Implemented by @crawl/engine. */
export interface Crawler {
  readonly spider: Spider<any>;
  readonly settings: Readonly<CrawlSettings>;
  readonly stats: Stats;
  readonly events: CrawlEvents;
  readonly logger: Logger;
  readonly downloader: DownloaderControl;
  /** Aborted when the crawl is aborted (second SIGINT, crawler.abort()): handlers cancel in-flight downloads. */
  readonly abortSignal: AbortSignal;
  /** The request fingerprint used for dedupe and cache keys. */
  fingerprint(request: Request<any>): string;
  /** Download through the downloader middlewares and the slots, outside the scheduler. */
  download(request: Request<any>): Promise<Response>;
  /** Schedule a request as if a callback had yielded it (Scrapy's engine.crawl). */
  schedule(request: Request<any>): Promise<boolean>;
  /** Close the crawl gracefully with a reason. */
  stop(reason?: CloseReason): Promise<void>;
}
