import { CrawlError } from '@crawl/core';
import { GcsStoreError } from './errors.js';

/** HTTP status of a client error (ApiError.code), if the server answered. */
export function apiStatus(error: unknown): number | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'number' && code >= 100 && code < 600 ? code : undefined;
}

function hint(status: number | undefined, message: string): string | undefined {
  if (status === 404) return 'does the bucket exist?';
  if (status === 401) return 'the credentials were refused';
  if (status === 403) return 'the credentials may not write there';
  if (/default credentials|could not load the default credentials|no key or keyFile/i.test(message)) {
    return 'no credentials found: pass credentials/keyFilename or set GOOGLE_APPLICATION_CREDENTIALS';
  }
  return undefined;
}

/**
 * Wraps what the client threw into a GcsStoreError naming the operation, bucket and object. Only
 * the API's message goes into ours: client errors can carry request options (auth headers included).
 */
export function toGcsStoreError(error: unknown, operation: string, bucket: string, object: string): CrawlError {
  if (error instanceof CrawlError) return error;
  const status = apiStatus(error);
  const detail = error instanceof Error ? error.message : String(error);
  const why = hint(status, detail);
  const message = `GCS ${operation} of gs://${bucket}/${object} failed: ${detail}` + (status !== undefined ? ` (HTTP ${status})` : '') + (why !== undefined ? `; ${why}` : '');
  return new GcsStoreError({ operation, bucket, object, status }, message);
}
