import type { DownloaderMiddleware, ItemPipeline, StatValue } from '@crawl/core';
import { httpHandler } from '@crawl/http';
import { handlers, type TestServer } from '@crawl/test-servers';
import { testCrawler } from '@crawl/testing';

/** A real crawl: one page on `server` whose callback yields `makeItems()`, through the HTTP handler. */
export async function crawlItems<T extends object>(
  server: TestServer,
  makeItems: () => T[],
  options: { itemPipelines: ItemPipeline<any, any>[]; downloaderMiddlewares?: DownloaderMiddleware[] },
): Promise<{ stats: Record<string, StatValue>; items: T[]; warnings: string[] }> {
  server.route('GET', '/items', handlers.bytes('<html><body>items</body></html>', 'text/html'));
  const run = await testCrawler({ startUrls: [`${server.url}/items`], parse: () => makeItems(), downloadHandlers: [httpHandler()], ...options });
  const warnings = run.logs.filter((entry) => entry.level === 'warn' || entry.level === 'error').map((entry) => entry.message);
  return { stats: run.stats, items: run.items as T[], warnings };
}
