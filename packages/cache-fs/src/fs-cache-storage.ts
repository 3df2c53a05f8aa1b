import type { Stats } from 'node:fs';
import { readFile, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { gunzip as gunzipCb, gunzipSync, gzip as gzipCb, gzipSync } from 'node:zlib';
import { ConfigError, createResponse, type CacheStorage, type Logger, type Request, type Response } from '@crawl/core';
import { ensureDir, moveIntoPlace, removeAbandoned, tempName, TMP_DIR } from './atomic-dir.js';
import { parseMeta, type FsCacheMeta } from './meta-file.js';
import { resolveFsCacheOptions, type FsCacheStorageOptions } from './options.js';
import { headersToRaw, rawToHeaders, statusLine } from './raw-headers.js';

const gzipAsync = promisify(gzipCb);
const gunzipAsync = promisify(gunzipCb);

/**
 * Below this size (de)compression runs inline: a few KiB take tens of microseconds, less than
 * the round trip through libuv's small thread pool, which the file I/O needs too.
 */
const INLINE_ZLIB_BYTES = 64 * 1024;
const gzip = (data: string | Uint8Array): Promise<Buffer> | Buffer =>
  (typeof data === 'string' ? data.length : data.byteLength) < INLINE_ZLIB_BYTES ? gzipSync(data) : gzipAsync(data);
const gunzip = (data: Buffer): Promise<Buffer> | Buffer => (data.length < INLINE_ZLIB_BYTES / 4 ? gunzipSync(data) : gunzipAsync(data));

/** A fingerprint becomes a path component: no separators, no leading dot (that would reach TMP_DIR, '.' or '..'). */
const SAFE_KEY = /^[A-Za-z0-9_-][A-Za-z0-9_.-]*$/;
/** How often retrieve() starts over when the entry was replaced while it read it. */
const READ_ATTEMPTS = 3;

/**
 * Scrapy's FilesystemCacheStorage: one directory per request,
 * `<dir>/<spider>/<first 2 chars of key>/<key>/`, holding `request_body`, `request_headers`,
 * `response_body`, `response_headers` (raw HTTP) and `meta` (JSON), each gzipped under the same
 * name when `gzip` is set. An entry is written into a temporary directory and renamed into place,
 * so a crawl killed mid-write never leaves an entry that reads back truncated.
 */
export function fsCacheStorage(options?: FsCacheStorageOptions): CacheStorage {
  const opts = resolveFsCacheOptions(options);
  let base: string | undefined;
  let tmpRoot = '';
  let tmpReady: Promise<void> | undefined;
  let logger: Logger | undefined;
  // Fan-out directories (at most 256 for hex keys) known to exist: saves a mkdir per store.
  const madeDirs = new Set<string>();

  function entryDir(key: string): string {
    if (base === undefined) throw new ConfigError('fsCacheStorage used before open(crawler): the cache directory depends on the spider name');
    if (typeof key !== 'string' || !SAFE_KEY.test(key)) {
      throw new ConfigError(`fsCacheStorage: cache key ${JSON.stringify(key)} cannot be a directory name (expected a hex fingerprint)`);
    }
    return join(base, key.slice(0, 2), key);
  }

  function expired(timestamp: number): boolean {
    return opts.expirationSecs > 0 && opts.expirationSecs < Date.now() / 1000 - timestamp;
  }

  async function readEntry(dir: string, request: Request<any>): Promise<Response | undefined | 'replaced'> {
    const before = await statIfExists(dir);
    if (before === undefined) return undefined;
    const metaRaw = await readIfExists(join(dir, 'meta'));
    if (metaRaw === undefined) return 'replaced';
    // JSON never starts with 0x1f: the meta file says whether this entry was written gzipped.
    const gzipped = metaRaw[0] === 0x1f && metaRaw[1] === 0x8b;
    const decode = (b: Buffer): Promise<Buffer> | Buffer => (gzipped ? gunzip(b) : b);
    const meta = parseMeta((await decode(metaRaw)).toString('utf8'));
    if (expired(meta.timestamp)) return undefined;
    const [rawHeaders, body] = await Promise.all([readIfExists(join(dir, 'response_headers')), readIfExists(join(dir, 'response_body'))]);
    const after = await statIfExists(dir);
    // Entries are never edited in place, only swapped whole: same inode, same entry.
    if (rawHeaders === undefined || body === undefined || after === undefined || after.ino !== before.ino || after.dev !== before.dev) {
      return 'replaced';
    }
    const headers = rawToHeaders((await decode(rawHeaders)).toString('utf8'));
    return createResponse(meta.response_url, { status: meta.status, headers, body: await decode(body), request });
  }

  return {
    name: '@crawl/cache-fs',

    async open(crawler) {
      logger = crawler.logger.child('@crawl/cache-fs');
      const root = resolve(opts.dir);
      base = opts.useSpiderSubdir ? join(root, spiderDirName(crawler.spider.name)) : root;
      tmpRoot = join(base, TMP_DIR);
      tmpReady = undefined;
      madeDirs.clear();
      const removed = await removeAbandoned(tmpRoot);
      if (removed > 0) logger.debug(`Removed ${removed} unfinished cache entries left by killed crawls in ${tmpRoot}`);
      logger.debug(`Using filesystem cache storage in ${base}`);
    },

    async retrieve(request, key) {
      const dir = entryDir(key);
      try {
        for (let attempt = 0; attempt < READ_ATTEMPTS; attempt++) {
          const result = await readEntry(dir, request);
          if (result !== 'replaced') return result;
        }
        return undefined;
      } catch (error) {
        // A damaged entry (edited by hand, disk error) is a miss: the download replaces it.
        logger?.warn(`Ignoring unreadable HTTP cache entry ${dir}: ${error instanceof Error ? error.message : String(error)}`, { url: request.url });
        return undefined;
      }
    },

    async store(request, response, key) {
      const dir = entryDir(key);
      tmpReady ??= ensureDir(tmpRoot);
      await tmpReady;
      const meta: FsCacheMeta = {
        url: request.url,
        method: request.method,
        status: response.status,
        response_url: response.url,
        timestamp: Date.now() / 1000,
      };
      const files: [string, string | Uint8Array][] = [
        ['meta', JSON.stringify(meta)],
        ['response_headers', headersToRaw(response.headers, statusLine(response.status))],
        ['response_body', response.body],
        ['request_headers', headersToRaw(request.headers)],
        ['request_body', request.body],
      ];
      const tmp = tempName(tmpRoot);
      try {
        await ensureDir(tmp);
        await Promise.all(
          files.map(async ([name, data]) => writeFile(join(tmp, name), opts.gzip ? await gzip(data) : data)),
        );
        const parent = dirname(dir);
        if (!madeDirs.has(parent)) {
          await ensureDir(parent);
          madeDirs.add(parent);
        }
        try {
          await moveIntoPlace(tmp, dir, tmpRoot);
        } catch (error) {
          // The fan-out directory was removed behind our back (a cache cleaned mid-crawl).
          if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
          await ensureDir(parent);
          await moveIntoPlace(tmp, dir, tmpRoot);
        }
      } catch (error) {
        await removeQuietly(tmp);
        throw error;
      }
    },
  };
}

function spiderDirName(name: string): string {
  if (typeof name !== 'string' || name === '' || name === '.' || name === '..' || /[/\\\0]/.test(name) || name === TMP_DIR) {
    throw new ConfigError(
      `fsCacheStorage: spider name ${JSON.stringify(name)} cannot be a directory name; rename the spider or set useSpiderSubdir: false`,
    );
  }
  return name;
}

async function statIfExists(path: string): Promise<Stats | undefined> {
  try {
    return await stat(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

async function readIfExists(path: string): Promise<Buffer | undefined> {
  try {
    return await readFile(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

async function removeQuietly(path: string): Promise<void> {
  await rm(path, { recursive: true, force: true }).catch(() => undefined);
}
