export { downloadTimeout } from './download-timeout.js';
export { DOWNLOAD_TIMEOUT_DEFAULTS, type DownloadTimeoutDefaults, type DownloadTimeoutOptions } from './options.js';
