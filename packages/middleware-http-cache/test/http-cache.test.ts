import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { fsCacheStorage } from '@crawl/cache-fs';
import {
  ConfigError,
  ConnectionRefusedError,
  createResponse,
  DownloadTimeoutError,
  IgnoreRequest,
  NotConfigured,
  Request,
  ResponseTooLargeError,
  type CachePolicy,
  type CacheStorage,
  type Response,
} from '@crawl/core';
import { fakeCrawler, testDownloaderMiddleware } from '@crawl/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { HTTP_CACHE_DEFAULTS, httpCache } from '../src/index.js';

const dirs: string[] = [];
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'crawl-httpcache-unit-'));
  dirs.push(dir);
  return dir;
}
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

const suiteDir = join(tmpdir(), `crawl-httpcache-suite-${process.pid}`);
dirs.push(suiteDir);
testDownloaderMiddleware('httpCache (dummy)', () => httpCache({ dir: suiteDir }));
testDownloaderMiddleware('httpCache (rfc2616)', () => httpCache({ dir: suiteDir, policy: 'rfc2616' }));

/** An in-memory storage that records calls: for checking what the middleware asks of a storage. */
function memoryStorage(): CacheStorage & { entries: Map<string, Response>; calls: string[] } {
  const entries = new Map<string, Response>();
  const calls: string[] = [];
  return {
    name: 'memory',
    entries,
    calls,
    open: () => void calls.push('open'),
    close: () => void calls.push('close'),
    async retrieve(request, key) {
      calls.push(`retrieve ${key}`);
      const r = entries.get(key);
      return r && createResponse(r.url, { status: r.status, headers: r.headers.clone(), body: r.body, flags: r.flags, request });
    },
    async store(_request, response, key) {
      calls.push(`store ${key}`);
      entries.set(key, response);
    },
  };
}

describe('httpCache options', () => {
  it("has Scrapy's defaults", () => {
    expect(HTTP_CACHE_DEFAULTS).toEqual({
      enabled: true,
      expirationSecs: 0,
      dir: '.crawl/httpcache',
      ignoreHttpCodes: [],
      ignoreMissing: false,
      ignoreSchemes: ['file'],
      policy: 'dummy',
      gzip: false,
      alwaysStore: false,
      ignoreResponseCacheControls: [],
      order: 900,
    });
    expect(httpCache().order).toBe(900);
    expect(httpCache({ order: 42 }).order).toBe(42);
    expect(httpCache().name).toBe('@crawl/middleware-http-cache');
  });

  it('rejects unknown keys, wrong types and options the chosen policy or storage would not read', () => {
    expect(() => httpCache({ expiration: 5 } as never)).toThrow(/httpCache: unknown option "expiration"/);
    expect(() => httpCache({ enabled: 'yes' as never })).toThrow(/enabled must be a boolean/);
    expect(() => httpCache({ order: Number.POSITIVE_INFINITY })).toThrow(/order must be a finite number/);
    expect(() => httpCache({ policy: 'rfc' as never })).toThrow(/policy must be 'dummy', 'rfc2616' or a CachePolicy/);
    expect(() => httpCache({ policy: 'rfc2616', ignoreHttpCodes: [404] })).toThrow(/option ignoreHttpCodes does not apply to policy 'rfc2616'/);
    expect(() => httpCache({ alwaysStore: true })).toThrow(/option alwaysStore does not apply to policy 'dummy'/);
    expect(() => httpCache({ ignoreResponseCacheControls: ['no-store'] })).toThrow(ConfigError);
    const custom: CachePolicy = { shouldCacheRequest: () => true, shouldCacheResponse: () => true, isCachedResponseFresh: () => true, isCachedResponseValid: () => true };
    expect(() => httpCache({ policy: custom, ignoreSchemes: [] })).toThrow(/ignoreSchemes configures the built-in policies/);
    expect(() => httpCache({ storage: memoryStorage(), gzip: true })).toThrow(/option gzip configures the default filesystem storage/);
    expect(() => httpCache({ storage: memoryStorage(), expirationSecs: 10 })).toThrow(/option expirationSecs configures the default filesystem storage/);
    expect(() => httpCache({ storage: {} as never })).toThrow(/storage must be a CacheStorage/);
    expect(() => httpCache({ expirationSecs: -1 })).toThrow(/fsCacheStorage option expirationSecs must be a finite number >= 0/);
    expect(() => httpCache({ ignoreHttpCodes: ['404'] as never })).toThrow(/ignoreHttpCodes must be an array of HTTP status codes/);
  });

  it('disables itself (NotConfigured) when enabled is false or dir is empty', async () => {
    await expect(Promise.resolve(httpCache({ enabled: false }).open!(fakeCrawler()))).rejects.toThrow(NotConfigured);
    await expect(Promise.resolve(httpCache({ dir: '' }).open!(fakeCrawler()))).rejects.toThrow(/dir is empty/);
  });

  it('opens and closes its storage with the crawl', async () => {
    const storage = memoryStorage();
    const mw = httpCache({ storage });
    const crawler = fakeCrawler();
    await mw.open!(crawler);
    await mw.close!(crawler, 'finished');
    expect(storage.calls).toEqual(['open', 'close']);
  });
});

describe('httpCache hooks', () => {
  it('uses the crawler fingerprint as the key', async () => {
    const storage = memoryStorage();
    const mw = httpCache({ storage });
    const crawler = { ...fakeCrawler(), fingerprint: (r: Request) => `key-${new URL(r.url).pathname.slice(1)}` };
    await mw.open!(crawler);
    const request = new Request('http://a.test/abc');
    await mw.processRequest!(request, crawler);
    await mw.processResponse!(request, createResponse(request.url, { body: 'x' }), crawler);
    expect(storage.calls).toEqual(['open', 'retrieve key-abc', 'store key-abc']);
  });

  it('never stores a streamed response (its body is not held), and passes it on untouched', async () => {
    const storage = memoryStorage();
    const mw = httpCache({ storage });
    const crawler = fakeCrawler();
    await mw.open!(crawler);
    const request = new Request('http://a.test/big', { meta: { streamBody: true } });
    await mw.processRequest!(request, crawler);
    const streamed = createResponse(request.url, { request, bodyStream: Readable.from([Buffer.from('large body')]) });
    expect(await mw.processResponse!(request, streamed, crawler)).toBe(streamed);
    expect(storage.entries.size).toBe(0);
    expect(crawler.stats.get('httpcache/uncacheable')).toBe(1);
  });

  it('serves a hit with the cached flag, tied to the request, without touching the stored copy', async () => {
    const storage = memoryStorage();
    const mw = httpCache({ storage });
    const crawler = fakeCrawler();
    await mw.open!(crawler);
    const first = new Request('http://a.test/p');
    await mw.processRequest!(first, crawler);
    await mw.processResponse!(first, createResponse(first.url, { body: 'p', flags: ['orig'] }), crawler);
    const again = new Request('http://a.test/p');
    const hit = (await mw.processRequest!(again, crawler)) as Response;
    expect(hit.flags).toEqual(['orig', 'cached']);
    expect(hit.request).toBe(again);
    // processResponse passes a cached response through untouched.
    expect(await mw.processResponse!(again, hit, crawler)).toBe(hit);
    expect(crawler.stats.get('httpcache/hit')).toBe(1);
  });

  it('ignoreMissing throws IgnoreRequest naming the request', async () => {
    const mw = httpCache({ storage: memoryStorage(), ignoreMissing: true });
    const crawler = fakeCrawler();
    await mw.open!(crawler);
    await expect(Promise.resolve(mw.processRequest!(new Request('http://a.test/nope'), crawler))).rejects.toThrow(IgnoreRequest);
    expect(crawler.stats.get('httpcache/ignore')).toBe(1);
  });

  it('recovers only from download errors, and only with a stale cached response', async () => {
    const storage = memoryStorage();
    const mw = httpCache({ storage, policy: 'rfc2616' });
    const crawler = fakeCrawler();
    await mw.open!(crawler);
    const seed = new Request('http://a.test/s');
    await mw.processRequest!(seed, crawler);
    await mw.processResponse!(seed, createResponse(seed.url, { headers: { ETag: '"1"', 'Cache-Control': 'max-age=0' }, body: 's' }), crawler);

    const stale = async (): Promise<Request> => {
      const r = new Request('http://a.test/s');
      expect(await mw.processRequest!(r, crawler)).toBeUndefined();
      return r;
    };
    const timeout = await stale();
    expect(((await mw.processException!(timeout, new DownloadTimeoutError(timeout.url, 1000), crawler)) as Response).flags).toContain('cached');
    // The stale copy was consumed: a second exception for the same request gets nothing.
    expect(await mw.processException!(timeout, new ConnectionRefusedError(timeout.url, 'refused'), crawler)).toBeUndefined();
    for (const error of [new Error('bug'), new IgnoreRequest('x'), new ResponseTooLargeError('http://a.test/s', 10, 5)]) {
      const r = await stale();
      expect(await mw.processException!(r, error, crawler)).toBeUndefined();
    }
    // No stale copy: nothing to recover with.
    expect(await mw.processException!(new Request('http://a.test/other'), new ConnectionRefusedError('http://a.test/other', 'x'), crawler)).toBeUndefined();
    expect(crawler.stats.get('httpcache/errorrecovery')).toBe(1);
  });

  it('consults a custom policy and storage', async () => {
    const seen: string[] = [];
    const policy: CachePolicy = {
      shouldCacheRequest: (r) => (seen.push(`request ${r.url}`), !r.url.endsWith('/skip')),
      shouldCacheResponse: (res) => (seen.push(`response ${res.status}`), res.status === 200),
      isCachedResponseFresh: () => (seen.push('fresh?'), false),
      isCachedResponseValid: (_c, res) => (seen.push(`valid? ${res.status}`), res.status === 299),
    };
    const storage = memoryStorage();
    const mw = httpCache({ storage, policy });
    const crawler = fakeCrawler({ spider: { name: 'custom' } });
    await mw.open!(crawler);
    const skip = new Request('http://a.test/skip');
    expect(await mw.processRequest!(skip, crawler)).toBeUndefined();
    await mw.processResponse!(skip, createResponse(skip.url), crawler);
    const r1 = new Request('http://a.test/x');
    await mw.processRequest!(r1, crawler);
    await mw.processResponse!(r1, createResponse(r1.url, { body: 'one' }), crawler);
    const r2 = new Request('http://a.test/x');
    await mw.processRequest!(r2, crawler);
    const valid = (await mw.processResponse!(r2, createResponse(r2.url, { status: 299 }), crawler)) as Response;
    expect(Buffer.from(valid.body).toString()).toBe('one');
    expect(seen).toEqual(['request http://a.test/skip', 'request http://a.test/x', 'response 200', 'request http://a.test/x', 'fresh?', 'valid? 299']);
    expect(storage.calls.filter((c) => c.startsWith('store'))).toHaveLength(1);
  });
});

describe('httpCache with the default filesystem storage', () => {
  it('writes under dir/<spider name>', async () => {
    const dir = await tempDir();
    const mw = httpCache({ dir });
    const crawler = fakeCrawler({ spider: { name: 'books' } });
    await mw.open!(crawler);
    const request = new Request('http://a.test/b');
    await mw.processRequest!(request, crawler);
    await mw.processResponse!(request, createResponse(request.url, { body: 'b' }), crawler);
    const direct = fsCacheStorage({ dir });
    await direct.open!(crawler);
    expect(await direct.retrieve(request, crawler.fingerprint(request))).toBeDefined();
  });
});
