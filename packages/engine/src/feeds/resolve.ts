import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError, type Crawler } from '@crawl/core';
import { loadFeedStore, STORE_PACKAGES, type FeedStoreResolver } from './load-store.js';
import { fileFeedStorage, type FeedStorage, type FeedStorageFactory, type FeedStorageOptions } from './storage.js';
import { maskPassword, splitFeedUri, storeFeedStorage } from './store-storage.js';

const SCHEME = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//;

export interface ResolveFeedStorageContext {
  readonly storages: Readonly<Record<string, FeedStorageFactory>> | undefined;
  readonly resolveStore: FeedStoreResolver | undefined;
  readonly crawler: Crawler;
  readonly format: string;
}

/**
 * Picks the storage for a rendered feed URI: a plain path or file:// is a local file; a scheme
 * with a factory in `storages` uses it; s3://, gs:// and ftp:// go through their FilesStore,
 * loaded on demand from its package (or made by `resolveStore`).
 */
export async function resolveFeedStorage(uri: string, options: FeedStorageOptions, context: ResolveFeedStorageContext): Promise<FeedStorage> {
  const match = isAbsolute(uri) ? null : SCHEME.exec(uri);
  if (match === null) return fileFeedStorage(isAbsolute(uri) ? uri : resolve(uri), options);
  const scheme = match[1]!.toLowerCase();
  const { storages } = context;
  const factory = storages !== undefined && Object.hasOwn(storages, scheme) ? storages[scheme] : undefined;
  if (factory !== undefined) return factory(uri, options);
  if (scheme === 'file') {
    let path: string;
    try {
      path = fileURLToPath(uri);
    } catch (cause) {
      throw new ConfigError(`Feed ${uri}: not a valid file:// URI (${(cause as Error).message})`, { cause });
    }
    return fileFeedStorage(path, options);
  }
  if (context.resolveStore === undefined && !STORE_PACKAGES.has(scheme)) {
    throw new ConfigError(`Feed ${maskPassword(uri)}: no feed storage for ${scheme}:// URIs (supported: local paths, file://, s3://, gs://, ftp://)`);
  }
  const { storeUri, shown } = splitFeedUri(uri);
  let store;
  try {
    store = await (context.resolveStore ?? loadFeedStore)(storeUri);
  } catch (error) {
    if (error instanceof ConfigError) throw new ConfigError(`Feed ${shown}: ${error.message}`, { cause: error });
    throw error;
  }
  return storeFeedStorage(uri, scheme, options, store, context.crawler, context.format);
}
