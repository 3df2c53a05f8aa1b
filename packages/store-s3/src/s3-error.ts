import { CrawlError } from '@crawl/core';
import { S3StoreError } from './errors.js';

interface SdkErrorShape {
  name?: unknown;
  Code?: unknown;
  message?: unknown;
  $metadata?: { httpStatusCode?: unknown };
}

/** HTTP status of an SDK error, if the server answered. */
export function sdkStatus(error: unknown): number | undefined {
  const status = (error as SdkErrorShape | null)?.$metadata?.httpStatusCode;
  return typeof status === 'number' ? status : undefined;
}

const HINTS: Readonly<Record<string, string>> = {
  NoSuchBucket: 'the bucket does not exist',
  AccessDenied: 'the credentials may not write there',
  InvalidAccessKeyId: 'the access key id is unknown',
  SignatureDoesNotMatch: 'the secret key is wrong',
  CredentialsProviderError: 'no credentials found: pass credentials or set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY (or a profile)',
};

/**
 * Wraps what the SDK threw into an S3StoreError naming the operation, bucket and key. The message
 * holds S3's error code and message only: SDK errors can carry request details, never worth a log line.
 */
export function toS3StoreError(error: unknown, operation: string, bucket: string, key: string): CrawlError {
  if (error instanceof CrawlError) return error;
  const e = (error ?? {}) as SdkErrorShape;
  const status = sdkStatus(error);
  const s3Code = typeof e.Code === 'string' ? e.Code : typeof e.name === 'string' ? e.name : undefined;
  const detail = typeof e.message === 'string' && e.message !== '' ? e.message : String(error);
  const hint = s3Code !== undefined ? HINTS[s3Code] : undefined;
  const message =
    `S3 ${operation} of s3://${bucket}/${key} failed: ${s3Code ?? 'Error'}: ${detail}` +
    (status !== undefined ? ` (HTTP ${status})` : '') +
    (hint !== undefined ? `; ${hint}` : '');
  return new S3StoreError({ operation, bucket, key, status, s3Code }, message, { cause: error });
}
