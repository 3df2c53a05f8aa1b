import { isAbsolute } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError, importPlugin, type FilesStore, type FilesStoreFactory } from '@crawl/core';
import { fsStore } from '@crawl/store-fs';

/** Where a media pipeline stores files: a directory path, a store URI, or a FilesStore instance. */
export type FilesStoreOption = string | URL | FilesStore;

/** Store packages by URI scheme; each exports `createFilesStore(uri: URL): FilesStore`. */
const STORE_PACKAGES: ReadonlyMap<string, string> = new Map([
  ['s3', '@crawl/store-s3'],
  ['gs', '@crawl/store-gcs'],
  ['gcs', '@crawl/store-gcs'],
  ['ftp', '@crawl/store-ftp'],
  ['ftps', '@crawl/store-ftp'],
]);

const URI = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//;

function isFilesStore(value: object): value is FilesStore {
  const v = value as Partial<FilesStore>;
  return typeof v.persist === 'function' && typeof v.stat === 'function';
}

// A variable specifier keeps bundlers from resolving the optional store packages at build time.
async function importStorePackage(specifier: string, scheme: string): Promise<Record<string, unknown>> {
  let mod: Record<string, unknown> | undefined;
  try {
    mod = await importPlugin(specifier);
  } catch (cause) {
    throw new ConfigError(`Could not load ${specifier} for ${scheme}:// stores: ${(cause as Error)?.message ?? String(cause)}`, { cause });
  }
  if (mod === undefined) throw new ConfigError(`${scheme}:// needs ${specifier} (pnpm add ${specifier})`);
  return mod;
}

/**
 * Turns a store option into a FilesStore (Scrapy's FilesPipeline._get_store): an instance is
 * used as is; a path or `file://` URI is an fsStore; `s3://`, `gs://` and `ftp://` load their
 * store package on demand, with an install hint when it is missing.
 */
export async function resolveFilesStore(store: unknown): Promise<FilesStore> {
  if (store instanceof URL) return resolveFilesStore(store.href);
  if (typeof store === 'object' && store !== null) {
    if (isFilesStore(store)) return store;
    throw new ConfigError('store must be a directory path, a store URI (file://, s3://, gs://, ftp://) or a FilesStore with persist() and stat()');
  }
  if (typeof store !== 'string' || store.trim() === '') {
    throw new ConfigError(`store must be a directory path, a store URI or a FilesStore, got ${store === '' ? 'an empty string' : typeof store}`);
  }
  const match = isAbsolute(store) ? null : URI.exec(store);
  if (match === null) return fsStore(store);
  const scheme = match[1]!.toLowerCase();
  if (scheme === 'file') {
    let path: string;
    try {
      path = fileURLToPath(store);
    } catch (cause) {
      throw new ConfigError(`store ${JSON.stringify(store)} is not a valid file:// URI (${(cause as Error).message})`, { cause });
    }
    return fsStore(path);
  }
  const specifier = STORE_PACKAGES.get(scheme);
  if (specifier === undefined) throw new ConfigError(`No files store for ${scheme}:// URIs (supported: paths, file://, s3://, gs://, ftp://)`);
  const mod = await importStorePackage(specifier, scheme);
  const factory = mod['createFilesStore'];
  if (typeof factory !== 'function') throw new ConfigError(`${specifier} does not export createFilesStore(uri), so it cannot open ${scheme}:// stores`);
  return (factory as FilesStoreFactory)(new URL(store));
}
