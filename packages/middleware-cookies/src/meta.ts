/** Which jar a request uses: Scrapy's `cookiejar` meta key (any string or number; absent = the default jar). */
export type CookieJarKey = string | number;

/** What the middleware remembers about the Cookie header it wrote, so a later hop can tell it from a hand-set one. */
export interface CookieHeaderRecord {
  /** The exact header value the middleware set. */
  readonly sent: string;
  /** The hand-set part it kept, if any. */
  readonly handSet: string | undefined;
  /** Hostname the hand-set part was first seen on. */
  readonly host: string;
  /** Whether that first request was https. */
  readonly secure: boolean;
}

declare module '@crawl/core' {
  interface RequestMeta {
    /** Selects a cookie jar: requests with the same key share cookies; the default jar has no key. */
    cookiejar?: CookieJarKey;
    /** Neither send cookies from the jar nor store cookies from the response (a hand-set Cookie header is left alone). */
    dontMergeCookies?: boolean;
  }
  interface RequestInternal {
    /** Set by the cookies middleware on every request it writes a Cookie header for. */
    cookieHeader?: CookieHeaderRecord;
    /**
     * The `request.cookies` value already merged into the jar. A copy made with replace() (a
     * redirect or retry) carries the same value and is not merged again, so request cookies
     * never reach another host through a later hop.
     */
    cookiesMerged?: unknown;
  }
  interface CrawlSettings {
    /** Scrapy's COOKIES_ENABLED. */
    cookiesEnabled: boolean;
    /** Scrapy's COOKIES_DEBUG: log every Cookie sent and Set-Cookie received. */
    cookiesDebug: boolean;
  }
}
