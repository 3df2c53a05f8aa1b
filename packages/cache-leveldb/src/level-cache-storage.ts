import { resolve } from 'node:path';
import { cacheRecordTimestamp, ConfigError, decodeCacheRecord, encodeCacheRecord, type CacheStorage, type Logger } from '@crawl/core';
import { ClassicLevel } from 'classic-level';
import { resolveLevelOptions, type LevelCacheStorageOptions } from './options.js';

type Db = ClassicLevel<string, Uint8Array>;

/**
 * Scrapy's LevelDB storage on classic-level, keyed `<spider name>/<fingerprint>`. LevelDB gives
 * one process (one open handle) the database at a time: a second crawl on the same path fails
 * to open with a ConfigError saying so. Use lmdbCacheStorage when several processes must share
 * the cache.
 */
export function levelCacheStorage(options?: LevelCacheStorageOptions): CacheStorage {
  const opts = resolveLevelOptions(options);
  let db: Db | undefined;
  let prefix = '';
  let logger: Logger | undefined;

  function database(): Db {
    if (db === undefined) throw new ConfigError('levelCacheStorage used before open(crawler) or after close()');
    return db;
  }

  return {
    name: '@crawl/cache-leveldb',

    async open(crawler) {
      logger = crawler.logger.child('@crawl/cache-leveldb');
      prefix = `${crawler.spider.name}/`;
      const path = resolve(opts.path);
      const candidate: Db = new ClassicLevel<string, Uint8Array>(path, { keyEncoding: 'utf8', valueEncoding: 'view' });
      try {
        await candidate.open();
      } catch (cause) {
        if (hasCode(cause, 'LEVEL_LOCKED')) {
          throw new ConfigError(
            `levelCacheStorage: the LevelDB database at ${path} is locked by another process (or another open handle in this one). ` +
              'LevelDB allows one process at a time: stop the other crawl, give this one another path, or use @crawl/cache-lmdb to share a cache between processes',
            { cause },
          );
        }
        throw new ConfigError(`levelCacheStorage: cannot open the LevelDB database at ${path}: ${describe(cause)}`, { cause });
      }
      db = candidate;
      logger.debug(`Using LevelDB cache storage in ${path}`);
    },

    async close() {
      const current = db;
      db = undefined;
      await current?.close();
    },

    async retrieve(request, key) {
      const record = await database().get(prefix + key);
      if (record === undefined) return undefined;
      try {
        if (opts.expirationSecs > 0 && opts.expirationSecs < Date.now() / 1000 - cacheRecordTimestamp(record)) return undefined;
        return decodeCacheRecord(record, request);
      } catch (error) {
        logger?.warn(`Ignoring unreadable LevelDB cache record ${prefix + key}: ${describe(error)}`, { url: request.url });
        return undefined;
      }
    },

    async store(_request, response, key) {
      await database().put(prefix + key, encodeCacheRecord(response, Date.now() / 1000));
    },
  };
}

/** classic-level wraps the native error (LEVEL_DATABASE_NOT_OPEN with the LEVEL_LOCKED one as cause). */
function hasCode(error: unknown, code: string): boolean {
  for (let e: unknown = error, depth = 0; e !== null && typeof e === 'object' && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if ((e as { code?: unknown }).code === code) return true;
  }
  return false;
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = (error as { cause?: unknown }).cause;
  return cause instanceof Error ? `${error.message} (${cause.message})` : error.message;
}
