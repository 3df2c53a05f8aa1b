import type { CloseReason, CrawlSettings, DownloadHandler, DownloaderMiddleware, ItemPipeline, Request, Spider, SpiderMiddleware, StatValue } from '@crawl/core';
import { Crawler, consoleLogger } from '@crawl/engine';
import { fakeDownloadHandler, type FakeRoute } from './fake-handler.js';
import { recordingLogger } from './recording-logger.js';
import type { LogEntry } from './fake-crawler.js';

export interface TestCrawlerOptions {
  /** Default: a spider that GETs startUrls and answers each response with `parse`. */
  spider?: Spider<any>;
  startUrls?: string[];
  /** The default spider's callback; without it the spider collects nothing. */
  parse?: Spider<any>['parse'];
  /** Responses by absolute URL; others get 404 unless `fallback` says otherwise. */
  routes?: Record<string, FakeRoute>;
  fallback?: FakeRoute;
  /**
   * Real download handlers (httpHandler() against a loopback test server, say) in place of the
   * fake one; `routes` and `fallback` are then unused.
   */
  downloadHandlers?: DownloadHandler[];
  downloaderMiddlewares?: DownloaderMiddleware[];
  spiderMiddlewares?: SpiderMiddleware[];
  builtinSpiderMiddlewares?: boolean;
  itemPipelines?: ItemPipeline<any, any>[];
  settings?: Partial<CrawlSettings> & Record<string, unknown>;
}

export interface TestCrawlResult {
  readonly crawler: Crawler;
  readonly reason: CloseReason;
  readonly stats: Record<string, StatValue>;
  /** Items that reached the end of the pipelines, in order. */
  readonly items: unknown[];
  /** Requests as they reached the download handler, after every processRequest. */
  readonly requests: Request<any>[];
  readonly logs: LogEntry[];
}

/**
 * A whole crawl in process: the real engine, scheduler, slots and middleware chains, against a
 * fake download handler (or the real ones given). The fastest way to test a middleware or
 * pipeline as it runs for real.
 */
export async function testCrawler(options: TestCrawlerOptions = {}): Promise<TestCrawlResult> {
  const startUrls = options.startUrls ?? [];
  const spider: Spider<any> = options.spider ?? { name: 'test', startUrls, parse: options.parse ?? (() => undefined) };
  const fake = options.downloadHandlers === undefined ? fakeDownloadHandler(options.routes ?? {}, options.fallback ? { fallback: options.fallback } : {}) : undefined;
  const items: unknown[] = [];
  const logs: LogEntry[] = [];
  const requests: Request<any>[] = fake?.requests ?? [];
  const crawler = new Crawler(spider, {
    downloadHandlers: fake === undefined ? (options.downloadHandlers ?? []) : [fake],
    downloaderMiddlewares: options.downloaderMiddlewares ?? [],
    spiderMiddlewares: options.spiderMiddlewares ?? [],
    builtinSpiderMiddlewares: options.builtinSpiderMiddlewares ?? true,
    itemPipelines: options.itemPipelines ?? [],
    settings: { logStatsInterval: 0, ...options.settings },
    logger: recordingLogger(logs),
  });
  crawler.events.on('itemScraped', (item) => void items.push(item));
  // The fake handler records what it is asked for; with real ones, each request is recorded as it reaches the downloader.
  if (fake === undefined) crawler.events.on('requestReachedDownloader', (request) => void requests.push(request));
  const { reason, stats } = await crawler.crawl();
  return { crawler, reason, stats, items, requests, logs };
}

/** A console logger for debugging a failing test: pass as `logger` where a Crawler is built. */
export const debugLogger = (): ReturnType<typeof consoleLogger> => consoleLogger({ level: 'debug' });
