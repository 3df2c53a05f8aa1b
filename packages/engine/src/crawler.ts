import {
  ConfigError,
  DownloadError,
  Request,
  fingerprint as coreFingerprint,
  type CloseReason,
  type CrawlSettings,
  type Crawler as CoreCrawler,
  type DownloadHandler,
  type DownloaderMiddleware,
  type ItemPipeline,
  type Logger,
  type Plugin,
  type Response,
  type Scheduler,
  type Spider,
  type SpiderMiddleware,
  type StatValue,
} from '@crawl/core';
import './meta.js';
import { closeSpider } from './close-spider.js';
import { Downloader } from './downloader/downloader.js';
import { DownloaderMiddlewareChain } from './downloader/middleware-chain.js';
import { Engine } from './engine.js';
import { EventBus } from './events.js';
import { feedExports } from './feeds/index.js';
import { logStats } from './log-stats.js';
import { consoleLogger, countingLogger, ENGINE_COMPONENT, type LoggerLike } from './logger.js';
import { checkPlugin, closePlugins, openPlugins, type PluginGroup } from './plugins.js';
import { resumeStart } from './jobdir/resume-start.js';
import { spiderState } from './jobdir/spider-state.js';
import { diskScheduler } from './scheduler/disk-scheduler.js';
import type { JobScheduler } from './scheduler/job-scheduler.js';
import { memoryScheduler } from './scheduler/memory-scheduler.js';
import { Scraper } from './scraper.js';
import { SettingsRegistry } from './settings-resolve.js';
import { installSignalHandlers } from './signals.js';
import { SpiderMiddlewareChain } from './spider-middleware-chain.js';
import { defaultSpiderMiddlewares, offsiteDownloaderMiddleware } from './spidermw/index.js';
import { startRequests } from './start-requests.js';
import { MemoryStats } from './stats.js';
import { errorMessage } from './util/safe-emit.js';
import { isThenable } from './util/thenable.js';

export interface CrawlerOptions {
  /** Project settings (over DEFAULT_SETTINGS, under the spider's own settings). */
  settings?: Partial<CrawlSettings>;
  /** Highest-precedence settings (the CLI's -s overrides). */
  overrides?: Partial<CrawlSettings>;
  /** Download handlers by scheme; a request whose scheme has none fails with UnsupportedSchemeError. */
  downloadHandlers?: DownloadHandler[];
  downloaderMiddlewares?: DownloaderMiddleware[];
  /** Added to the built-in spider middlewares unless builtinSpiderMiddlewares is false. */
  spiderMiddlewares?: SpiderMiddleware[];
  /** Offsite, depth, httpError, referer, urlLength (default true). */
  builtinSpiderMiddlewares?: boolean;
  /** The offsite downloader middleware (order 50), which re-checks allowedDomains on every hop (default true). */
  builtinDownloaderMiddlewares?: boolean;
  /** Run in array order. */
  itemPipelines?: ItemPipeline<any, any>[];
  /** Default: the memory scheduler, or the disk scheduler in settings.jobDir when that is set. */
  scheduler?: Scheduler;
  /** Plain plugins (open/close), e.g. progress display. Feed exports are added from settings.feeds. */
  extensions?: Plugin[];
  /**
   * Default: a console logger on stderr honouring settings.logLevel. Any object with debug, info,
   * warn and error methods; without child(), components arrive as a `component` field.
   */
  logger?: LoggerLike;
  /** Default: core's fingerprint(). */
  fingerprinter?: (request: Request<any>) => string;
  /** Install SIGINT/SIGTERM handlers: first graceful stop, second abort (default false). */
  handleSignals?: boolean;
}

export interface CrawlResult {
  reason: CloseReason;
  stats: Record<string, StatValue>;
}

/** A plugin may carry defaults for setting keys it reads; they are registered when the Crawler is built. */
interface WithSettingDefaults {
  readonly defaultSettings?: Record<string, unknown>;
}

/**
 * One crawl of one spider: resolves settings, opens the plugins, runs the engine and closes
 * everything. Everything it holds (stats, events, slots, dupefilter) is its own, so crawlers
 * in one process share nothing.
 */
export class Crawler implements CoreCrawler {
  readonly spider: Spider<any>;
  readonly stats: MemoryStats = new MemoryStats();
  readonly events: EventBus;
  readonly #options: CrawlerOptions;
  readonly #registry = new SettingsRegistry();
  readonly #abort = new AbortController();
  #settings: CrawlSettings | undefined;
  #logger: Logger | undefined;
  /** The crawler's and engine's own lines: component '@crawl/engine'. */
  #ownLog: Logger | undefined;
  #downloader: Downloader | undefined;
  #engine: Engine | undefined;
  #started = false;
  readonly #fingerprint: (request: Request<any>) => string;

  constructor(spider: Spider<any>, options: CrawlerOptions = {}) {
    if (typeof spider !== 'object' || spider === null) throw new ConfigError(`Crawler needs a spider object, got ${spider === null ? 'null' : typeof spider}`);
    if (typeof spider.name !== 'string' || spider.name === '') throw new ConfigError('Spider has no name (spider.name must be a non-empty string)');
    this.spider = spider;
    this.#options = options;
    this.#fingerprint = options.fingerprinter ?? ((r) => coreFingerprint(r));
    this.events = new EventBus((event, error) => this.#log.error(`Error in a ${event} listener: ${errorMessage(error)}`, { error }));
    for (const plugin of this.#allPlugins()) {
      const defaults = (plugin as WithSettingDefaults | undefined)?.defaultSettings;
      if (defaults && typeof defaults === 'object') this.#registry.register(defaults, (plugin as Plugin).name);
    }
  }

  /**
   * Declares extra setting keys (with defaults) for this crawler only. Must be called before the
   * settings are resolved (first access to `settings`/`logger`, or crawl()).
   */
  registerSettings(defaults: Record<string, unknown>): void {
    if (this.#settings) throw new ConfigError('registerSettings() must be called before the settings are resolved (before crawl())');
    this.#registry.register(defaults);
  }

  /** DEFAULT_SETTINGS < options.settings < spider.settings < options.overrides, validated once. */
  get settings(): Readonly<CrawlSettings> {
    this.#settings ??= this.#registry.resolve(this.#options.settings ?? {}, this.spider.settings ?? {}, this.#options.overrides ?? {});
    return this.#settings;
  }

  get logger(): Logger {
    if (!this.#logger) {
      const settings = this.settings;
      const inner = this.#options.logger ?? consoleLogger({ botName: settings.botName, level: settings.logLevel });
      this.#logger = countingLogger(inner, this.stats, settings.logLevel);
    }
    return this.#logger;
  }

  get #log(): Logger {
    this.#ownLog ??= this.logger.child(ENGINE_COMPONENT);
    return this.#ownLog;
  }

  /** Slots and in-flight count; available once crawl() has started. */
  get downloader(): Downloader {
    if (!this.#downloader) throw new ConfigError('crawler.downloader is available once crawl() has started');
    return this.#downloader;
  }

  /** Aborted by abort(): download handlers pass it to their transport to cancel in-flight downloads. */
  get abortSignal(): AbortSignal {
    return this.#abort.signal;
  }

  fingerprint(request: Request<any>): string {
    return this.#fingerprint(request);
  }

  /** Downloads through the downloader middlewares and slots, ahead of scheduled requests. */
  download(request: Request<any>): Promise<Response> {
    if (!this.#engine?.running) return Promise.reject(new DownloadError(request.url, `crawler.download(${String(request)}): the crawler is not running`));
    return this.#engine.download(request);
  }

  /**
   * Schedules a request as a callback's output would be. A string is turned into a GET request
   * (a relative URL throws InvalidUrlError). Resolves to false when the scheduler filtered it.
   */
  async schedule(request: Request<any> | string): Promise<boolean> {
    const r = typeof request === 'string' ? new Request(request) : request;
    if (!this.#engine?.running) throw Engine.notRunning(`crawler.schedule(${String(r)})`);
    return this.#engine.enqueue(r);
  }

  /** Graceful close: in-flight requests, their callbacks and pipelines finish, then the crawl closes. Await crawl() for the end. */
  async stop(reason: CloseReason = 'shutdown'): Promise<void> {
    this.#engine?.stop(reason);
  }

  /** Immediate close: in-flight downloads are aborted through `abortSignal`. Await crawl() for the end. */
  async abort(reason: CloseReason = 'cancelled'): Promise<void> {
    if (!this.#engine?.running) return;
    this.#abort.abort(new DownloadError(this.spider.name, `Crawl aborted (${reason})`));
    this.#engine.abort(reason);
    this.#downloader?.close(new DownloadError(this.spider.name, `Download cancelled: the crawl was aborted (${reason})`));
  }

  /** Runs the crawl once; resolves when it has closed, with the reason and the final stats. */
  async crawl(): Promise<CrawlResult> {
    if (this.#started) throw new ConfigError('Crawler.crawl() runs once per Crawler; create a new Crawler to crawl again');
    this.#started = true;
    const settings = this.settings;
    const logger = this.#log;
    const options = this.#options;
    const startedAt = new Date();
    this.stats.set('start_time', startedAt);

    const groups = this.#pluginGroups(settings);
    this.#downloader = new Downloader(this, settings);
    const opened = await openPlugins(
      [groups.extensions, groups.scheduler, groups.handlers, groups.downloaderMws, groups.spiderMws, groups.pipelines, groups.feeds],
      this,
      logger,
    );
    const scheduler = opened.enabled(groups.scheduler)[0];
    if (!scheduler) {
      await closePlugins(opened.all, this, 'open_failed', logger);
      throw new ConfigError('The scheduler disabled itself (NotConfigured); a crawl needs a scheduler');
    }

    try {
      const r = this.spider.open?.(this);
      if (isThenable(r)) await r;
    } catch (error) {
      logger.error(`Error in spider ${this.spider.name}.open(): ${errorMessage(error)}`, { error });
      await closePlugins(opened.all, this, 'open_failed', logger);
      throw error;
    }

    this.#downloader.use(new DownloaderMiddlewareChain(opened.enabled(groups.downloaderMws), this), opened.enabled(groups.handlers));
    const start = resumeStart(startRequests(this.spider, logger), (scheduler as JobScheduler).resumedStart?.());
    const engine = new Engine(this, scheduler, this.#downloader, start);
    engine.attach(new Scraper(engine, new SpiderMiddlewareChain(opened.enabled(groups.spiderMws), this), opened.enabled(groups.pipelines)));
    this.#engine = engine;

    // Slot timers are unref'd; this keeps the process alive while the crawl waits on them.
    const keepAlive = setInterval(() => undefined, 2 ** 31 - 1);
    const removeSignalHandlers = options.handleSignals ? installSignalHandlers(this, logger) : undefined;
    let reason: CloseReason;
    try {
      logger.info(`Spider opened: ${this.spider.name}`);
      await this.#emit('engineStarted');
      await this.#emit('spiderOpened', this.spider);
      reason = await engine.run();
    } finally {
      clearInterval(keepAlive);
    }

    this.#downloader.close();
    const finishedAt = new Date();
    this.stats.set('finish_time', finishedAt);
    this.stats.set('finish_reason', reason);
    this.stats.set('elapsed_time_seconds', (finishedAt.getTime() - startedAt.getTime()) / 1000);
    await this.#emit('spiderClosed', reason);
    await closePlugins(opened.all, this, reason, logger);
    try {
      const closed = this.spider.closed?.(reason);
      if (closed && typeof (closed as PromiseLike<void>).then === 'function') await closed;
    } catch (error) {
      logger.error(`Error in spider ${this.spider.name}.closed(): ${errorMessage(error)}`, { error });
    }
    await this.#emit('engineStopped');
    removeSignalHandlers?.();
    const stats = this.stats.all();
    // A field, so that JSON logs get the stats as one object; consoleLogger prints Scrapy's table.
    logger.info('Dumping crawl stats:', { stats });
    logger.info(`Spider closed (${reason})`);
    return { reason, stats };
  }

  async #emit(event: 'engineStarted' | 'engineStopped'): Promise<void>;
  async #emit(event: 'spiderOpened', spider: Spider<any>): Promise<void>;
  async #emit(event: 'spiderClosed', reason: CloseReason): Promise<void>;
  async #emit(event: 'engineStarted' | 'engineStopped' | 'spiderOpened' | 'spiderClosed', arg?: unknown): Promise<void> {
    try {
      await (this.events.emitAsync as (e: string, ...a: unknown[]) => Promise<void>)(event, ...(arg === undefined ? [] : [arg]));
    } catch (error) {
      this.#log.error(`Error in a ${event} listener: ${errorMessage(error)}`, { error });
    }
  }

  #allPlugins(): unknown[] {
    const o = this.#options;
    return [
      o.scheduler,
      ...(o.downloadHandlers ?? []),
      ...(o.downloaderMiddlewares ?? []),
      ...(o.spiderMiddlewares ?? []),
      ...this.#spiderOwnMiddlewares(),
      ...(o.itemPipelines ?? []),
      ...(o.extensions ?? []),
    ].filter(
      (p) => p !== undefined,
    );
  }

  /** spider.spiderMiddlewares, checked to be an array (each one is validated with the others). */
  #spiderOwnMiddlewares(): readonly SpiderMiddleware[] {
    const own: unknown = this.spider.spiderMiddlewares;
    if (own === undefined) return [];
    if (!Array.isArray(own)) throw new ConfigError(`Spider ${this.spider.name} spiderMiddlewares must be an array of spider middlewares, got ${own === null ? 'null' : typeof own}`);
    return own as readonly SpiderMiddleware[];
  }

  /**
   * The crawl's plugins by kind. crawl() opens them in this order: extensions, scheduler,
   * handlers, downloader mws, spider mws, pipelines, feed exports; they close in reverse. Extensions come first as Scrapy builds them before the
   * engine and the downloader: what watches the crawl (memory, stats, close conditions, the
   * spider's state) is in place before what it watches opens, and is still there while that
   * closes. @crawl/memusage needs it: opened after the rest, it found V8's new space grown to
   * 16 MiB by their opening (docs/performance.md, session 6). Feed exports open last, as Scrapy
   * opens feeds once the spider is open, so a plugin that fails to open leaves the feed file alone.
   */
  #pluginGroups(settings: CrawlSettings): CrawlPluginGroups {
    const o = this.#options;
    const downloaderMws = [...(o.builtinDownloaderMiddlewares === false ? [] : [offsiteDownloaderMiddleware()]), ...(o.downloaderMiddlewares ?? [])];
    const spiderMws = [...(o.builtinSpiderMiddlewares === false ? [] : defaultSpiderMiddlewares()), ...(o.spiderMiddlewares ?? []), ...this.#spiderOwnMiddlewares()];
    const extensions: Plugin[] = [logStats(), closeSpider()];
    if (settings.jobDir !== '') extensions.push(spiderState(settings.jobDir));
    extensions.push(...(o.extensions ?? []));
    const feeds = Object.keys(settings.feeds).length > 0 ? [feedExports(settings.feeds)] : [];
    const groups: CrawlPluginGroups = {
      extensions: { kind: 'extension', plugins: extensions },
      // With jobDir, the frontier lives in the job directory unless a scheduler is given.
      scheduler: { kind: 'scheduler', plugins: [o.scheduler ?? (settings.jobDir !== '' ? diskScheduler({ dir: settings.jobDir }) : memoryScheduler())] },
      handlers: { kind: 'download handler', plugins: o.downloadHandlers ?? [] },
      downloaderMws: { kind: 'downloader middleware', plugins: downloaderMws },
      spiderMws: { kind: 'spider middleware', plugins: spiderMws },
      pipelines: { kind: 'item pipeline', plugins: o.itemPipelines ?? [] },
      feeds: { kind: 'extension', plugins: feeds },
    };
    for (const group of Object.values(groups) as PluginGroup[]) group.plugins.forEach((p, i) => validatePlugin(p, group.kind, i));
    return groups;
  }
}

/** A crawl's plugins by kind; crawl() gives openPlugins the open order. */
interface CrawlPluginGroups {
  readonly extensions: PluginGroup;
  readonly scheduler: PluginGroup<Scheduler>;
  readonly handlers: PluginGroup<DownloadHandler>;
  readonly downloaderMws: PluginGroup<DownloaderMiddleware>;
  readonly spiderMws: PluginGroup<SpiderMiddleware>;
  readonly pipelines: PluginGroup<ItemPipeline<any, any>>;
  /** Feed exports: extensions, opened after every other plugin. */
  readonly feeds: PluginGroup;
}

function validatePlugin(plugin: unknown, kind: string, index: number): void {
  checkPlugin(plugin, kind, index);
  const p = plugin as unknown as Record<string, unknown>;
  const fail = (what: string): never => {
    throw new ConfigError(`${kind} ${plugin.name} ${what}`);
  };
  if (kind === 'downloader middleware' || kind === 'spider middleware') {
    if (typeof p['order'] !== 'number' || !Number.isFinite(p['order'])) fail(`needs a finite numeric order, got ${String(p['order'])}`);
  }
  if (kind === 'item pipeline' && typeof p['processItem'] !== 'function') fail('has no processItem() method');
  if (kind === 'download handler') {
    if (!Array.isArray(p['schemes']) || !p['schemes'].every((s) => typeof s === 'string')) fail('needs a schemes array of strings');
    if (typeof p['download'] !== 'function') fail('has no download() method');
  }
  if (kind === 'scheduler') {
    for (const m of ['enqueue', 'next', 'size']) if (typeof p[m] !== 'function') fail(`has no ${m}() method`);
  }
}

/** Builds a Crawler and runs it: `const { reason, stats } = await crawl(spider, options)`. */
export function crawl(spider: Spider<any>, options?: CrawlerOptions): Promise<CrawlResult> {
  return new Crawler(spider, options).crawl();
}
