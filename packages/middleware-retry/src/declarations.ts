declare module '@crawl/core' {
  interface RequestMeta {
    /** Never retry this request (Scrapy's `dont_retry`). */
    dontRetry?: boolean;
    /** Retries allowed for this request, instead of the middleware's `times` (Scrapy's `max_retry_times`). */
    maxRetryTimes?: number;
  }
  interface CrawlSettings {
    /** Retries after the first download (Scrapy's RETRY_TIMES); the retry() option wins. */
    retryTimes?: number;
    /** Statuses to retry (RETRY_HTTP_CODES); the retry() option wins. */
    retryHttpCodes?: readonly number[];
    /** Added to a retried request's priority (RETRY_PRIORITY_ADJUST); the retry() option wins. */
    retryPriorityAdjust?: number;
  }
  interface RequestInternal {
    /**
     * Retries so far (Scrapy's `retry_times`). Kept out of `meta` so a request built from
     * `response.meta` starts with a full retry budget.
     */
    retryTimes?: number;
  }
}

export {};
