import type { DownloaderMiddleware, Spider, SpiderMiddleware } from '@crawl/core';
import { Crawler } from '@crawl/engine';
import { httpHandler } from '@crawl/http';
import { loopbackLookup } from '@crawl/test-servers';

export interface RunResult {
  items: unknown[];
  stats: Record<string, unknown>;
  logs: { level: string; message: string; fields?: Record<string, unknown> }[];
}

/** A real crawl over loopback: httpHandler (a.test, b.test → 127.0.0.1), items collected by a pipeline, logs recorded. */
export async function run(
  spider: Spider<any>,
  opts: { spiderMiddlewares?: SpiderMiddleware[]; downloaderMiddlewares?: DownloaderMiddleware[]; settings?: Record<string, unknown> } = {},
): Promise<RunResult> {
  const items: unknown[] = [];
  const logs: RunResult['logs'] = [];
  const log = (level: string) => (message: string, fields?: Record<string, unknown>) => {
    logs.push(fields ? { level, message, fields } : { level, message });
  };
  const crawler = new Crawler(spider, {
    downloadHandlers: [httpHandler({ lookup: loopbackLookup({ 'a.test': '127.0.0.1', 'b.test': '127.0.0.1' }) as never })],
    spiderMiddlewares: opts.spiderMiddlewares ?? [],
    downloaderMiddlewares: opts.downloaderMiddlewares ?? [],
    itemPipelines: [{ name: 'collect', processItem: (item) => (items.push(item), item) }],
    logger: { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') },
    settings: { logLevel: 'debug', logStatsInterval: 0, ...opts.settings } as never,
  });
  const { stats } = await crawler.crawl();
  return { items, stats, logs };
}
