import { isRequest, type SpiderMiddleware } from '@crawl/core';
import { isAllowed, offsiteState, recordFiltered } from './offsite-policy.js';
import { BUILTIN_SPIDER_MIDDLEWARE_ORDERS, type MiddlewareOrderOptions } from './orders.js';

/**
 * Drops requests yielded by callbacks and start requests whose host is not one of the
 * spider's allowedDomains (or a subdomain). Requests that never pass through the spider
 * (redirects, middleware-made requests, crawler.download) are covered by
 * offsiteDownloaderMiddleware.
 */
export function offsiteMiddleware(options: MiddlewareOrderOptions = {}): SpiderMiddleware {
  return {
    name: 'offsite',
    order: options.order ?? BUILTIN_SPIDER_MIDDLEWARE_ORDERS.offsite,

    open(crawler) {
      offsiteState(crawler);
    },

    processSpiderOutput(result, _response, crawler) {
      if (!isRequest(result)) return result;
      const state = offsiteState(crawler);
      if (isAllowed(state, result)) return result;
      recordFiltered(state, result, crawler);
      return null;
    },
  };
}
