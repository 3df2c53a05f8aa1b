export { ftpStore, type FtpStore } from './ftp-store.js';
export { maskUri } from '@crawl/store-kit';
export { FTP_STORE_DEFAULTS, type FtpStoreOptions, type FtpStoreDefaults } from './options.js';
export { createFilesStore, ftpOptionsFromUri } from './uri.js';
export { FtpStoreError } from './errors.js';
