import type { DownloadHandler, DownloaderMiddleware, ItemPipeline, Plugin } from '@crawl/core';
import { httpHandler } from '@crawl/http';
import { memusage } from '@crawl/memusage';
import { ajaxCrawl } from '@crawl/middleware-ajax-crawl';
import { compression } from '@crawl/middleware-compression';
import { cookies } from '@crawl/middleware-cookies';
import { defaultHeaders } from '@crawl/middleware-default-headers';
import { downloadTimeout } from '@crawl/middleware-download-timeout';
import { httpAuth } from '@crawl/middleware-http-auth';
import { proxy } from '@crawl/middleware-proxy';
import { metaRefresh, redirect } from '@crawl/middleware-redirect';
import { retry } from '@crawl/middleware-retry';
import { robotsTxt } from '@crawl/middleware-robotstxt';
import { downloaderStats } from '@crawl/middleware-stats';
import { userAgent } from '@crawl/middleware-user-agent';

/**
 * The plugins the CLI uses unless a project's config says `defaultPlugins: false`: Scrapy's
 * DOWNLOADER_MIDDLEWARES_BASE, each from its own package, with Scrapy's orders. A library user
 * gets exactly what they pass to `new Crawler()`; the CLI is an application and offers this set.
 * Each middleware reads its settings (robotstxtObey, retryTimes, cookiesEnabled, ajaxCrawlEnabled, …)
 * and disables itself (NotConfigured) when they say so or when it has nothing to do (http auth
 * without credentials).
 */
export interface DefaultPlugins {
  downloadHandlers: DownloadHandler[];
  downloaderMiddlewares: DownloaderMiddleware[];
  itemPipelines: ItemPipeline<any, any>[];
  /** Scrapy's default extensions that live in their own packages: memusage (with a lean V8 heap). */
  extensions: Plugin[];
}

export function defaultPlugins(): DefaultPlugins {
  return {
    downloadHandlers: [httpHandler()],
    downloaderMiddlewares: [
      robotsTxt(), // 100
      httpAuth(), // 300
      downloadTimeout(), // 350
      defaultHeaders(), // 400
      userAgent(), // 500
      retry(), // 550
      ajaxCrawl(), // 560
      metaRefresh(), // 580
      compression(), // 590
      redirect(), // 600
      cookies(), // 700
      proxy(), // 750
      downloaderStats(), // 850
    ],
    itemPipelines: [],
    extensions: [memusage()],
  };
}
