declare module '@crawl/core' {
  interface RequestMeta {
    /** Index of the crawl rule that extracted this request's link (Scrapy's meta['rule']). */
    rule?: number;
    /** Text of the link this request follows (Scrapy's meta['link_text']). */
    linkText?: string;
  }
}
export {};
