// Declaration merging: importing this package types these keys on every Request's meta and on
// the crawl settings, while @crawl/core itself knows nothing about them.
declare module '@crawl/core' {
  interface RequestMeta {
    /**
     * `false`: leave this request's headers alone. A number: use that profile (its index in the
     * `profiles` option) whatever the rotation would pick, e.g. to keep one identity for a login.
     */
    headerProfile?: number | false;
  }
  interface CrawlSettings {
    /** False disables the header rotation middleware for the crawl (like Scrapy's `*_ENABLED` settings). */
    headerRotationEnabled: boolean;
  }
}

export {};
