declare module '@crawl/core' {
  interface CrawlSettings {
    /** Watch the process's peak RSS (MEMUSAGE_ENABLED); the option wins. */
    memusageEnabled?: boolean;
    /** Close the crawl with reason `memusage_exceeded` above this peak RSS in MiB, 0 for never (MEMUSAGE_LIMIT_MB); the option wins. */
    memusageLimitMb?: number;
    /** Log a warning once above this peak RSS in MiB, 0 for never (MEMUSAGE_WARNING_MB); the option wins. */
    memusageWarningMb?: number;
    /** Seconds between checks (MEMUSAGE_CHECK_INTERVAL_SECONDS); the option wins. */
    memusageCheckIntervalSeconds?: number;
    /** Keep V8's heap lean while the crawl runs (not in Scrapy); the option wins. */
    memusageLeanHeap?: boolean;
  }
}

export {};
