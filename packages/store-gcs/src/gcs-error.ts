import { CrawlError } from '@crawl/core';
import { GcsStoreError } from './errors.js';

/**
 * HTTP status of a client error, if the server answered: ApiError.code (simple uploads, metadata)
 * or GaxiosError.status (resumable uploads, which go through gaxios).
 */
export function apiStatus(error: unknown): number | undefined {
  const e = error as { code?: unknown; status?: unknown } | null;
  for (const value of [e?.code, e?.status]) if (typeof value === 'number' && value >= 100 && value < 600) return value;
  return undefined;
}

/** The API's own message: a GaxiosError only says "Request failed with status code 404" and keeps GCS's reason in the response body. */
function apiMessage(error: unknown): string {
  const body = (error as { response?: { data?: unknown } } | null)?.response?.data as { error?: { message?: unknown } } | undefined;
  if (typeof body?.error?.message === 'string' && body.error.message !== '') return body.error.message;
  return error instanceof Error ? error.message : String(error);
}

// A resumable session URI lets whoever holds it write the object: it must not reach logs.
const maskSession = (text: string): string => text.replace(/upload_id=[^&\s"']+/g, 'upload_id=****');

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
  const detail = maskSession(apiMessage(error));
  const why = hint(status, detail);
  const message = `GCS ${operation} of gs://${bucket}/${object} failed: ${detail}` + (status !== undefined ? ` (HTTP ${status})` : '') + (why !== undefined ? `; ${why}` : '');
  return new GcsStoreError({ operation, bucket, object, status }, message);
}
