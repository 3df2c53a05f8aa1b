import { isRequest, NotConfigured, type Crawler, type SpiderMiddleware } from '@crawl/core';
import { BUILTIN_SPIDER_MIDDLEWARE_ORDERS, type MiddlewareOrderOptions } from './orders.js';
import { componentLog } from './component-log.js';
import { intSetting } from './settings.js';

/** Scrapy's UrlLengthMiddleware: drops requests whose URL is longer than urlLengthLimit. */
export function urlLengthMiddleware(options: MiddlewareOrderOptions = {}): SpiderMiddleware {
  const limits = new WeakMap<Crawler, number>();
  const limitFor = (crawler: Crawler): number => {
    let limit = limits.get(crawler);
    if (limit === undefined) {
      limit = intSetting(crawler, 'urlLengthLimit');
      limits.set(crawler, limit);
    }
    return limit;
  };

  return {
    name: 'urlLength',
    order: options.order ?? BUILTIN_SPIDER_MIDDLEWARE_ORDERS.urlLength,

    open(crawler) {
      limits.delete(crawler);
      if (limitFor(crawler) === 0) throw new NotConfigured('urlLength middleware disabled: urlLengthLimit is 0');
    },

    // Start requests are checked too, as in Scrapy 2.13+ (BaseSpiderMiddleware.process_start).
    processSpiderOutput(result, _response, crawler) {
      if (!isRequest(result)) return result;
      const limit = limitFor(crawler);
      if (limit === 0 || result.url.length <= limit) return result;
      componentLog(crawler, 'url-length').info(`Ignoring link (url length > ${limit}): ${result.url}`, { limit, length: result.url.length });
      crawler.stats.inc('urllength/request_ignored_count');
      return null;
    },
  };
}
