import type { DownloaderMiddleware, ItemPipeline } from '@crawl/core';
import { httpHandler } from '@crawl/http';
import { handlers, type TestServer } from '@crawl/test-servers';
import { testCrawler, type TestCrawlResult } from '@crawl/testing';

export interface CrawlItemsOptions {
  itemPipelines: ItemPipeline<any, any>[];
  downloaderMiddlewares?: DownloaderMiddleware[];
  settings?: Record<string, unknown>;
}

/** A real crawl at debug level: one page on `server` whose callback yields `makeItems()`, through the HTTP handler. */
export async function crawlItems<T extends object>(server: TestServer, makeItems: () => T[], options: CrawlItemsOptions): Promise<Omit<TestCrawlResult, 'items'> & { readonly items: T[] }> {
  server.route('GET', '/items', handlers.bytes('<html><body>items</body></html>', 'text/html'));
  const run = await testCrawler({
    startUrls: [`${server.url}/items`],
    parse: () => makeItems(),
    downloadHandlers: [httpHandler()],
    ...options,
    settings: { logLevel: 'debug', ...options.settings },
  });
  return { ...run, items: run.items as T[] };
}
