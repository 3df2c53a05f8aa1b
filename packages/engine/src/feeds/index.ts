export { feedExports, type FeedExportsOptions } from './feed-exports.js';
export { parseFeedUri, renderFeedUri, feedTimestamp } from './uri.js';
export { FEED_FORMATS, type FeedFormat, type FeedOptions, type FeedsSetting } from './options.js';
export { fileFeedStorage, type FeedStorage, type FeedStorageFactory, type FeedStorageOptions, type ExistingFeed } from './storage.js';
export { createFeedWriter, type FeedWriter } from './writer.js';
export { loadFeedStore, type FeedStoreResolver } from './load-store.js';
