import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fsCacheStorage } from '@crawl/cache-fs';
import { levelCacheStorage } from '@crawl/cache-leveldb';
import { lmdbCacheStorage } from '@crawl/cache-lmdb';
import { createResponse, fingerprint, HtmlResponse, Request, TextResponse, XmlResponse, type CacheStorage, type Crawler } from '@crawl/core';
import { fakeCrawler, testCacheStorage } from '@crawl/testing';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';

// One behaviour for the three storages: @crawl/testing's conformance suite plus what the
// middleware relies on (expiry, spiders kept apart, a second run, response classes).
const dirs: string[] = [];
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'crawl-httpcache-storages-'));
  dirs.push(dir);
  return dir;
}
const opened: [CacheStorage, Crawler][] = [];
afterEach(async () => {
  vi.useRealTimers();
  for (const [s, c] of opened.splice(0)) await s.close?.(c, 'finished');
});
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

const FACTORIES = {
  fs: (dir: string, expirationSecs = 0) => fsCacheStorage({ dir, expirationSecs }),
  'fs+gzip': (dir: string, expirationSecs = 0) => fsCacheStorage({ dir, expirationSecs, gzip: true }),
  lmdb: (dir: string, expirationSecs = 0) => lmdbCacheStorage({ path: join(dir, 'lmdb'), expirationSecs }),
  leveldb: (dir: string, expirationSecs = 0) => levelCacheStorage({ path: join(dir, 'leveldb'), expirationSecs }),
};

for (const [kind, factory] of Object.entries(FACTORIES)) {
  testCacheStorage(kind, async () => factory(await tempDir()));

  describe(`${kind} storage behaviour`, () => {
    async function open(dir: string, spider = 'shared', expirationSecs = 0): Promise<CacheStorage> {
      const crawler = fakeCrawler({ spider: { name: spider } });
      const storage = factory(dir, expirationSecs);
      await storage.open?.(crawler);
      opened.push([storage, crawler]);
      return storage;
    }
    const closeAll = async () => {
      for (const [s, c] of opened.splice(0)) await s.close?.(c, 'finished');
    };

    it('rebuilds the response class from the stored headers and ties it to the asking request', async () => {
      const storage = await open(await tempDir());
      const cases: [string, string, unknown][] = [
        ['http://a.test/h', 'text/html; charset=utf-8', HtmlResponse],
        ['http://a.test/x', 'application/xml', XmlResponse],
        ['http://a.test/t', 'application/json', TextResponse],
      ];
      for (const [url, type, cls] of cases) {
        const request = new Request(url);
        await storage.store(request, createResponse(url, { headers: { 'Content-Type': type }, body: '<a/>' }), fingerprint(request));
        const asking = new Request(url);
        const cached = await storage.retrieve(asking, fingerprint(asking));
        expect(cached).toBeInstanceOf(cls as typeof TextResponse);
        expect(cached!.request).toBe(asking);
      }
    });

    it('keeps spiders apart and serves a later run', async () => {
      const dir = await tempDir();
      const request = new Request('http://a.test/run');
      const key = fingerprint(request);
      const first = await open(dir, 'one');
      await first.store(request, createResponse(request.url, { status: 203, body: 'first run' }), key);
      await closeAll();
      expect(await (await open(dir, 'two')).retrieve(request, key)).toBeUndefined();
      await closeAll();
      const later = await open(dir, 'one');
      const cached = await later.retrieve(request, key);
      expect([cached!.status, Buffer.from(cached!.body).toString()]).toEqual([203, 'first run']);
    });

    it('expires entries older than expirationSecs, never with 0', async () => {
      vi.useFakeTimers({ toFake: ['Date'] });
      vi.setSystemTime(Date.UTC(2031, 0, 1));
      const dir = await tempDir();
      const storage = await open(dir, 'exp', 10);
      const request = new Request('http://a.test/e');
      const key = fingerprint(request);
      await storage.store(request, createResponse(request.url, { body: 'e' }), key);
      vi.setSystemTime(Date.UTC(2031, 0, 1) + 10_000);
      expect(await storage.retrieve(request, key)).toBeDefined();
      vi.setSystemTime(Date.UTC(2031, 0, 1) + 10_001);
      expect(await storage.retrieve(request, key)).toBeUndefined();
      await closeAll();
      vi.setSystemTime(Date.UTC(2041, 0, 1));
      expect(await (await open(dir, 'exp', 0)).retrieve(request, key)).toBeDefined();
    });

    it('keeps binary bodies, empty bodies and non-ASCII header values intact', async () => {
      const storage = await open(await tempDir());
      const bodies = [new Uint8Array(0), new Uint8Array(256).map((_, i) => i), new Uint8Array(3 * 1024 * 1024).fill(0xab)];
      for (const [i, body] of bodies.entries()) {
        const request = new Request(`http://a.test/bin/${i}`);
        await storage.store(request, createResponse(request.url, { headers: { 'X-Name': 'café ✓' }, body }), fingerprint(request));
        const cached = await storage.retrieve(request, fingerprint(request));
        expect(Buffer.from(cached!.body).equals(Buffer.from(body))).toBe(true);
        expect(cached!.headers.get('x-name')).toBe('café ✓');
      }
    });
  });
}
