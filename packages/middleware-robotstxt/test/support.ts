import type { CrawlSettings, DownloaderMiddleware, Failure, Request, Response, Spider, StatValue } from '@crawl/core';
import { Crawler } from '@crawl/engine';
import { httpHandler } from '@crawl/http';
import { loopbackLookup } from '@crawl/test-servers';

export interface LogLine {
  readonly level: string;
  readonly message: string;
}

export interface CrawlOutcome {
  readonly crawler: Crawler;
  readonly stats: Record<string, StatValue>;
  readonly logs: LogLine[];
  /** Paths (with query) of pages that reached a callback. */
  readonly fetched: string[];
  /** Path → error message for requests that failed (IgnoreRequest included). */
  readonly failed: Map<string, string>;
}

export interface RunOptions {
  middlewares: DownloaderMiddleware[];
  hosts?: Record<string, string>;
  settings?: Partial<CrawlSettings> & Record<string, unknown>;
  /** Called with the crawler before it runs (to subscribe to events or keep a reference). */
  onCrawler?: (crawler: Crawler) => void;
}

/** A real crawl (engine + undici handler) of the given start requests; records what was fetched and what failed. */
export async function runCrawl(start: (record: { callback: (r: Response) => unknown; errback: (f: Failure) => unknown }) => Iterable<Request<any>>, options: RunOptions): Promise<CrawlOutcome> {
  const logs: LogLine[] = [];
  const fetched: string[] = [];
  const failed = new Map<string, string>();
  const pathOf = (url: string): string => {
    const u = new URL(url);
    return u.pathname + u.search;
  };
  const callback = (response: Response): void => void fetched.push(pathOf(response.url));
  const errback = (failure: Failure): void => void failed.set(pathOf(failure.request.url), failure.error instanceof Error ? failure.error.message : String(failure.error));
  const spider: Spider<any> = { name: 'robots-test', start: () => start({ callback, errback }), parse: callback };
  const log = (level: string) => (message: string) => void logs.push({ level, message });
  const crawler = new Crawler(spider, {
    downloadHandlers: [httpHandler({ lookup: loopbackLookup({ localhost: '127.0.0.1', ...options.hosts }) as never })],
    downloaderMiddlewares: options.middlewares,
    settings: { logStatsInterval: 0, ...options.settings },
    logger: { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') },
  });
  options.onCrawler?.(crawler);
  const { stats } = await crawler.crawl();
  return { crawler, stats, logs, fetched, failed };
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
