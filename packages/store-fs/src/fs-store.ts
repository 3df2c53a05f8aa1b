import { stat as fsStat } from 'node:fs/promises';
import { resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError, type FileStat, type FilesStore, type PersistMeta } from '@crawl/core';
import { checkStorePath } from '@crawl/store-kit';
import { createDirCache, streamFileAtomic, writeFileAtomic, type StreamWriteResult } from './atomic-write.js';
import { md5File } from './md5-file.js';

export interface FsStoreOptions {
  /** Root directory of the store; relative paths resolve against the working directory. Created on the first write. */
  basedir: string;
  /** fsync each file before the rename that publishes it (durable across power loss, slower). */
  fsync?: boolean;
}

export interface FsStoreDefaults {
  readonly fsync: boolean;
}

export const FS_STORE_DEFAULTS: FsStoreDefaults = Object.freeze({ fsync: false });

/** A FilesStore on the local filesystem, plus what only a local store can offer. */
export interface FsStore extends FilesStore {
  readonly scheme: 'file';
  /** Absolute root directory. */
  readonly basedir: string;
  /** The absolute file for a store path; throws ConfigError for a path that would leave the root. */
  resolve(path: string): string;
  /** Writes a body that arrives in chunks without holding it whole; resolves its size and MD5 hex. */
  persistStream(path: string, source: AsyncIterable<Uint8Array> | NodeJS.ReadableStream, meta?: PersistMeta): Promise<StreamWriteResult>;
}

const KNOWN = new Set(['basedir', 'fsync']);

function normaliseOptions(options: string | URL | FsStoreOptions): FsStoreOptions {
  if (typeof options === 'string' || options instanceof URL) return { basedir: toPath(options) };
  if (typeof options !== 'object' || options === null) {
    throw new ConfigError(`fsStore() needs a directory path or { basedir }, got ${options === null ? 'null' : typeof options}`);
  }
  for (const key of Object.keys(options)) {
    if (!KNOWN.has(key)) throw new ConfigError(`Unknown fsStore option ${JSON.stringify(key)}; known: ${[...KNOWN].join(', ')}`);
  }
  if (options.fsync !== undefined && typeof options.fsync !== 'boolean') throw new ConfigError(`fsStore option fsync must be a boolean, got ${typeof options.fsync}`);
  return { ...options, basedir: toPath(options.basedir) };
}

function toPath(basedir: unknown): string {
  if (basedir instanceof URL || (typeof basedir === 'string' && /^file:/i.test(basedir))) {
    try {
      return fileURLToPath(basedir);
    } catch (cause) {
      throw new ConfigError(`fsStore basedir ${JSON.stringify(String(basedir))} is not a valid file: URL (${(cause as Error).message})`, { cause });
    }
  }
  if (typeof basedir !== 'string' || basedir === '') throw new ConfigError(`fsStore option basedir must be a non-empty directory path, got ${JSON.stringify(basedir)}`);
  if (basedir.includes('\0')) throw new ConfigError('fsStore option basedir contains a NUL byte');
  return basedir;
}

function isMissing(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

/**
 * Scrapy's FSFilesStore: files under `basedir` at their store-relative paths. Writes are atomic
 * (temp file + rename), and the directories created or found are remembered (as Scrapy does), so
 * a file costs no mkdir() after the first in its directory; `stat()` hashes the stored file as a
 * stream. Paths are confined to `basedir` (see checkStorePath): the check is lexical, so a
 * symlink placed inside the store by its owner is followed.
 */
export function fsStore(options: string | URL | FsStoreOptions): FsStore {
  const opts = normaliseOptions(options);
  const basedir = resolve(opts.basedir);
  const fsync = opts.fsync ?? FS_STORE_DEFAULTS.fsync;
  const root = basedir.endsWith(sep) ? basedir : basedir + sep;
  // Directories created or found so far: one mkdir() per directory, not per file.
  const dirs = createDirCache();

  const resolvePath = (path: string): string => {
    const file = resolve(basedir, ...checkStorePath(path));
    // checkStorePath refuses every escape we know of; this catches what we don't.
    if (!file.startsWith(root)) throw new ConfigError(`Store path ${JSON.stringify(path)} resolves outside the store root ${basedir}`);
    return file;
  };

  return {
    name: '@crawl/store-fs',
    scheme: 'file',
    basedir,
    resolve: resolvePath,

    async persist(path: string, body: Uint8Array): Promise<void> {
      if (!(body instanceof Uint8Array)) throw new ConfigError(`fsStore.persist(${JSON.stringify(path)}): body must be a Uint8Array, got ${typeof body}`);
      await writeFileAtomic(resolvePath(path), body, fsync, dirs);
    },

    async persistStream(path, source): Promise<StreamWriteResult> {
      return streamFileAtomic(resolvePath(path), source, fsync, dirs);
    },

    async stat(path: string): Promise<FileStat | undefined> {
      const file = resolvePath(path);
      let info;
      try {
        info = await fsStat(file);
      } catch (error) {
        if (isMissing(error)) return undefined;
        throw error;
      }
      if (!info.isFile()) return undefined;
      let checksum: string;
      try {
        checksum = await md5File(file);
      } catch (error) {
        // Replaced or removed between the stat and the read: as good as not stored.
        if (isMissing(error)) return undefined;
        throw error;
      }
      return { lastModified: info.mtime, checksum, size: info.size };
    },
  };
}
