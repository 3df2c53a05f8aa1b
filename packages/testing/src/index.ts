export { fakeCrawler, type FakeCrawler, type FakeCrawlerOptions, type LogEntry } from './fake-crawler.js';
export { fakeDownloadHandler, type FakeDownloadHandler, type FakeReply, type FakeRoute } from './fake-handler.js';
export { testCrawler, debugLogger, type TestCrawlerOptions, type TestCrawlResult } from './test-crawler.js';
export { testScheduler, type SchedulerSuiteOptions } from './scheduler-suite.js';
export { testFilesStore, type FilesStoreSuiteOptions } from './files-store-suite.js';
export { testCacheStorage } from './cache-storage-suite.js';
export { testDownloaderMiddleware } from './downloader-middleware-suite.js';
export { loopbackCrawlerWith, type LookupFunction } from './loopback-crawler.js';
export { recordingLogger } from './recording-logger.js';
