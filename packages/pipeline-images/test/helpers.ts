import type { ServerResponse } from 'node:http';
import { defineSpider, type DownloaderMiddleware, type ItemPipeline, type StatValue } from '@crawl/core';
import { Crawler } from '@crawl/engine';
import { httpHandler } from '@crawl/http';
import type { RouteHandler, TestServer } from '@crawl/test-servers';

/** A route serving fixed bytes with a Content-Type. */
export function bytes(body: Uint8Array | string, contentType: string, status = 200): RouteHandler {
  const buf = Buffer.from(body);
  return (_req, res: ServerResponse) => {
    res.writeHead(status, { 'Content-Type': contentType, 'Content-Length': buf.length });
    res.end(buf);
  };
}

export function hits(server: TestServer, path: string): number {
  return server.requests.filter((r) => r.url === path).length;
}

/** A real crawl: one page on `server` whose callback yields `makeItems()`, through the HTTP handler. */
export async function crawlItems<T extends object>(
  server: TestServer,
  makeItems: () => T[],
  options: { itemPipelines: ItemPipeline<any, any>[]; downloaderMiddlewares?: DownloaderMiddleware[] },
): Promise<{ stats: Record<string, StatValue>; items: T[]; warnings: string[] }> {
  server.route('GET', '/items', bytes('<html><body>items</body></html>', 'text/html'));
  const spider = defineSpider({ name: 'images-test', startUrls: [`${server.url}/items`], parse: () => makeItems() });
  const warnings: string[] = [];
  const ignore = (): void => undefined;
  const crawler = new Crawler(spider, {
    downloadHandlers: [httpHandler()],
    downloaderMiddlewares: options.downloaderMiddlewares ?? [],
    itemPipelines: options.itemPipelines,
    settings: { logStatsInterval: 0 },
    logger: { debug: ignore, info: ignore, warn: (m) => void warnings.push(m), error: (m) => void warnings.push(m) },
  });
  const items: T[] = [];
  crawler.events.on('itemScraped', (item) => void items.push(item as T));
  const { stats } = await crawler.crawl();
  return { stats, items, warnings };
}
