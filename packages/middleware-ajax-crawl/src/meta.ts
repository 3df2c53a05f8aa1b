declare module '@crawl/core' {
  interface RequestMeta {
    /** Set on the `_escaped_fragment_` request the ajax-crawl middleware makes, so it is not rewritten again. */
    ajaxCrawlable?: boolean;
  }
  interface CrawlSettings {
    /** Scrapy's AJAXCRAWL_ENABLED. */
    ajaxCrawlEnabled: boolean;
    /** Scrapy's AJAXCRAWL_MAXSIZE: bytes of the body searched for the meta tag. */
    ajaxCrawlMaxSize: number;
  }
}

export {};
