declare module '@crawl/core' {
  interface Spider<I> {
    /** The User-Agent for this spider's requests (Scrapy's `user_agent` attribute); wins over the option and the setting. */
    userAgent?: string;
  }
  interface CrawlSettings {
    /** The User-Agent for requests that have none (Scrapy's USER_AGENT); the option and the spider attribute win. */
    userAgent?: string;
  }
}

export {};
