import { resolve } from 'node:path';
import { cacheRecordTimestamp, ConfigError, decodeCacheRecord, encodeCacheRecord, type CacheStorage, type Logger } from '@crawl/core';
import { open, type RootDatabase } from 'lmdb';
import { assertLmdbEnvironment } from './check-environment.js';
import { resolveLmdbOptions, type LmdbCacheStorageOptions } from './options.js';

/**
 * An HTTP-cache storage in one LMDB environment (the role Scrapy's DbmCacheStorage plays), keyed
 * `<spider name>/<fingerprint>`. LMDB lets several processes read and write the same environment
 * at once, so a crawl and a second crawl or a script can share the cache. Reads are synchronous
 * memory-mapped lookups; writes are batched off the main thread and resolve once committed.
 */
export function lmdbCacheStorage(options?: LmdbCacheStorageOptions): CacheStorage {
  const opts = resolveLmdbOptions(options);
  let db: RootDatabase<Buffer, string> | undefined;
  let prefix = '';
  let logger: Logger | undefined;

  function database(): RootDatabase<Buffer, string> {
    if (db === undefined) throw new ConfigError('lmdbCacheStorage used before open(crawler) or after close()');
    return db;
  }

  return {
    name: '@crawl/cache-lmdb',

    open(crawler) {
      logger = crawler.logger.child('@crawl/cache-lmdb');
      prefix = `${crawler.spider.name}/`;
      const path = resolve(opts.path);
      assertLmdbEnvironment(path);
      try {
        db = open<Buffer, string>({ path, encoding: 'binary', separateFlushed: true });
      } catch (cause) {
        throw new ConfigError(`lmdbCacheStorage: cannot open the LMDB environment at ${path}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
      }
      logger.debug(`Using LMDB cache storage in ${path}`);
    },

    async close() {
      const current = db;
      db = undefined;
      await current?.close();
    },

    async retrieve(request, key) {
      const record = database().get(prefix + key);
      if (record === undefined) return undefined;
      try {
        if (opts.expirationSecs > 0 && opts.expirationSecs < Date.now() / 1000 - cacheRecordTimestamp(record)) return undefined;
        return decodeCacheRecord(record, request);
      } catch (error) {
        logger?.warn(`Ignoring unreadable LMDB cache record ${prefix + key}: ${error instanceof Error ? error.message : String(error)}`, { url: request.url });
        return undefined;
      }
    },

    async store(_request, response, key) {
      await database().put(prefix + key, encodeCacheRecord(response, Date.now() / 1000));
    },
  };
}
