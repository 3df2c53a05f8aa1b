import type { ServerResponse } from 'node:http';
import { defineSpider, type ItemPipeline, type StatValue } from '@crawl/core';
import { Crawler } from '@crawl/engine';
import { httpHandler } from '@crawl/http';
import type { RouteHandler, TestServer } from '@crawl/test-servers';
import sharp from 'sharp';

/** A route serving fixed bytes with a Content-Type. */
export function bytes(body: Uint8Array, contentType: string): RouteHandler {
  const buf = Buffer.from(body);
  return (_req, res: ServerResponse) => {
    res.writeHead(200, { 'Content-Type': contentType, 'Content-Length': buf.length });
    res.end(buf);
  };
}

/** Three real images: a JPEG, a PNG with alpha and a WebP, made with sharp. */
export async function makeImages(): Promise<{ path: string; body: Buffer; type: string }[]> {
  return [
    { path: '/img/photo.jpg', type: 'image/jpeg', body: await sharp({ create: { width: 320, height: 200, channels: 3, background: '#c03030' } }).jpeg().toBuffer() },
    { path: '/img/logo.png', type: 'image/png', body: await sharp({ create: { width: 120, height: 120, channels: 4, background: { r: 0, g: 0, b: 255, alpha: 0.5 } } }).png().toBuffer() },
    { path: '/img/pic.webp', type: 'image/webp', body: await sharp({ create: { width: 200, height: 300, channels: 3, background: '#30c030' } }).webp().toBuffer() },
  ];
}

export interface CrawlOutcome<T> {
  readonly reason: string;
  readonly stats: Record<string, StatValue>;
  readonly items: T[];
  /** Every log line at every level, with its details serialised. */
  readonly logs: string[];
}

/** A real crawl: one page on `server` whose callback yields `makeItems()`, through the HTTP handler. */
export async function crawlItems<T extends object>(server: TestServer, makeItems: () => T[], itemPipelines: ItemPipeline<any, any>[]): Promise<CrawlOutcome<T>> {
  const spider = defineSpider({ name: 'store-test', startUrls: [`${server.url}/items`], parse: () => makeItems() });
  const logs: string[] = [];
  const log = (level: string) => (message: string, details?: unknown) => {
    let extra = '';
    try {
      extra = details === undefined ? '' : ` ${JSON.stringify(details, (_k, v: unknown) => (v instanceof Error ? { ...v, message: v.message, stack: v.stack, cause: v.cause } : v))}`;
    } catch {
      extra = ` ${String(details)}`;
    }
    logs.push(`${level} ${message}${extra}`);
  };
  const crawler = new Crawler(spider, {
    downloadHandlers: [httpHandler()],
    itemPipelines,
    settings: { logStatsInterval: 0 },
    logger: { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') },
  });
  const items: T[] = [];
  crawler.events.on('itemScraped', (item) => void items.push(item as T));
  const { reason, stats } = await crawler.crawl();
  return { reason, stats, items, logs };
}
