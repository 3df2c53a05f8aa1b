import { CrawlError, type CrawlErrorOptions } from '@crawl/core';

/**
 * An S3 request the store made was refused or failed after its retries (missing bucket, bad
 * credentials, no permission, server error). Names the operation, bucket and key; never a secret.
 */
export class S3StoreError extends CrawlError {
  static override readonly CODE: string = 'CRAWL_STORE_S3';
  override readonly code: string = S3StoreError.CODE;
  /** 'PutObject', 'HeadObject', 'Upload' (multipart). */
  readonly operation: string;
  readonly bucket: string;
  readonly key: string;
  /** HTTP status of the last response, when there was one. */
  readonly status: number | undefined;
  /** S3's error code (NoSuchBucket, AccessDenied, InvalidAccessKeyId…), when there was one. */
  readonly s3Code: string | undefined;

  constructor(
    init: { operation: string; bucket: string; key: string; status?: number | undefined; s3Code?: string | undefined },
    message: string,
    options?: CrawlErrorOptions,
  ) {
    super(message, options);
    this.operation = init.operation;
    this.bucket = init.bucket;
    this.key = init.key;
    this.status = init.status;
    this.s3Code = init.s3Code;
  }

  override get crawlErrorCodes(): readonly string[] {
    return [...super.crawlErrorCodes, S3StoreError.CODE];
  }
}
