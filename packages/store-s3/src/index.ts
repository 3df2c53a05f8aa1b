export { s3Store, type S3Store } from './s3-store.js';
export { S3_STORE_DEFAULTS, S3_ACLS, type S3StoreOptions, type S3StoreDefaults, type S3Acl, type S3Credentials } from './options.js';
export { createFilesStore, s3OptionsFromUri } from './uri.js';
export { S3StoreError } from './errors.js';
export { maskUri } from '@crawl/store-kit';
