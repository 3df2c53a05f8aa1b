export { fsStore, FS_STORE_DEFAULTS, type FsStore, type FsStoreOptions, type FsStoreDefaults } from './fs-store.js';
// Moved to @crawl/store-kit; still exported here for code that imports it from the fs store.
export { checkStorePath } from '@crawl/store-kit';
export { createFilesStore } from './uri.js';
export type { StreamWriteResult } from './atomic-write.js';
