export { lmdbCacheStorage } from './lmdb-cache-storage.js';
export { LMDB_CACHE_STORAGE_DEFAULTS, type LmdbCacheStorageOptions, type LmdbCacheStorageDefaults } from './options.js';
export type { CacheRecordHead } from '@crawl/core';
