declare module '@crawl/core' {
  interface RequestMeta {
    /** Skip the robots.txt check for this request (the robots.txt requests themselves carry it). */
    dontObeyRobotstxt?: boolean;
  }
  interface CrawlSettings {
    /** Scrapy's ROBOTSTXT_OBEY: when false the robots.txt middleware disables itself. */
    robotstxtObey: boolean;
    /** Scrapy's ROBOTSTXT_USER_AGENT: the token matched against User-agent lines ('' = from the request's User-Agent, else botName). */
    robotstxtUserAgent: string;
  }
  interface CrawlEventMap {
    /** A robots.txt was parsed; `sitemaps` are its Sitemap URLs that passed the host check (never empty). */
    robotsTxtSitemaps: [sitemaps: readonly string[], origin: string];
  }
}

export {};
