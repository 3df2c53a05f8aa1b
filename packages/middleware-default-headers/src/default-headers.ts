import { defineDownloaderMiddleware, type Crawler, type DownloaderMiddleware } from '@crawl/core';
import {
  DEFAULT_HEADERS_DEFAULTS,
  DEFAULT_HEADERS_SETTING_DEFAULTS,
  headerPairs,
  resolveDefaultHeadersOptions,
  type DefaultHeadersOptions,
  type HeaderPairs,
} from './options.js';

/**
 * Scrapy's DefaultHeadersMiddleware: sets each default header on requests that do not carry it
 * already (case-insensitively), so a header set on the request always wins. The headers come from
 * the `headers` option, else the `defaultRequestHeaders` setting.
 */
export function defaultHeaders(options?: DefaultHeadersOptions): DownloaderMiddleware {
  const resolved = resolveDefaultHeadersOptions(options);
  const byCrawler = new WeakMap<Crawler, HeaderPairs>();
  const forCrawler = (crawler: Crawler): HeaderPairs => {
    let pairs = byCrawler.get(crawler);
    if (pairs === undefined) {
      const setting = crawler.settings.defaultRequestHeaders;
      pairs = resolved.pairs ?? headerPairs(setting === undefined ? DEFAULT_HEADERS_DEFAULTS.headers : setting, 'Setting defaultRequestHeaders');
      byCrawler.set(crawler, pairs);
    }
    return pairs;
  };
  return defineDownloaderMiddleware({
    name: '@crawl/middleware-default-headers',
    order: resolved.order,
    defaultSettings: DEFAULT_HEADERS_SETTING_DEFAULTS,
    open(crawler) {
      forCrawler(crawler);
    },
    processRequest(request, crawler) {
      const headers = request.headers;
      for (const [name, value] of forCrawler(crawler)) headers.setDefault(name, value);
      return undefined;
    },
    close(crawler) {
      byCrawler.delete(crawler);
    },
  });
}
