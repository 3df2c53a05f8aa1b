import { ConfigError } from '@crawl/core';

/** Options of `fsCacheStorage()`. */
export interface FsCacheStorageOptions {
  /** Cache root. A relative path resolves against the working directory when the crawl opens. */
  dir?: string;
  /** Entries older than this many seconds count as missing; 0 = they never expire (Scrapy's HTTPCACHE_EXPIRATION_SECS). */
  expirationSecs?: number;
  /** Gzip every file of an entry, keeping the file names (Scrapy's HTTPCACHE_GZIP). */
  gzip?: boolean;
  /** Keep each spider's entries under `<dir>/<spider name>/`, as Scrapy does. */
  useSpiderSubdir?: boolean;
}

export interface FsCacheStorageDefaults {
  readonly dir: string;
  readonly expirationSecs: number;
  readonly gzip: boolean;
  readonly useSpiderSubdir: boolean;
}

export const FS_CACHE_STORAGE_DEFAULTS: FsCacheStorageDefaults = Object.freeze({
  dir: '.crawl/httpcache',
  expirationSecs: 0,
  gzip: false,
  useSpiderSubdir: true,
});

export type ResolvedFsCacheOptions = FsCacheStorageDefaults;

const KNOWN: readonly string[] = Object.keys(FS_CACHE_STORAGE_DEFAULTS);

function fail(key: string, expected: string, value: unknown): never {
  const got = typeof value === 'string' ? JSON.stringify(value) : typeof value === 'object' && value !== null ? typeof value : String(value);
  throw new ConfigError(`fsCacheStorage option ${key} must be ${expected}, got ${got}`);
}

/** Applies defaults and rejects unknown keys and wrong types with a ConfigError naming the option. */
export function resolveFsCacheOptions(options: FsCacheStorageOptions | undefined): ResolvedFsCacheOptions {
  if (options === undefined) return FS_CACHE_STORAGE_DEFAULTS;
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new ConfigError(`fsCacheStorage options must be an object, got ${Array.isArray(options) ? 'an array' : String(options)}`);
  }
  for (const key of Object.keys(options)) {
    if (!KNOWN.includes(key)) throw new ConfigError(`fsCacheStorage: unknown option "${key}" (known: ${KNOWN.join(', ')})`);
  }
  const { dir, expirationSecs, gzip, useSpiderSubdir } = { ...FS_CACHE_STORAGE_DEFAULTS, ...stripUndefined(options) };
  if (typeof dir !== 'string' || dir.trim() === '') fail('dir', 'a non-empty path', dir);
  if (dir.includes('\0')) fail('dir', 'a path without NUL bytes', dir);
  if (typeof expirationSecs !== 'number' || !Number.isFinite(expirationSecs) || expirationSecs < 0) {
    fail('expirationSecs', 'a finite number >= 0', expirationSecs);
  }
  if (typeof gzip !== 'boolean') fail('gzip', 'a boolean', gzip);
  if (typeof useSpiderSubdir !== 'boolean') fail('useSpiderSubdir', 'a boolean', useSpiderSubdir);
  return { dir, expirationSecs, gzip, useSpiderSubdir };
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  const out: Partial<T> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) (out as Record<string, unknown>)[k] = v;
  return out;
}
