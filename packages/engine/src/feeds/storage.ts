import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, open as openFile, stat } from 'node:fs/promises';
import { once } from 'node:events';
import { dirname } from 'node:path';
import { finished } from 'node:stream/promises';
import type { Writable } from 'node:stream';
import { ConfigError } from '@crawl/core';

/** What an appending target already holds, so the exporter can continue it correctly. */
export interface ExistingFeed {
  readonly size: number;
  /** The first bytes (up to 64 KiB) as UTF-8: a CSV header is read from here. */
  readonly head: string;
  /** The last byte, to tell whether the file ends with a line break. */
  readonly lastByte: number;
}

/**
 * Where a feed's bytes go. The file storage is built in; other stores (s3://, gs://, ftp://)
 * plug in through FeedExportsOptions.storages with the same three steps.
 */
export interface FeedStorage {
  /** Label in stats keys: 'feedexport/success_count/<name>' (Scrapy's storage class names). */
  readonly name: string;
  /** Where the feed goes, as shown in logs. */
  readonly target: string;
  /** For storages that append: what the target holds already; undefined when it starts empty. Called before open(). */
  existing?(): Promise<ExistingFeed | undefined>;
  /** Opens the target for writing; rejects with a ConfigError naming the target when it cannot. */
  open(): Promise<Writable>;
  /** Flushes and finalises what was written; rejects when the data could not be stored. */
  close(): Promise<void>;
}

export interface FeedStorageOptions {
  /** undefined: the storage's default (a local file appends; remote stores overwrite). */
  readonly overwrite: boolean | undefined;
}

export type FeedStorageFactory = (uri: string, options: FeedStorageOptions) => FeedStorage;

const HEAD_BYTES = 64 * 1024;

function describe(error: unknown): string {
  if (error instanceof Error) return (error as NodeJS.ErrnoException).code ?? error.message;
  return String(error);
}

/** A local file, appended to unless overwrite is true (Scrapy's FileFeedStorage). Parent directories are created. */
export function fileFeedStorage(path: string, options: FeedStorageOptions): FeedStorage {
  let stream: WriteStream | undefined;
  let streamError: unknown;

  return {
    name: 'FileFeedStorage',
    target: path,

    async existing() {
      if (options.overwrite === true) return undefined;
      let size: number;
      try {
        const info = await stat(path);
        if (info.isDirectory()) throw new ConfigError(`Feed ${path}: the path is a directory, not a file`);
        size = info.size;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT' || (error as NodeJS.ErrnoException).code === 'ENOTDIR') return undefined;
        if (error instanceof ConfigError) throw error;
        throw new ConfigError(`Feed ${path}: cannot read the existing file (${describe(error)})`, { cause: error });
      }
      if (size === 0) return undefined;
      const handle = await openFile(path, 'r');
      try {
        const headLength = Math.min(size, HEAD_BYTES);
        const head = Buffer.alloc(headLength);
        await handle.read(head, 0, headLength, 0);
        const last = Buffer.alloc(1);
        await handle.read(last, 0, 1, size - 1);
        return { size, head: head.toString('utf8'), lastByte: last[0]! };
      } finally {
        await handle.close();
      }
    },

    async open() {
      try {
        await mkdir(dirname(path), { recursive: true });
      } catch (error) {
        throw new ConfigError(`Feed ${path}: cannot create its directory ${dirname(path)} (${describe(error)})`, { cause: error });
      }
      const s = createWriteStream(path, { flags: options.overwrite === true ? 'w' : 'a' });
      // Keep a listener for the stream's whole life: an 'error' without one crashes the process.
      s.on('error', (error) => {
        streamError ??= error;
      });
      try {
        await once(s, 'open');
      } catch (error) {
        throw new ConfigError(`Feed ${path}: cannot open the file for writing (${describe(error)})`, { cause: error });
      }
      stream = s;
      return s;
    },

    async close() {
      const s = stream;
      if (s === undefined) return;
      stream = undefined;
      if (streamError !== undefined) {
        s.destroy();
        throw streamError;
      }
      s.end();
      await finished(s);
      if (streamError !== undefined) throw streamError;
    },
  };
}
