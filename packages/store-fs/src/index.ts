export { fsStore, FS_STORE_DEFAULTS, type FsStore, type FsStoreOptions, type FsStoreDefaults } from './fs-store.js';
export { checkStorePath } from './store-path.js';
export { createFilesStore } from './uri.js';
export type { StreamWriteResult } from './atomic-write.js';
