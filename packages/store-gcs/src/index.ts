export { gcsStore, type GcsStore } from './gcs-store.js';
export { GCS_STORE_DEFAULTS, GCS_ACLS, type GcsStoreOptions, type GcsStoreDefaults, type GcsAcl, type GcsCredentials } from './options.js';
export { createFilesStore, gcsOptionsFromUri } from './uri.js';
export { GcsStoreError } from './errors.js';
export { maskUri } from '@crawl/store-kit';
