import { ConfigError, HtmlResponse, NotConfigured, type Crawler, type DownloaderMiddleware, type Logger, type Request, type Response } from '@crawl/core';
import { escapeAjax, hasEscapedFragment } from './escape-ajax.js';
import { hasAjaxCrawlableMeta } from './meta-fragment.js';
import { AJAX_CRAWL_DEFAULTS, isValidMaxSize, validateAjaxCrawlOptions, type AjaxCrawlOptions } from './options.js';

export interface AjaxCrawlMiddleware extends DownloaderMiddleware {
  readonly name: '@crawl/middleware-ajax-crawl';
  readonly defaultSettings: { readonly ajaxCrawlEnabled: boolean; readonly ajaxCrawlMaxSize: number };
  open(crawler: Crawler): void;
  processResponse(request: Request<any>, response: Response, crawler: Crawler): Request<any> | Response;
}

/**
 * Scrapy's AjaxCrawlMiddleware: when an HTML page declares `<meta name="fragment" content="!">`
 * (Google's retired AJAX crawling scheme), downloads its `?_escaped_fragment_=` form instead.
 */
export function ajaxCrawl(options?: AjaxCrawlOptions): AjaxCrawlMiddleware {
  const opts = validateAjaxCrawlOptions(options);
  const maxSizes = new WeakMap<Crawler, number>();
  const logs = new WeakMap<Crawler, Logger>();
  // Made once per crawl in open() (or on the first line if a test calls hooks without open()).
  const logFor = (crawler: Crawler): Logger => {
    let log = logs.get(crawler);
    if (log === undefined) logs.set(crawler, (log = crawler.logger.child('@crawl/middleware-ajax-crawl')));
    return log;
  };

  return {
    name: '@crawl/middleware-ajax-crawl',
    order: opts.order ?? AJAX_CRAWL_DEFAULTS.order,
    defaultSettings: { ajaxCrawlEnabled: AJAX_CRAWL_DEFAULTS.enabled, ajaxCrawlMaxSize: AJAX_CRAWL_DEFAULTS.maxSize },

    open(crawler) {
      const settings = crawler.settings;
      const enabled = opts.enabled ?? settings.ajaxCrawlEnabled ?? AJAX_CRAWL_DEFAULTS.enabled;
      if (!enabled) throw new NotConfigured('AJAX crawl is disabled (ajaxCrawlEnabled is false)');
      const maxSize = opts.maxSize ?? settings.ajaxCrawlMaxSize ?? AJAX_CRAWL_DEFAULTS.maxSize;
      if (!isValidMaxSize(maxSize)) throw new ConfigError(`Setting ajaxCrawlMaxSize must be a positive integer (bytes), got ${String(maxSize)}`);
      maxSizes.set(crawler, maxSize);
      logFor(crawler);
    },

    processResponse(request, response, crawler) {
      if (response.status !== 200 || request.method !== 'GET' || !(response instanceof HtmlResponse)) return response;
      // The rewritten request, or a URL that is already in the escaped form: never rewrite twice.
      if (request.meta.ajaxCrawlable === true || hasEscapedFragment(request.url)) return response;
      if (!hasAjaxCrawlableMeta(response.body, maxSizes.get(crawler) ?? AJAX_CRAWL_DEFAULTS.maxSize)) return response;
      const hash = request.url.indexOf('#');
      const url = escapeAjax(`${hash < 0 ? request.url : request.url.slice(0, hash)}#!`);
      const ajaxRequest = request.replace({ url, meta: { ...request.meta, ajaxCrawlable: true } });
      logFor(crawler).debug(`Downloading AJAX crawlable ${String(ajaxRequest)} instead of ${String(request)}`);
      return ajaxRequest;
    },
  };
}
