import { errorLabel, NotConfigured, type Crawler, type DownloaderMiddleware, type Request, type Response } from '@crawl/core';
import { DOWNLOADER_STATS_DEFAULTS, validateDownloaderStatsOptions, type DownloaderStatsOptions } from './options.js';
import { requestBytes, responseBytes } from './sizes.js';
import { countStreamedBody } from './streamed-body.js';

export interface DownloaderStatsMiddleware extends DownloaderMiddleware {
  readonly name: '@crawl/middleware-stats';
  readonly defaultSettings: { readonly downloaderStats: boolean };
  open(crawler: Crawler): void;
  processRequest(request: Request<any>, crawler: Crawler): void;
  processResponse(request: Request<any>, response: Response, crawler: Crawler): Response;
  processException(request: Request<any>, error: unknown, crawler: Crawler): void;
}

/**
 * Scrapy's DownloaderStats: counts requests, responses and exceptions that pass through the
 * downloader, by method, status and error type, and their sizes in bytes, under Scrapy's keys.
 */
export function downloaderStats(options?: DownloaderStatsOptions): DownloaderStatsMiddleware {
  const opts = validateDownloaderStatsOptions(options);
  return {
    name: '@crawl/middleware-stats',
    order: opts.order ?? DOWNLOADER_STATS_DEFAULTS.order,
    defaultSettings: { downloaderStats: DOWNLOADER_STATS_DEFAULTS.enabled },

    open(crawler) {
      const enabled = opts.enabled ?? crawler.settings.downloaderStats ?? DOWNLOADER_STATS_DEFAULTS.enabled;
      if (!enabled) throw new NotConfigured('downloader stats are disabled (downloaderStats is false)');
    },

    processRequest(request, crawler) {
      const stats = crawler.stats;
      stats.inc('downloader/request_count');
      stats.inc(`downloader/request_method_count/${request.method}`);
      stats.inc('downloader/request_bytes', requestBytes(request));
    },

    processResponse(_request, response, crawler) {
      const stats = crawler.stats;
      stats.inc('downloader/response_count');
      stats.inc(`downloader/response_status_count/${response.status}`);
      stats.inc('downloader/response_bytes', responseBytes(response));
      // A streamed body is counted as it is read (compressed, like a buffered one at this order).
      if (response.bodyStream !== undefined) return countStreamedBody(response, stats);
      return response;
    },

    processException(_request, error, crawler) {
      const stats = crawler.stats;
      stats.inc('downloader/exception_count');
      stats.inc(`downloader/exception_type_count/${errorLabel(error)}`);
    },
  };
}
