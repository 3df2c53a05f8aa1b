import { CrawlError, type CrawlErrorOptions } from '@crawl/core';

/**
 * Why a media download or its processing failed (Scrapy's FileException), with Scrapy's reason
 * labels: 'download-error' (status other than 200), 'empty-content', 'unknown-error' (the
 * download itself failed; `cause` says why), 'processing-error' (storing or converting failed).
 */
export class FileException extends CrawlError {
  static override readonly CODE: string = 'CRAWL_FILE';
  override readonly code: string = FileException.CODE;
  /** The media URL. */
  readonly url: string;
  readonly reason: string;

  constructor(url: string, reason: string, message: string, options?: CrawlErrorOptions) {
    super(message, options);
    this.url = url;
    this.reason = reason;
  }

  override get crawlErrorCodes(): readonly string[] {
    return [...super.crawlErrorCodes, FileException.CODE];
  }
}
