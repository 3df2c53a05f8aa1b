declare module '@crawl/core' {
  interface RequestMeta {
    /** Leave the slot's delay alone after this response (Scrapy's `autothrottle_dont_adjust_delay`). */
    autothrottleDontAdjustDelay?: boolean;
  }
  interface CrawlSettings {
    /** Initial delay of each slot, in seconds (AUTOTHROTTLE_START_DELAY); the option wins. */
    autothrottleStartDelay?: number;
    /** Highest delay, in seconds (AUTOTHROTTLE_MAX_DELAY); the option wins. */
    autothrottleMaxDelay?: number;
    /** Requests to have in flight per remote server on average (AUTOTHROTTLE_TARGET_CONCURRENCY); the option wins. */
    autothrottleTargetConcurrency?: number;
    /** Log every adjustment (AUTOTHROTTLE_DEBUG); the option wins. */
    autothrottleDebug?: boolean;
  }
}

export {};
