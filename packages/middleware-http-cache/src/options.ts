import type { CachePolicy, CacheStorage } from '@crawl/core';
import { ConfigError } from '@crawl/core';
import { fsCacheStorage } from '@crawl/cache-fs';
import { dummyPolicy } from './dummy-policy.js';
import { rfc2616Policy } from './rfc2616-policy.js';
import { bool, checkKeys, fail } from './validate.js';

/** Options of `httpCache()`: Scrapy's HTTPCACHE_* settings, camelCased. */
export interface HttpCacheOptions {
  /** When false the middleware disables itself at open (NotConfigured). */
  enabled?: boolean;
  /** Default storage only: entries older than this many seconds are downloaded again; 0 = never expire. */
  expirationSecs?: number;
  /** Default storage only: the cache directory (one subdirectory per spider). An empty string disables the cache, as in Scrapy. */
  dir?: string;
  /** Dummy policy only: statuses never stored. */
  ignoreHttpCodes?: readonly number[];
  /** Requests not in the cache fail with IgnoreRequest instead of being downloaded. */
  ignoreMissing?: boolean;
  /** URL schemes never cached (passed to the built-in policy). */
  ignoreSchemes?: readonly string[];
  /** Any CacheStorage; default fsCacheStorage({ dir, expirationSecs, gzip }). */
  storage?: CacheStorage;
  /** 'dummy' (default), 'rfc2616', or any CachePolicy. */
  policy?: 'dummy' | 'rfc2616' | CachePolicy;
  /** Default storage only: gzip the cache files. */
  gzip?: boolean;
  /** RFC 2616 policy only: store responses unconditionally (no-store still obeyed). */
  alwaysStore?: boolean;
  /** RFC 2616 policy only: response Cache-Control directives to ignore. */
  ignoreResponseCacheControls?: readonly string[];
  /** Position in the downloader-middleware chain (Scrapy: 900). */
  order?: number;
}

export interface HttpCacheDefaults {
  readonly enabled: boolean;
  readonly expirationSecs: number;
  readonly dir: string;
  readonly ignoreHttpCodes: readonly number[];
  readonly ignoreMissing: boolean;
  readonly ignoreSchemes: readonly string[];
  readonly policy: 'dummy';
  readonly gzip: boolean;
  readonly alwaysStore: boolean;
  readonly ignoreResponseCacheControls: readonly string[];
  readonly order: number;
}

export const HTTP_CACHE_DEFAULTS: HttpCacheDefaults = Object.freeze({
  enabled: true,
  expirationSecs: 0,
  dir: '.crawl/httpcache',
  ignoreHttpCodes: Object.freeze([]),
  ignoreMissing: false,
  ignoreSchemes: Object.freeze(['file']),
  policy: 'dummy',
  gzip: false,
  alwaysStore: false,
  ignoreResponseCacheControls: Object.freeze([]),
  order: 900,
});

const OWNER = 'httpCache';
const KNOWN: readonly string[] = [...Object.keys(HTTP_CACHE_DEFAULTS), 'storage'];
const STORAGE_OPTIONS = ['dir', 'expirationSecs', 'gzip'] as const;
const POLICY_OPTIONS: Readonly<Record<string, readonly string[]>> = {
  dummy: ['ignoreSchemes', 'ignoreHttpCodes'],
  rfc2616: ['ignoreSchemes', 'alwaysStore', 'ignoreResponseCacheControls'],
};

export interface ResolvedHttpCache {
  /** Why the cache is off, when it is. */
  readonly disabled: string | undefined;
  readonly ignoreMissing: boolean;
  readonly order: number;
  readonly storage: CacheStorage | undefined;
  readonly policy: CachePolicy;
}

/**
 * Validates the options and builds the policy and storage. An option that the chosen policy or
 * storage would not read is an error rather than silently dropped: Scrapy's RFC2616Policy, for
 * one, never reads HTTPCACHE_IGNORE_HTTP_CODES.
 */
export function resolveHttpCacheOptions(options: HttpCacheOptions | undefined): ResolvedHttpCache {
  const o = checkKeys(OWNER, options, KNOWN);
  const given = (key: string): boolean => o[key] !== undefined;
  const enabled = bool(OWNER, 'enabled', o['enabled'] ?? HTTP_CACHE_DEFAULTS.enabled);
  const ignoreMissing = bool(OWNER, 'ignoreMissing', o['ignoreMissing'] ?? HTTP_CACHE_DEFAULTS.ignoreMissing);
  const order = o['order'] ?? HTTP_CACHE_DEFAULTS.order;
  if (typeof order !== 'number' || !Number.isFinite(order)) fail(OWNER, 'order', 'a finite number', order);

  const policyOption = o['policy'] ?? HTTP_CACHE_DEFAULTS.policy;
  let policy: CachePolicy;
  if (policyOption === 'dummy' || policyOption === 'rfc2616') {
    const accepted = POLICY_OPTIONS[policyOption]!;
    for (const key of ['ignoreHttpCodes', 'alwaysStore', 'ignoreResponseCacheControls']) {
      if (given(key) && !accepted.includes(key)) {
        throw new ConfigError(`${OWNER}: option ${key} does not apply to policy '${policyOption}' (it reads ${accepted.join(', ')})`);
      }
    }
    const pick = (key: string): Record<string, unknown> => (given(key) ? { [key]: o[key] } : {});
    policy =
      policyOption === 'dummy'
        ? dummyPolicy({ ...pick('ignoreSchemes'), ...pick('ignoreHttpCodes') })
        : rfc2616Policy({ ...pick('ignoreSchemes'), ...pick('alwaysStore'), ...pick('ignoreResponseCacheControls') });
  } else if (isPolicy(policyOption)) {
    for (const key of ['ignoreSchemes', 'ignoreHttpCodes', 'alwaysStore', 'ignoreResponseCacheControls']) {
      if (given(key)) throw new ConfigError(`${OWNER}: option ${key} configures the built-in policies; pass it to your policy instead`);
    }
    policy = policyOption;
  } else {
    fail(OWNER, 'policy', "'dummy', 'rfc2616' or a CachePolicy (shouldCacheRequest, shouldCacheResponse, isCachedResponseFresh, isCachedResponseValid)", policyOption);
  }

  const storageOption = o['storage'];
  let storage: CacheStorage | undefined;
  let disabled: string | undefined = enabled ? undefined : 'httpCache: enabled is false';
  if (storageOption !== undefined) {
    if (!isStorage(storageOption)) fail(OWNER, 'storage', 'a CacheStorage (name, retrieve, store)', storageOption);
    for (const key of STORAGE_OPTIONS) {
      if (given(key)) throw new ConfigError(`${OWNER}: option ${key} configures the default filesystem storage; pass it to your storage instead`);
    }
    storage = storageOption;
  } else {
    const dir = o['dir'] ?? HTTP_CACHE_DEFAULTS.dir;
    if (typeof dir !== 'string') fail(OWNER, 'dir', 'a path', dir);
    if (dir === '') {
      disabled ??= 'httpCache: dir is empty';
    } else {
      storage = fsCacheStorage({
        dir,
        expirationSecs: (o['expirationSecs'] ?? HTTP_CACHE_DEFAULTS.expirationSecs) as number,
        gzip: (o['gzip'] ?? HTTP_CACHE_DEFAULTS.gzip) as boolean,
      });
    }
  }
  return { disabled, ignoreMissing, order, storage, policy };
}

function isPolicy(value: unknown): value is CachePolicy {
  if (typeof value !== 'object' || value === null) return false;
  const p = value as Record<string, unknown>;
  return (
    typeof p['shouldCacheRequest'] === 'function' &&
    typeof p['shouldCacheResponse'] === 'function' &&
    typeof p['isCachedResponseFresh'] === 'function' &&
    typeof p['isCachedResponseValid'] === 'function'
  );
}

function isStorage(value: unknown): value is CacheStorage {
  if (typeof value !== 'object' || value === null) return false;
  const s = value as Record<string, unknown>;
  return typeof s['name'] === 'string' && typeof s['retrieve'] === 'function' && typeof s['store'] === 'function';
}
