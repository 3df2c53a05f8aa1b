import { createResponse, isRequest, isResponse, NotConfigured, Request, type Crawler, type DownloaderMiddleware } from '@crawl/core';
import { describe, expect, it } from 'vitest';

/**
 * The contract every downloader middleware must keep, whatever it does: a stable name, a
 * numeric order, and hooks that return only what Scrapy's contract allows.
 */
export function testDownloaderMiddleware(
  name: string,
  factory: () => DownloaderMiddleware,
  options: { crawler?: () => Crawler | Promise<Crawler>; request?: () => Request } = {},
): void {
  describe(`DownloaderMiddleware contract: ${name}`, () => {
    async function opened(): Promise<[DownloaderMiddleware, Crawler] | undefined> {
      const { fakeCrawler } = await import('./fake-crawler.js');
      const mw = factory();
      // The plugin's own setting keys must be known, or an open() that reads them fails or disables it.
      const settingDefaults = (mw as { defaultSettings?: Record<string, unknown> }).defaultSettings;
      const crawler = options.crawler ? await options.crawler() : fakeCrawler(settingDefaults ? { settingDefaults: { ...settingDefaults } } : {});
      try {
        await mw.open?.(crawler);
      } catch (error) {
        if (error instanceof NotConfigured) return undefined;
        throw error;
      }
      return [mw, crawler];
    }
    const makeRequest = options.request ?? (() => new Request('http://a.test/page'));

    it('has a name and a finite order', () => {
      const mw = factory();
      expect(typeof mw.name).toBe('string');
      expect(mw.name.length).toBeGreaterThan(0);
      expect(Number.isFinite(mw.order)).toBe(true);
      expect(mw.processRequest ?? mw.processResponse ?? mw.processException).toBeTypeOf('function');
    });

    it('processRequest returns nothing, a Request or a Response', async () => {
      const pair = await opened();
      if (!pair) return;
      const [mw, crawler] = pair;
      if (!mw.processRequest) return;
      const out = await mw.processRequest(makeRequest(), crawler);
      expect(out === undefined || isRequest(out) || isResponse(out)).toBe(true);
      await mw.close?.(crawler, 'finished');
    });

    it('processResponse returns a Request or a Response', async () => {
      const pair = await opened();
      if (!pair) return;
      const [mw, crawler] = pair;
      if (!mw.processResponse) return;
      const request = makeRequest();
      const response = createResponse(request.url, { status: 200, headers: { 'Content-Type': 'text/html' }, body: '<html></html>', request });
      const out = await mw.processResponse(request, response, crawler);
      expect(isRequest(out) || isResponse(out)).toBe(true);
      await mw.close?.(crawler, 'finished');
    });

    it('processException returns nothing, a Request or a Response', async () => {
      const pair = await opened();
      if (!pair) return;
      const [mw, crawler] = pair;
      if (!mw.processException) return;
      const out = await mw.processException(makeRequest(), new Error('boom'), crawler);
      expect(out === undefined || isRequest(out) || isResponse(out)).toBe(true);
      await mw.close?.(crawler, 'finished');
    });

    it('keeps no state between two crawlers', async () => {
      const a = await opened();
      const b = await opened();
      if (!a || !b) return;
      expect(a[0]).not.toBe(b[0]);
      await a[0].close?.(a[1], 'finished');
      await b[0].close?.(b[1], 'finished');
    });
  });
}
