import type { PersistMeta } from '@crawl/core';
import { lookup } from 'mime-types';

/**
 * The Content-Type to store an object with: the caller's (it knows what it produced, e.g. the
 * images pipeline's JPEGs), else the one the file name's extension implies, else a generic binary.
 */
export function contentTypeFor(path: string, meta: PersistMeta | undefined): string {
  const given = meta?.contentType ?? headerValue(meta?.headers, 'content-type');
  if (given !== undefined && given !== '') return given;
  return lookup(path) || 'application/octet-stream';
}

function headerValue(headers: Record<string, string> | undefined, name: string): string | undefined {
  if (headers === undefined) return undefined;
  for (const key of Object.keys(headers)) if (key.toLowerCase() === name) return headers[key];
  return undefined;
}
