export { ftpStore, type FtpStore } from './ftp-store.js';
export { FTP_STORE_DEFAULTS, maskUri, type FtpStoreOptions, type FtpStoreDefaults } from './options.js';
export { createFilesStore, ftpOptionsFromUri } from './uri.js';
export { FtpStoreError } from './errors.js';
