import { Request, type CrawlSettings, type Logger, type Response, type Spider } from '@crawl/core';
import { Crawler, type CrawlerOptions } from '@crawl/engine';

export interface FetchOutcome {
  readonly request: Request<any>;
  readonly response: Response | undefined;
  readonly error: unknown;
}

/**
 * Downloads one request through the given plugins (downloader middlewares included), with every
 * HTTP status handed back rather than filtered: what `fetch`, `shell` and `check` need.
 */
export async function fetchOnce(
  target: string | Request<any>,
  options: { plugins: CrawlerOptions; overrides?: Partial<CrawlSettings>; logger: Logger; spider?: Spider<any> },
): Promise<FetchOutcome> {
  const base = typeof target === 'string' ? new Request(target, { dontFilter: true }) : target;
  let response: Response | undefined;
  let error: unknown;
  const request = base.replace({
    meta: { ...base.meta, handleHttpstatusAll: true },
    callback: (r: Response) => {
      response = r;
    },
    errback: (failure) => {
      error = failure.error;
    },
    dontFilter: true,
  });
  const spider: Spider<any> = Object.assign(Object.create(options.spider ?? null) as Spider<any>, {
    name: options.spider?.name ?? 'fetch',
    *start() {
      yield request;
    },
    parse() {},
  });
  const crawler = new Crawler(spider, {
    ...options.plugins,
    overrides: { logStatsInterval: 0, ...options.plugins.overrides, ...options.overrides },
    logger: options.logger,
  });
  await crawler.crawl();
  return { request, response, error };
}
