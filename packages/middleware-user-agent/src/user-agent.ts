import { defineDownloaderMiddleware, type Crawler, type DownloaderMiddleware } from '@crawl/core';
import { USER_AGENT_DEFAULTS, USER_AGENT_SETTING_DEFAULTS, checkUserAgent, resolveUserAgentOptions, type UserAgentOptions } from './options.js';

/**
 * Scrapy's UserAgentMiddleware: the spider's `userAgent` attribute, else the option, else the
 * `userAgent` setting, set as the User-Agent header of every request that does not carry one.
 */
export function userAgent(options?: UserAgentOptions): DownloaderMiddleware {
  const resolved = resolveUserAgentOptions(options);
  // Per crawler, so one middleware object shared by two crawlers still uses each spider's value.
  const byCrawler = new WeakMap<Crawler, string>();
  const forCrawler = (crawler: Crawler): string => {
    let value = byCrawler.get(crawler);
    if (value === undefined) {
      const fromSpider = crawler.spider.userAgent;
      if (fromSpider !== undefined) {
        checkUserAgent(fromSpider, `spider ${crawler.spider.name}: attribute "userAgent"`);
        value = fromSpider;
      } else if (resolved.userAgent !== undefined) {
        value = resolved.userAgent;
      } else {
        const fromSettings = crawler.settings.userAgent;
        if (fromSettings !== undefined) checkUserAgent(fromSettings, 'Setting userAgent');
        value = fromSettings ?? USER_AGENT_DEFAULTS.userAgent;
      }
      byCrawler.set(crawler, value);
    }
    return value;
  };
  return defineDownloaderMiddleware({
    name: '@crawl/middleware-user-agent',
    order: resolved.order,
    defaultSettings: USER_AGENT_SETTING_DEFAULTS,
    open(crawler) {
      forCrawler(crawler);
    },
    processRequest(request, crawler) {
      const value = forCrawler(crawler);
      if (value !== '') request.headers.setDefault('User-Agent', value);
      return undefined;
    },
    close(crawler) {
      byCrawler.delete(crawler);
    },
  });
}
