import './meta.js';

export { downloaderStats, type DownloaderStatsMiddleware } from './stats.js';
export { DOWNLOADER_STATS_DEFAULTS, type DownloaderStatsDefaults, type DownloaderStatsOptions } from './options.js';
export { requestBytes, responseBytes } from './sizes.js';
