import { CrawlError, type CrawlErrorOptions } from '@crawl/core';

/**
 * An FTP store operation that failed: a refused login, a refused write, or a connection that
 * kept failing after the retries. Messages name the host and user, never the password.
 */
export class FtpStoreError extends CrawlError {
  static override readonly CODE: string = 'CRAWL_FTP_STORE';
  override readonly code: string = FtpStoreError.CODE;
  /** The server's reply code (530, 550, 421 …) when the server refused; undefined for network failures. */
  readonly ftpCode: number | undefined;

  constructor(message: string, ftpCode: number | undefined, options?: CrawlErrorOptions) {
    super(message, options);
    this.ftpCode = ftpCode;
  }

  override get crawlErrorCodes(): readonly string[] {
    return [...super.crawlErrorCodes, FtpStoreError.CODE];
  }
}
