import type { ServerResponse } from 'node:http';
import { defineSpider, type DownloaderMiddleware, type ItemPipeline, type StatValue } from '@crawl/core';
import { Crawler } from '@crawl/engine';
import { httpHandler } from '@crawl/http';
import type { LogEntry } from '@crawl/testing';
import type { RouteHandler, TestServer } from '@crawl/test-servers';

/** A route serving fixed bytes with a Content-Type (none when undefined). */
export function bytes(body: Uint8Array | string, contentType?: string, status = 200): RouteHandler {
  const buf = typeof body === 'string' ? Buffer.from(body) : Buffer.from(body);
  return (_req, res: ServerResponse) => {
    const headers: Record<string, string | number> = { 'Content-Length': buf.length };
    if (contentType !== undefined) headers['Content-Type'] = contentType;
    res.writeHead(status, headers);
    res.end(buf);
  };
}

/** How many times the server was asked for a path (query included when given). */
export function hits(server: TestServer, pathAndQuery: string): number {
  return server.requests.filter((r) => r.url === pathAndQuery).length;
}

export interface CrawlItemsOptions {
  itemPipelines: ItemPipeline<any, any>[];
  downloaderMiddlewares?: DownloaderMiddleware[];
  settings?: Record<string, unknown>;
}

export interface CrawlItemsResult<T> {
  readonly stats: Record<string, StatValue>;
  readonly items: T[];
  readonly logs: LogEntry[];
  readonly crawler: Crawler;
}

/** A real crawl: one page on `server` whose callback yields `makeItems()`, through the HTTP handler. */
export async function crawlItems<T extends object>(server: TestServer, makeItems: () => T[], options: CrawlItemsOptions): Promise<CrawlItemsResult<T>> {
  server.route('GET', '/items', bytes('<html><body>items</body></html>', 'text/html'));
  const spider = defineSpider({
    name: 'media-test',
    startUrls: [`${server.url}/items`],
    parse() {
      return makeItems();
    },
  });
  const logs: LogEntry[] = [];
  const log = (level: LogEntry['level']) => (message: string, fields?: Record<string, unknown>) => void logs.push({ level, message, fields });
  const crawler = new Crawler(spider, {
    downloadHandlers: [httpHandler()],
    downloaderMiddlewares: options.downloaderMiddlewares ?? [],
    itemPipelines: options.itemPipelines,
    settings: { logStatsInterval: 0, logLevel: 'debug', ...options.settings },
    logger: { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') },
  });
  const items: T[] = [];
  crawler.events.on('itemScraped', (item) => void items.push(item as T));
  const { stats } = await crawler.crawl();
  return { stats, items, logs, crawler };
}
