export { fsCacheStorage } from './fs-cache-storage.js';
export { FS_CACHE_STORAGE_DEFAULTS, type FsCacheStorageOptions, type FsCacheStorageDefaults } from './options.js';
export type { FsCacheMeta } from './meta-file.js';
