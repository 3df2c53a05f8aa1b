import { ConfigError } from '@crawl/core';

/** Options of `levelCacheStorage()`. */
export interface LevelCacheStorageOptions {
  /** The LevelDB directory. Relative paths resolve against the working directory at open. */
  path?: string;
  /** Entries older than this many seconds count as missing; 0 = they never expire. */
  expirationSecs?: number;
}

export interface LevelCacheStorageDefaults {
  readonly path: string;
  readonly expirationSecs: number;
}

export const LEVEL_CACHE_STORAGE_DEFAULTS: LevelCacheStorageDefaults = Object.freeze({
  path: '.crawl/httpcache/leveldb',
  expirationSecs: 0,
});

const KNOWN: readonly string[] = Object.keys(LEVEL_CACHE_STORAGE_DEFAULTS);

/** Applies defaults and rejects unknown keys and wrong types with a ConfigError naming the option. */
export function resolveLevelOptions(options: LevelCacheStorageOptions | undefined): LevelCacheStorageDefaults {
  if (options === undefined) return LEVEL_CACHE_STORAGE_DEFAULTS;
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new ConfigError(`levelCacheStorage options must be an object, got ${Array.isArray(options) ? 'an array' : String(options)}`);
  }
  for (const key of Object.keys(options)) {
    if (!KNOWN.includes(key)) throw new ConfigError(`levelCacheStorage: unknown option "${key}" (known: ${KNOWN.join(', ')})`);
  }
  const path = options.path ?? LEVEL_CACHE_STORAGE_DEFAULTS.path;
  const expirationSecs = options.expirationSecs ?? LEVEL_CACHE_STORAGE_DEFAULTS.expirationSecs;
  if (typeof path !== 'string' || path.trim() === '' || path.includes('\0')) {
    throw new ConfigError(`levelCacheStorage option path must be a non-empty path, got ${JSON.stringify(path)}`);
  }
  if (typeof expirationSecs !== 'number' || !Number.isFinite(expirationSecs) || expirationSecs < 0) {
    throw new ConfigError(`levelCacheStorage option expirationSecs must be a finite number >= 0, got ${String(expirationSecs)}`);
  }
  return { path, expirationSecs };
}
