declare module '@crawl/core' {
  interface RequestMeta {
    /** Skip the HTTP cache for this request: neither served from nor stored in it (Scrapy's dont_cache). */
    dontCache?: boolean;
  }
}

export {};
