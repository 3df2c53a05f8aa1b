import { IgnoreRequest, type DownloaderMiddleware } from '@crawl/core';
import { isAllowed, offsiteState, recordFiltered } from './offsite-policy.js';
import { OFFSITE_DOWNLOADER_MIDDLEWARE_ORDER, type MiddlewareOrderOptions } from './orders.js';

/**
 * The offsite check on every request that reaches the downloader, so that redirects,
 * middleware-made requests and crawler.download() calls to hosts outside allowedDomains
 * are dropped too (Scrapy 2.11.2's fix; security-advisories.md S18).
 */
export function offsiteDownloaderMiddleware(options: MiddlewareOrderOptions = {}): DownloaderMiddleware {
  return {
    name: 'offsiteDownloader',
    order: options.order ?? OFFSITE_DOWNLOADER_MIDDLEWARE_ORDER,

    open(crawler) {
      offsiteState(crawler);
    },

    processRequest(request, crawler) {
      const state = offsiteState(crawler);
      if (isAllowed(state, request)) return undefined;
      const host = recordFiltered(state, request, crawler);
      throw new IgnoreRequest(
        host === ''
          ? `Filtered offsite request ${request.url}: it has no host and allowedDomains is set`
          : `Filtered offsite request to '${host}': ${request.url} (host not in allowedDomains)`,
      );
    },
  };
}
