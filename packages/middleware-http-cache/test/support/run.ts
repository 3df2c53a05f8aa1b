import { join } from 'node:path';
import { levelCacheStorage } from '@crawl/cache-leveldb';
import { lmdbCacheStorage } from '@crawl/cache-lmdb';
import { Request, type DownloaderMiddleware, type Failure, type Logger, type Response, type Spider, type StatValue } from '@crawl/core';
import { Crawler } from '@crawl/engine';
import { httpHandler } from '@crawl/http';
import { httpCache, type HttpCacheOptions } from '../../src/index.js';

/** The storages every end-to-end case runs against. */
export const STORAGES = ['fs', 'fs+gzip', 'lmdb', 'leveldb'] as const;
export type StorageKind = (typeof STORAGES)[number];

/** An httpCache over the given kind of storage rooted in `dir` (the same dir → the same cache). */
export function cacheIn(kind: StorageKind, dir: string, options: Omit<HttpCacheOptions, 'dir' | 'storage' | 'gzip'> = {}): DownloaderMiddleware {
  const { expirationSecs, ...rest } = options;
  const expiry = expirationSecs === undefined ? {} : { expirationSecs };
  switch (kind) {
    case 'fs':
      return httpCache({ ...rest, ...expiry, dir });
    case 'fs+gzip':
      return httpCache({ ...rest, ...expiry, dir, gzip: true });
    case 'lmdb':
      return httpCache({ ...rest, storage: lmdbCacheStorage({ path: join(dir, 'lmdb'), ...expiry }) });
    case 'leveldb':
      return httpCache({ ...rest, storage: levelCacheStorage({ path: join(dir, 'leveldb'), ...expiry }) });
  }
}

export interface PageItem {
  url: string;
  status: number;
  body: string;
  cached: boolean;
  flags: string[];
  date: string | undefined;
}

export interface RunResult {
  items: PageItem[];
  failures: Failure[];
  stats: Record<string, StatValue>;
  logs: string[];
}

export const quietLogger = (logs: string[]): Logger => ({
  debug: () => undefined,
  info: () => undefined,
  warn: (m) => void logs.push(`warn: ${m}`),
  error: (m) => void logs.push(`error: ${m}`),
  child: () => quietLogger(logs),
});

function item(response: Response): PageItem {
  return {
    url: response.url,
    status: response.status,
    body: Buffer.from(response.body).toString('utf8'),
    cached: response.flags.includes('cached'),
    flags: [...response.flags],
    date: response.headers.get('date'),
  };
}

/** A spider that fetches the given requests (and follows links when `follow`), yielding one item per response. */
export function pagesSpider(name: string, requests: () => Request[], follow = false): Spider<PageItem> & { failures: Failure[] } {
  const failures: Failure[] = [];
  return {
    name,
    failures,
    start() {
      return requests().map((r) => r.replace({ errback: (failure: Failure) => void failures.push(failure), dontFilter: true }));
    },
    *parse(response: Response) {
      yield item(response);
      if (follow && response.headers.get('content-type')?.startsWith('text/html')) {
        for (const r of response.followAll({ css: 'a' })) yield r;
      }
    },
  };
}

export async function run(spider: Spider<PageItem> & { failures: Failure[] }, middleware: DownloaderMiddleware): Promise<RunResult> {
  const logs: string[] = [];
  const items: PageItem[] = [];
  const crawler = new Crawler(spider, {
    downloadHandlers: [httpHandler()],
    downloaderMiddlewares: [middleware],
    logger: quietLogger(logs),
    settings: { logStatsInterval: 0, httpErrorAllowedCodes: [301, 304, 404, 500, 503] },
  });
  crawler.events.on('itemScraped', (i) => void items.push(i as PageItem));
  const { stats } = await crawler.crawl();
  items.sort((a, b) => a.url.localeCompare(b.url));
  return { items, failures: spider.failures.splice(0), stats, logs };
}

/** Only the httpcache/* stats, for exact comparisons. */
export function cacheStats(stats: Record<string, StatValue>): Record<string, StatValue> {
  return Object.fromEntries(Object.entries(stats).filter(([k]) => k.startsWith('httpcache/')));
}
