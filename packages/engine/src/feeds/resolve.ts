import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError } from '@crawl/core';
import { fileFeedStorage, type FeedStorage, type FeedStorageFactory, type FeedStorageOptions } from './storage.js';

const SCHEME = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//;

/** Packages that will provide the remote stores, for the error a user sees before installing one. */
const STORE_PACKAGES: ReadonlyMap<string, string> = new Map([
  ['s3', '@crawl/store-s3'],
  ['gs', '@crawl/store-gcs'],
  ['gcs', '@crawl/store-gcs'],
  ['ftp', '@crawl/store-ftp'],
  ['ftps', '@crawl/store-ftp'],
]);

/** Picks the storage for a rendered feed URI: a plain path or file:// is a local file, other schemes need a factory. */
export function resolveFeedStorage(
  uri: string,
  options: FeedStorageOptions,
  storages: Readonly<Record<string, FeedStorageFactory>> | undefined,
): FeedStorage {
  const match = SCHEME.exec(uri);
  if (match === null) return fileFeedStorage(isAbsolute(uri) ? uri : resolve(uri), options);
  const scheme = match[1]!.toLowerCase();
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
  const pkg = STORE_PACKAGES.get(scheme);
  throw new ConfigError(
    pkg !== undefined
      ? `Feed ${uri}: ${scheme}:// feeds need ${pkg}, which is not available yet; write to a local path instead`
      : `Feed ${uri}: no feed storage for ${scheme}:// URIs (supported: local paths and file://)`,
  );
}
