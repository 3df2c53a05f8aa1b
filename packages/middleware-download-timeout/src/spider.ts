declare module '@crawl/core' {
  interface Spider<I> {
    /** Seconds before a download of this spider gives up (Scrapy's `download_timeout` attribute); wins over the middleware option. */
    downloadTimeout?: number;
  }
}

export {};
