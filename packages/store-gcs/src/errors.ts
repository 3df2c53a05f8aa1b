import { CrawlError, type CrawlErrorOptions } from '@crawl/core';

/**
 * A GCS request the store made was refused or failed after its retries (missing bucket, no
 * permission, bad credentials, server error). Names the operation, bucket and object; never a secret.
 */
export class GcsStoreError extends CrawlError {
  static override readonly CODE: string = 'CRAWL_STORE_GCS';
  override readonly code: string = GcsStoreError.CODE;
  /** 'upload' or 'getMetadata'. */
  readonly operation: string;
  readonly bucket: string;
  readonly object: string;
  /** HTTP status of the last response, when there was one. */
  readonly status: number | undefined;

  constructor(init: { operation: string; bucket: string; object: string; status?: number | undefined }, message: string, options?: CrawlErrorOptions) {
    super(message, options);
    this.operation = init.operation;
    this.bucket = init.bucket;
    this.object = init.object;
    this.status = init.status;
  }

  override get crawlErrorCodes(): readonly string[] {
    return [...super.crawlErrorCodes, GcsStoreError.CODE];
  }
}
