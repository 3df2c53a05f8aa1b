import { HtmlResponse, type Crawler, type DownloaderMiddleware } from '@crawl/core';
import { findMetaRefresh } from './find-refresh.js';
import { followRedirect } from './hop.js';
import { isFollowableScheme } from './location.js';
import {
  checkMetaRefreshOptions,
  META_REFRESH_COMPONENT,
  META_REFRESH_SETTING_DEFAULTS,
  resolveMetaRefreshConfig,
  type MetaRefreshConfig,
  type MetaRefreshOptions,
} from './options.js';

/**
 * Scrapy's MetaRefreshMiddleware: follows `<meta http-equiv="refresh" content="N; url=…">` in
 * HTML responses when N is at most `maxDelay`, ignoring refreshes inside `ignoreTags`. The hop
 * is a GET and counts against the same budget, meta keys and security rules as redirect().
 */
export function metaRefresh(options: MetaRefreshOptions = {}): DownloaderMiddleware {
  const order = checkMetaRefreshOptions(options);
  const configs = new WeakMap<Crawler, MetaRefreshConfig>();
  const configFor = (crawler: Crawler): MetaRefreshConfig => {
    let config = configs.get(crawler);
    if (config === undefined) configs.set(crawler, (config = resolveMetaRefreshConfig(options, crawler)));
    return config;
  };

  return {
    name: META_REFRESH_COMPONENT,
    order,
    defaultSettings: META_REFRESH_SETTING_DEFAULTS,

    open(crawler) {
      configs.set(crawler, resolveMetaRefreshConfig(options, crawler));
    },

    processResponse(request, response, crawler) {
      if (!(response instanceof HtmlResponse) || request.method === 'HEAD' || request.meta.dontRedirect) return response;
      const config = configFor(crawler);
      const refresh = findMetaRefresh(response, config.ignoreTags);
      if (refresh?.url === undefined || refresh.delay > config.maxDelay) return response;
      let target: URL;
      try {
        target = new URL(response.urljoin(refresh.url));
      } catch {
        config.log.warn(`Not following meta refresh on ${response.url}: unusable URL ${JSON.stringify(refresh.url)}`, {
          url: response.url,
          location: refresh.url,
        });
        return response;
      }
      if (!isFollowableScheme(target)) {
        config.log.debug(`Not following meta refresh on ${response.url} to ${target.protocol} URL ${target.href}: only http and https are followed`, {
          url: response.url,
          location: target.href,
        });
        return response;
      }
      return followRedirect(request, target, true, 'meta refresh', config, crawler);
    },
  };
}
