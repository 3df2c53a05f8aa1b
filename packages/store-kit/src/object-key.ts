import { ConfigError } from '@crawl/core';
import { checkStorePath } from './store-path.js';

/** A prefix without leading/trailing slashes ('' for none); `..` segments are refused like in paths. */
export function normalisePrefix(prefix: string, what: string): string {
  const trimmed = prefix.replace(/^\/+|\/+$/g, '');
  if (trimmed === '') return '';
  if (trimmed.split('/').some((s) => s === '..' || s === '.')) throw new ConfigError(`${what} prefix ${JSON.stringify(prefix)} contains a "." or ".." segment`);
  return trimmed;
}

/**
 * The object key for a store path under `prefix`. Paths go through store-fs's checkStorePath, so
 * a path built from scraped data cannot climb out of the prefix (`..`) or replace it (absolute).
 */
export function objectKey(prefix: string, path: string): string {
  const rel = checkStorePath(path).join('/');
  return prefix === '' ? rel : `${prefix}/${rel}`;
}
