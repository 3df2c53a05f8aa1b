import type { FilesStore } from '@crawl/core';
import { fsStore } from './fs-store.js';

/**
 * The by-scheme entry point shared by every store package: media pipelines and feeds resolve a
 * `file://` URI through it, as they resolve `s3://` through @crawl/store-s3's `createFilesStore`.
 */
export function createFilesStore(uri: URL): FilesStore {
  return fsStore(uri);
}
