import { createReadStream } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { ConfigError, type Crawler, type FilesStore } from '@crawl/core';
import { fileFeedStorage, type FeedStorage, type FeedStorageOptions } from './storage.js';

/** Scrapy's storage class names, for the feedexport/*_count/<name> stats keys. */
const STORAGE_NAMES: Readonly<Record<string, string>> = { s3: 'S3FeedStorage', gs: 'GCSFeedStorage', gcs: 'GCSFeedStorage', ftp: 'FTPFeedStorage', ftps: 'FTPFeedStorage' };

/** What a store may offer beyond FilesStore: streamed uploads (store-fs, store-ftp …) and appends (store-ftp). */
interface StreamingStore extends FilesStore {
  persistStream?(path: string, source: Readable): Promise<unknown>;
  appendStream?(path: string, source: Readable): Promise<unknown>;
}

/** `scheme://user:***@host/dir/`: the store URI (the feed's directory) and the file name in it. */
export function splitFeedUri(uri: string): { storeUri: URL; file: string; shown: string } {
  let url: URL;
  try {
    url = new URL(uri);
  } catch (cause) {
    throw new ConfigError(`Feed ${maskPassword(uri)}: not a valid URI`, { cause });
  }
  const shown = maskPassword(url);
  if (url.search !== '' || url.hash !== '') throw new ConfigError(`Feed ${shown}: a query or fragment has no meaning in a feed URI`);
  const slash = url.pathname.lastIndexOf('/');
  const raw = url.pathname.slice(slash + 1);
  if (raw === '') throw new ConfigError(`Feed ${shown}: the URI names a directory; end it with a file name such as items.jsonl`);
  let file: string;
  try {
    file = decodeURIComponent(raw);
  } catch (cause) {
    throw new ConfigError(`Feed ${shown}: the file name is not valid percent-encoding`, { cause });
  }
  const storeUri = new URL(url.href);
  storeUri.pathname = url.pathname.slice(0, slash + 1);
  return { storeUri, file, shown };
}

/** A URI for logs: the password replaced by `***` (the user name stays, to say who logged in). */
export function maskPassword(uri: string | URL): string {
  let url: URL;
  try {
    url = new URL(String(uri));
  } catch {
    return String(uri).replace(/\/\/([^/@:]*):[^/@]*@/, '//$1:***@');
  }
  if (url.password !== '') url.password = '***';
  return url.href;
}

/**
 * A feed for a remote store (Scrapy's BlockingFeedStorage): items are serialised to a local temp
 * file as they arrive, and at close the file is uploaded to `store` (streamed when the store can,
 * else read and persisted) and removed. Remote feeds overwrite unless `overwrite: false` is set
 * explicitly, which needs a store that can append (FTP's APPE) and the jsonl format.
 */
export function storeFeedStorage(
  uri: string,
  scheme: string,
  options: FeedStorageOptions,
  store: FilesStore,
  crawler: Crawler,
  format: string,
): FeedStorage {
  const { file, shown } = splitFeedUri(uri);
  const s = store as StreamingStore;
  const append = options.overwrite === false;
  if (append && typeof s.appendStream !== 'function') {
    throw new ConfigError(
      `Feed ${shown}: overwrite: false asks to append, and ${scheme}:// stores cannot append (Scrapy overwrites them too). ` +
        'Remove the overwrite option or set it to true.',
    );
  }
  if (append && format !== 'jsonl') {
    throw new ConfigError(`Feed ${shown}: appending to a remote ${format} feed could leave a second header or array in it; use jsonl or overwrite: true`);
  }
  let dir: string | undefined;
  let local: FeedStorage | undefined;

  const cleanup = async (): Promise<void> => {
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
    dir = undefined;
  };

  return {
    name: STORAGE_NAMES[scheme] ?? `${scheme.toUpperCase()}FeedStorage`,
    target: shown,

    async open() {
      dir = await mkdtemp(join(tmpdir(), 'crawl-feed-'));
      local = fileFeedStorage(join(dir, file.replace(/[/\\]/g, '_') || 'feed'), { overwrite: true });
      try {
        return await local.open();
      } catch (error) {
        await cleanup();
        throw error;
      }
    },

    async close() {
      const l = local;
      local = undefined;
      if (l === undefined) return;
      try {
        await l.close();
        const path = join(dir!, file.replace(/[/\\]/g, '_') || 'feed');
        await store.open?.(crawler);
        try {
          if (append) await s.appendStream!(file, createReadStream(path));
          else if (typeof s.persistStream === 'function') await s.persistStream(file, createReadStream(path));
          else await store.persist(file, await readFile(path), {});
        } finally {
          await store.close?.(crawler, 'finished');
        }
      } finally {
        await cleanup();
      }
    },
  };
}
