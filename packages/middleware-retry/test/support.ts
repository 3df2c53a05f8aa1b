import type { DownloaderMiddleware, Logger, Spider } from '@crawl/core';
import { Crawler } from '@crawl/engine';
import { httpHandler } from '@crawl/http';
import { loopbackLookup } from '@crawl/test-servers';

export interface Logged {
  level: string;
  message: string;
}

export function recordingLogger(into: Logged[]): Logger {
  const at = (level: string) => (message: string) => void into.push({ level, message });
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

/** A real Crawler over the undici handler; `a.test`/`b.test` resolve to the loopback servers. */
export function loopbackCrawler(spider: Spider<any>, middlewares: DownloaderMiddleware[], logs: Logged[] = []): Crawler {
  return new Crawler(spider, {
    downloadHandlers: [httpHandler({ lookup: loopbackLookup({ 'a.test': '127.0.0.1', 'b.test': '127.0.0.1' }) })],
    downloaderMiddlewares: middlewares,
    settings: { logLevel: 'debug', logStatsInterval: 0 },
    logger: recordingLogger(logs),
  });
}
