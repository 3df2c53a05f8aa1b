import { ConfigError, importPlugin, type FilesStore } from '@crawl/core';

/** Store packages by URI scheme; each exports `createFilesStore(uri: URL): FilesStore`. */
export const STORE_PACKAGES: ReadonlyMap<string, string> = new Map([
  ['s3', '@crawl/store-s3'],
  ['gs', '@crawl/store-gcs'],
  ['gcs', '@crawl/store-gcs'],
  ['ftp', '@crawl/store-ftp'],
  ['ftps', '@crawl/store-ftp'],
]);

/** Makes the FilesStore for a store URI (the feed's directory); see FeedExportsOptions.resolveStore. */
export type FeedStoreResolver = (uri: URL) => FilesStore | Promise<FilesStore>;

/** Imports a package by name; resolves undefined when it is not installed. */
export type PackageImporter = (specifier: string) => Promise<Record<string, unknown> | undefined>;

/** The default resolver: a dynamic import of the scheme's store package and its createFilesStore. */
export async function loadFeedStore(uri: URL, importer: PackageImporter = (specifier) => importPlugin(specifier)): Promise<FilesStore> {
  const scheme = uri.protocol.slice(0, -1).toLowerCase();
  const specifier = STORE_PACKAGES.get(scheme);
  if (specifier === undefined) throw new ConfigError(`No feed storage for ${scheme}:// URIs (supported: local paths, file://, s3://, gs://, ftp://)`);
  let mod: Record<string, unknown> | undefined;
  try {
    mod = await importer(specifier);
  } catch (cause) {
    throw new ConfigError(`Could not load ${specifier} for ${scheme}:// feeds: ${(cause as Error)?.message ?? String(cause)}`, { cause });
  }
  if (mod === undefined) throw new ConfigError(`${scheme}:// feeds need ${specifier} (pnpm add ${specifier})`);
  const factory = mod['createFilesStore'];
  if (typeof factory !== 'function') throw new ConfigError(`${specifier} does not export createFilesStore(uri), so it cannot store ${scheme}:// feeds`);
  return (factory as (uri: URL) => FilesStore)(uri);
}
