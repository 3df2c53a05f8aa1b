declare module '@crawl/core' {
  interface RequestMeta {
    /** Don't follow redirects or meta refreshes for this request (Scrapy's dont_redirect). */
    dontRedirect?: boolean;
    /** URLs this request went through before its current URL, oldest first. Set by the redirect middlewares. */
    redirectUrls?: readonly string[];
    /** Why each hop of redirectUrls happened: the status code, or 'meta refresh'. Set by the redirect middlewares. */
    redirectReasons?: readonly (number | 'meta refresh')[];
    /** Number of redirects followed so far (informational; the middlewares count in request.internal). */
    redirectTimes?: number;
  }

  interface RequestInternal {
    /** Redirects followed so far: the budget that redirectMaxTimes limits. Never copied by response.meta. */
    redirectTimes?: number;
  }

  interface CrawlSettings {
    /** Redirects (and meta refreshes) followed per request at most (Scrapy's REDIRECT_MAX_TIMES). */
    redirectMaxTimes?: number;
    /** Added to a request's priority on each redirect hop (REDIRECT_PRIORITY_ADJUST). */
    redirectPriorityAdjust?: number;
    /** Longest meta refresh delay followed, in seconds (METAREFRESH_MAXDELAY). */
    metaRefreshMaxDelay?: number;
    /** Meta refreshes inside these elements are ignored (METAREFRESH_IGNORE_TAGS). */
    metaRefreshIgnoreTags?: readonly string[];
  }
}

export {};
