import type { CrawlSettings, DownloaderMiddleware, Spider } from '@crawl/core';
import { Crawler } from '@crawl/engine';
import { httpHandler, type HttpHandlerOptions } from '@crawl/http';
import type { LogEntry } from './fake-crawler.js';
import { recordingLogger } from './recording-logger.js';

/** A `dns.lookup`-compatible function, e.g. @crawl/test-servers' loopbackLookup({ 'a.test': '127.0.0.1' }). */
export type LookupFunction = NonNullable<HttpHandlerOptions['lookup']>;

/**
 * A factory of real Crawlers over the undici handler, resolving hostnames with `lookup` (so
 * tests give names such as a.test to loopback servers): the end-to-end counterpart of
 * testCrawler() for middlewares whose behaviour crosses the network.
 */
export function loopbackCrawlerWith(
  lookup: LookupFunction,
  settings: Partial<CrawlSettings> = {},
): (spider: Spider<any>, downloaderMiddlewares: DownloaderMiddleware[], logs?: LogEntry[]) => Crawler {
  return (spider, downloaderMiddlewares, logs = []) =>
    new Crawler(spider, {
      downloadHandlers: [httpHandler({ lookup })],
      downloaderMiddlewares,
      settings: { logLevel: 'debug', logStatsInterval: 0, ...settings },
      logger: recordingLogger(logs),
    });
}
