// Per-request switches read by the built-in spider middlewares (Scrapy's meta keys, camelCased).
// depth, handleHttpstatusList, handleHttpstatusAll and referrerPolicy are declared with the
// engine's other meta keys in src/meta.ts; the middlewares here read them defensively, as
// meta is user data.
declare module '@crawl/core' {
  interface RequestMeta {
    /** Let this request through the offsite checks although its host is not in allowedDomains. */
    allowOffsite?: boolean;
  }
}

export {};
