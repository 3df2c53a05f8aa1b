import { createResponse, Request, type CacheStorage, type Crawler } from '@crawl/core';
import { describe, expect, it } from 'vitest';

/** The behaviour every HTTP-cache storage (fs, lmdb, leveldb) must share. */
export function testCacheStorage(
  name: string,
  factory: () => CacheStorage | Promise<CacheStorage>,
  options: { crawler?: () => Crawler | Promise<Crawler> } = {},
): void {
  describe(`CacheStorage conformance: ${name}`, () => {
    async function opened(): Promise<[CacheStorage, Crawler]> {
      const { fakeCrawler } = await import('./fake-crawler.js');
      const crawler = options.crawler ? await options.crawler() : fakeCrawler();
      const storage = await factory();
      await storage.open?.(crawler);
      return [storage, crawler];
    }

    it('misses an unknown key', async () => {
      const [storage, crawler] = await opened();
      expect(await storage.retrieve(new Request('http://a.test/none'), crawler.fingerprint(new Request('http://a.test/none')))).toBeUndefined();
      await storage.close?.(crawler, 'finished');
    });

    it('round-trips status, headers, body and URL', async () => {
      const [storage, crawler] = await opened();
      const request = new Request('http://a.test/page?x=1');
      const body = new Uint8Array([0, 1, 2, 255, 10, 13]);
      const response = createResponse('http://a.test/page?x=1', {
        status: 203,
        headers: [['Content-Type', 'application/octet-stream'], ['Set-Cookie', 'a=1'], ['Set-Cookie', 'b=2']],
        body,
        request,
      });
      const key = crawler.fingerprint(request);
      await storage.store(request, response, key);
      const cached = await storage.retrieve(request, key);
      expect(cached).toBeDefined();
      expect(cached!.status).toBe(203);
      expect(cached!.url).toBe('http://a.test/page?x=1');
      expect(cached!.headers.getAll('set-cookie')).toEqual(['a=1', 'b=2']);
      expect(Buffer.from(cached!.body)).toEqual(Buffer.from(body));
      await storage.close?.(crawler, 'finished');
    });

    it('keeps keys apart and replaces on store', async () => {
      const [storage, crawler] = await opened();
      const a = new Request('http://a.test/a');
      const b = new Request('http://a.test/b');
      await storage.store(a, createResponse(a.url, { body: 'A1', headers: { 'Content-Type': 'text/plain' } }), crawler.fingerprint(a));
      await storage.store(b, createResponse(b.url, { body: 'B', headers: { 'Content-Type': 'text/plain' } }), crawler.fingerprint(b));
      await storage.store(a, createResponse(a.url, { body: 'A2', headers: { 'Content-Type': 'text/plain' } }), crawler.fingerprint(a));
      expect((await storage.retrieve(a, crawler.fingerprint(a)))!.text).toBe('A2');
      expect((await storage.retrieve(b, crawler.fingerprint(b)))!.text).toBe('B');
      await storage.close?.(crawler, 'finished');
    });
  });
}
