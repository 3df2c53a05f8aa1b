declare module '@crawl/core' {
  interface CrawlSettings {
    /** Headers set on every request that lacks them (Scrapy's DEFAULT_REQUEST_HEADERS); the `headers` option wins. */
    defaultRequestHeaders?: Readonly<Record<string, string | null>>;
  }
}

export {};
