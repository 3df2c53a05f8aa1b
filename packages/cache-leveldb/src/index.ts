export { levelCacheStorage } from './level-cache-storage.js';
export { LEVEL_CACHE_STORAGE_DEFAULTS, type LevelCacheStorageOptions, type LevelCacheStorageDefaults } from './options.js';
export type { CacheRecordHead } from '@crawl/core';
