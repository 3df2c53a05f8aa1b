import { defineDownloaderMiddleware, type Crawler, type DownloaderMiddleware } from '@crawl/core';
import { checkTimeout, resolveDownloadTimeoutOptions, type DownloadTimeoutOptions } from './options.js';
import './spider.js';

/**
 * Scrapy's DownloadTimeoutMiddleware: puts the crawl's timeout in `meta.downloadTimeout` unless the
 * request already has one there. Source, highest first: the spider's `downloadTimeout` attribute,
 * the `timeout` option, the `downloadTimeout` setting.
 */
export function downloadTimeout(options?: DownloadTimeoutOptions): DownloaderMiddleware {
  const resolved = resolveDownloadTimeoutOptions(options);
  // Per crawler: the fallback is that crawl's setting, and each crawler has its own spider.
  const byCrawler = new WeakMap<Crawler, number>();
  const forCrawler = (crawler: Crawler): number => {
    let value = byCrawler.get(crawler);
    if (value === undefined) {
      const fromSpider = crawler.spider.downloadTimeout;
      if (fromSpider !== undefined) checkTimeout(fromSpider, `spider ${crawler.spider.name}: attribute "downloadTimeout"`);
      value = fromSpider ?? resolved.timeout ?? crawler.settings.downloadTimeout;
      byCrawler.set(crawler, value);
    }
    return value;
  };
  return defineDownloaderMiddleware({
    name: '@crawl/middleware-download-timeout',
    order: resolved.order,
    open(crawler) {
      forCrawler(crawler);
    },
    processRequest(request, crawler) {
      if (request.meta.downloadTimeout === undefined) request.meta.downloadTimeout = forCrawler(crawler);
      return undefined;
    },
    close(crawler) {
      byCrawler.delete(crawler);
    },
  });
}
