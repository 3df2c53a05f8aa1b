declare module '@crawl/core' {
  interface CrawlSettings {
    /** Scrapy's DOWNLOADER_STATS: when false the downloader-stats middleware disables itself. */
    downloaderStats: boolean;
  }
}

export {};
