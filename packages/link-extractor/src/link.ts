/** One extracted link, as Scrapy's `scrapy.link.Link`. */
export interface Link {
  /** Absolute URL (fragment included, as in Scrapy). */
  readonly url: string;
  /** Text content of the link element (all descendant text, not trimmed, as Scrapy's `string()`). */
  readonly text: string;
  /** The part of the URL after `#`, without the `#` ('' when none). */
  readonly fragment: string;
  /** Whether the element's `rel` contains `nofollow`. */
  readonly nofollow: boolean;
}
