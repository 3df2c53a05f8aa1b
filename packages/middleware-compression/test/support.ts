import type { ServerResponse } from 'node:http';
import { Request, type DownloaderMiddleware, type Failure, type Response } from '@crawl/core';
import { Crawler, type CrawlerOptions } from '@crawl/engine';
import { httpHandler } from '@crawl/http';
import { rssGrowthDuring as sampleRss } from '@crawl/testing';
import type { RouteHandler } from '@crawl/test-servers';

/** A route that answers with raw (already encoded) bytes and the given headers. */
export function encoded(body: Uint8Array, headers: Record<string, string | string[]>, status = 200): RouteHandler {
  return (_req, res: ServerResponse) => {
    res.writeHead(status, { ...headers, 'Content-Length': body.byteLength });
    res.end(body);
  };
}

export interface LogLine {
  readonly level: 'debug' | 'info' | 'warn' | 'error';
  readonly message: string;
}

export interface CrawlOutcome {
  readonly responses: Response[];
  readonly failures: Failure[];
  readonly logs: LogLine[];
  readonly stats: Record<string, unknown>;
  warnings(): string[];
}

/** One real crawl of `requests` through the engine, the undici handler and `middlewares`. */
export async function crawl(requests: Request<any>[], middlewares: DownloaderMiddleware[], settings: Record<string, unknown> = {}): Promise<CrawlOutcome> {
  const responses: Response[] = [];
  const failures: Failure[] = [];
  const logs: LogLine[] = [];
  const log = (level: LogLine['level']) => (message: string) => void logs.push({ level, message });
  const crawler = new Crawler(
    {
      name: 'compression-test',
      *start() {
        for (const r of requests) {
          const own = r.callback;
          yield r.replace({
            // A request's own callback still runs (after the response is recorded).
            callback: (response, kwargs) => {
              responses.push(response);
              return own?.(response, kwargs);
            },
            errback: (f) => void failures.push(f),
          });
        }
      },
      parse: () => undefined,
    },
    {
      downloadHandlers: [httpHandler()],
      downloaderMiddlewares: middlewares,
      settings: { logStatsInterval: 0, ...settings } as NonNullable<CrawlerOptions['settings']>,
      logger: { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') },
    },
  );
  const { stats } = await crawler.crawl();
  return { responses, failures, logs, stats, warnings: () => logs.filter((l) => l.level === 'warn').map((l) => l.message) };
}

/** RSS growth while `fn` runs, sampled every 2 ms (bombs expand fast). */
export function rssGrowthDuring<T>(fn: () => Promise<T>): Promise<{ growth: number; result: T }> {
  return sampleRss(fn, 2);
}

export { Request };
