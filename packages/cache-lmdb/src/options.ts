import { ConfigError } from '@crawl/core';

/** Options of `lmdbCacheStorage()`. */
export interface LmdbCacheStorageOptions {
  /**
   * The LMDB environment: a directory (holding data.mdb and lock.mdb), or a file when the last
   * path segment has an extension. Relative paths resolve against the working directory at open.
   */
  path?: string;
  /** Entries older than this many seconds count as missing; 0 = they never expire. */
  expirationSecs?: number;
}

export interface LmdbCacheStorageDefaults {
  readonly path: string;
  readonly expirationSecs: number;
}

export const LMDB_CACHE_STORAGE_DEFAULTS: LmdbCacheStorageDefaults = Object.freeze({
  path: '.crawl/httpcache/lmdb',
  expirationSecs: 0,
});

const KNOWN: readonly string[] = Object.keys(LMDB_CACHE_STORAGE_DEFAULTS);

/** Applies defaults and rejects unknown keys and wrong types with a ConfigError naming the option. */
export function resolveLmdbOptions(options: LmdbCacheStorageOptions | undefined): LmdbCacheStorageDefaults {
  if (options === undefined) return LMDB_CACHE_STORAGE_DEFAULTS;
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new ConfigError(`lmdbCacheStorage options must be an object, got ${Array.isArray(options) ? 'an array' : String(options)}`);
  }
  for (const key of Object.keys(options)) {
    if (!KNOWN.includes(key)) throw new ConfigError(`lmdbCacheStorage: unknown option "${key}" (known: ${KNOWN.join(', ')})`);
  }
  const path = options.path ?? LMDB_CACHE_STORAGE_DEFAULTS.path;
  const expirationSecs = options.expirationSecs ?? LMDB_CACHE_STORAGE_DEFAULTS.expirationSecs;
  if (typeof path !== 'string' || path.trim() === '' || path.includes('\0')) {
    throw new ConfigError(`lmdbCacheStorage option path must be a non-empty path, got ${JSON.stringify(path)}`);
  }
  if (typeof expirationSecs !== 'number' || !Number.isFinite(expirationSecs) || expirationSecs < 0) {
    throw new ConfigError(`lmdbCacheStorage option expirationSecs must be a finite number >= 0, got ${String(expirationSecs)}`);
  }
  return { path, expirationSecs };
}
