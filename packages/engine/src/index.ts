import './meta.js';

export { Crawler, crawl, type CrawlerOptions, type CrawlResult } from './crawler.js';
export { DEFAULT_SETTINGS, CALLBACK_OUTPUT_MODES } from './settings.js';
export { DISCARDED_OUTPUT_STAT } from './scraper.js';
export { resolveSettings, SettingsRegistry } from './settings-resolve.js';
export { memoryScheduler, PriorityQueue, fingerprintDupeFilter, diskScheduler, DISK_SCHEDULER_DEFAULTS } from './scheduler/index.js';
export type { DiskScheduler, DiskSchedulerOptions, JobScheduler, StartProgress } from './scheduler/index.js';
export { spiderState, JOB_SCHEMA_VERSION } from './jobdir/index.js';
export type { MemoryScheduler, MemorySchedulerOptions, QueueOrder, DupeFilter, FingerprintDupeFilterOptions } from './scheduler/index.js';
export { adaptLogger, consoleLogger, countingLogger, ENGINE_COMPONENT, formatStats, type ConsoleLoggerOptions, type LoggerLike, type LogLevel } from './logger.js';
export { EventBus } from './events.js';
export { MemoryStats } from './stats.js';
export { Downloader } from './downloader/downloader.js';
export { Slot } from './downloader/slot.js';
export { DownloaderMiddlewareChain, type DownloadFunction } from './downloader/middleware-chain.js';
export { SpiderMiddlewareChain } from './spider-middleware-chain.js';
export { logStats } from './log-stats.js';
export { closeSpider } from './close-spider.js';
export {
  offsiteMiddleware,
  offsiteDownloaderMiddleware,
  depthMiddleware,
  httpErrorMiddleware,
  refererMiddleware,
  urlLengthMiddleware,
  defaultSpiderMiddlewares,
  BUILTIN_SPIDER_MIDDLEWARE_ORDERS,
  OFFSITE_DOWNLOADER_MIDDLEWARE_ORDER,
  REFERRER_POLICY_NAMES,
  type ReferrerPolicyName,
  type MiddlewareOrderOptions,
} from './spidermw/index.js';
export { feedExports, fileFeedStorage, parseFeedUri, renderFeedUri, FEED_FORMATS, loadFeedStore, type FeedStoreResolver, type FeedExportsOptions, type FeedOptions, type FeedsSetting, type FeedFormat, type FeedStorage, type FeedStorageFactory } from './feeds/index.js';
