/** Scrapy's SPIDER_MIDDLEWARES_BASE orders (offsite kept as a spider middleware at 500). */
export const BUILTIN_SPIDER_MIDDLEWARE_ORDERS: Readonly<{
  httpError: 50;
  offsite: 500;
  referer: 700;
  urlLength: 800;
  depth: 900;
}> = Object.freeze({ httpError: 50, offsite: 500, referer: 700, urlLength: 800, depth: 900 } as const);

/** Scrapy's DOWNLOADER_MIDDLEWARES_BASE order for the offsite downloader middleware. */
export const OFFSITE_DOWNLOADER_MIDDLEWARE_ORDER = 50 as const;

export interface MiddlewareOrderOptions {
  /** Position in the chain; defaults to Scrapy's. */
  order?: number;
}
