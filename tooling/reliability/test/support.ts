import type { DownloaderMiddleware, ItemPipeline, Logger, Spider } from '@crawl/core';
import { defaultPlugins } from '@crawl/cli';
import { Crawler } from '@crawl/engine';
import { httpHandler } from '@crawl/http';
import { loopbackLookup } from '@crawl/test-servers';

export interface Logged {
  level: string;
  message: string;
}

/** Keeps every line (or only warn and error when `quiet`: a 10,000-page crawl logs a lot). */
export function recordingLogger(into: Logged[], quiet = false): Logger {
  const keep = (level: string) => (message: string) => void into.push({ level, message });
  const drop = () => undefined;
  const logger: Logger = { debug: quiet ? drop : keep('debug'), info: quiet ? drop : keep('info'), warn: keep('warn'), error: keep('error'), child: () => logger };
  return logger;
}

export interface CrawlerSetup {
  settings?: Record<string, unknown>;
  itemPipelines?: ItemPipeline<any, any>[];
  logs?: Logged[];
  quiet?: boolean;
  /** Replaces one of the CLI's default middlewares by name (an option-configured http auth, say). */
  replace?: DownloaderMiddleware[];
  /** Added to the default middlewares (a proxy rotator, say). */
  extraMiddlewares?: DownloaderMiddleware[];
  hosts?: Record<string, string>;
  handlerOptions?: Parameters<typeof httpHandler>[0];
}

/**
 * A real Crawler as the CLI builds it: `defaultPlugins()` (robots, auth, timeout, headers, UA, retry,
 * ajax, meta refresh, compression, redirect, cookies, proxy, stats), with an undici handler whose
 * lookup sends `a.test`, `b.test`, … to loopback.
 */
export function defaultCrawler(spider: Spider<any>, setup: CrawlerSetup = {}): Crawler {
  const plugins = defaultPlugins();
  const replaced = new Map((setup.replace ?? []).map((m) => [m.name, m]));
  return new Crawler(spider, {
    downloadHandlers: [httpHandler({ lookup: loopbackLookup({ 'a.test': '127.0.0.1', 'b.test': '127.0.0.2', 'c.test': '127.0.0.3', ...setup.hosts }), ...setup.handlerOptions })],
    downloaderMiddlewares: [...plugins.downloaderMiddlewares.map((m) => replaced.get(m.name) ?? m), ...(setup.extraMiddlewares ?? [])],
    itemPipelines: setup.itemPipelines ?? [],
    settings: { logLevel: 'debug', logStatsInterval: 0, ...setup.settings },
    logger: recordingLogger(setup.logs ?? [], setup.quiet),
  });
}

/** An item pipeline that keeps what reaches it. */
export function collect<T>(into: T[]): ItemPipeline<T, T> {
  return { name: 'collect', order: 1000, processItem: (item: T) => (into.push(item), item) } as ItemPipeline<T, T>;
}
