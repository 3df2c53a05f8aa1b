import type { CrawlSettings } from '@crawl/core';
import type { FeedsSetting } from './feeds/options.js';

declare module '@crawl/core' {
  interface CrawlSettings {
    /** 'lifo' = Scrapy's default depth-first order within a priority; 'fifo' = breadth-first. */
    schedulerQueue: 'lifo' | 'fifo';
    /** Log every filtered duplicate, not just the first. */
    dupefilterDebug: boolean;
    /** Maximum request depth; 0 = unlimited. */
    depthLimit: number;
    /** Priority adjustment per depth level (positive = breadth-first bias). */
    depthPriority: number;
    /** Count requests per depth in stats (request_depth_count/<n>). */
    depthStatsVerbose: boolean;
    /** Non-2xx statuses passed to callbacks for every request. */
    httpErrorAllowedCodes: number[];
    /** Pass every response to callbacks whatever its status. */
    httpErrorAllowAll: boolean;
    refererEnabled: boolean;
    /** A W3C referrer policy name or 'scrapy-default'. */
    referrerPolicy: string;
    /** Requests with longer URLs are dropped by the urlLength middleware. */
    urlLengthLimit: number;
    /** Feed exports: items written to each path in the given format. */
    feeds: FeedsSetting;
    /** Bytes of responses being processed by callbacks before the engine stops pulling requests. */
    scraperSlotMaxActiveSize: number;
    /** Folder that keeps a pausable job (pending requests, seen fingerprints, spider.state); '' = none. */
    jobDir: string;
    /**
     * 'stream' (Scrapy's behaviour): each element a callback/errback yields is processed at once, so
     * items yielded before a throw are exported. 'atomic': elements are buffered and processed only
     * once the callback finished without throwing; on a throw they are all discarded.
     */
    callbackOutput: 'stream' | 'atomic';
  }
}

/** Values of settings.callbackOutput and meta.callbackOutput. */
export const CALLBACK_OUTPUT_MODES = Object.freeze(['stream', 'atomic'] as const);

/** Scrapy's defaults, camelCased. Times are seconds, sizes bytes. */
export const DEFAULT_SETTINGS: Readonly<CrawlSettings> = Object.freeze({
  botName: 'crawlbot',
  concurrentRequests: 16,
  concurrentRequestsPerDomain: 8,
  concurrentRequestsPerIp: 0,
  downloadDelay: 0,
  randomizeDownloadDelay: true,
  downloadTimeout: 180,
  downloadMaxSize: 1073741824,
  downloadWarnSize: 33554432,
  downloadFailOnDataloss: true,
  concurrentItems: 100,
  logLevel: 'info',
  logStatsInterval: 60,
  closespiderItemcount: 0,
  closespiderPagecount: 0,
  closespiderTimeout: 0,
  closespiderErrorcount: 0,
  schedulerQueue: 'lifo',
  dupefilterDebug: false,
  depthLimit: 0,
  depthPriority: 0,
  depthStatsVerbose: false,
  httpErrorAllowedCodes: Object.freeze([]) as unknown as number[],
  httpErrorAllowAll: false,
  refererEnabled: true,
  referrerPolicy: 'scrapy-default',
  urlLengthLimit: 2083,
  feeds: Object.freeze({}),
  scraperSlotMaxActiveSize: 5000000,
  jobDir: '',
  callbackOutput: 'stream',
} satisfies CrawlSettings) as Readonly<CrawlSettings>;
