import { ConfigError, Request, createResponse } from '@crawl/core';
import { fakeCrawler, testDownloaderMiddleware, type FakeCrawler } from '@crawl/testing';
import { describe, expect, it } from 'vitest';
import { AUTOTHROTTLE_DEFAULTS, AUTOTHROTTLE_SETTING_DEFAULTS, autothrottle, type AutothrottleOptions } from '../src/index.js';

testDownloaderMiddleware('autothrottle', () => autothrottle());

async function opened(options?: AutothrottleOptions, crawler: FakeCrawler = fakeCrawler()) {
  const mw = autothrottle(options);
  await mw.open!(crawler);
  const download = async (url: string, latency: number | undefined, status = 200, meta: Record<string, unknown> = {}) => {
    const request = new Request(url, { meta });
    await mw.processRequest!(request, crawler);
    if (latency !== undefined) request.meta.downloadLatency = latency;
    const response = createResponse(url, { status, headers: { 'Content-Type': 'text/plain' }, body: 'hello', request });
    crawler.events.emit('responseDownloaded', response, request);
    return crawler.downloader.slot(request).delay;
  };
  return { mw, crawler, download };
}

describe('autothrottle()', () => {
  it("has Scrapy's defaults and order 990", () => {
    expect(AUTOTHROTTLE_DEFAULTS).toEqual({ startDelay: 5, maxDelay: 60, targetConcurrency: 1, debug: false, backoffStatuses: [429, 503], order: 990 });
    expect(autothrottle().order).toBe(990);
    expect(autothrottle({ order: 10 }).order).toBe(10);
  });

  it('gives each new slot the start delay, never below downloadDelay, keeping a higher delay set by others', async () => {
    const { mw, crawler } = await opened();
    const request = new Request('http://a.test/');
    await mw.processRequest!(request, crawler);
    expect(crawler.downloader.slot('a.test').delay).toBe(5);
    crawler.downloader.slot('a.test').delay = 1;
    await mw.processRequest!(new Request('http://a.test/2'), crawler);
    expect(crawler.downloader.slot('a.test').delay).toBe(1);

    const slow = await opened({ startDelay: 1 }, fakeCrawler({ settings: { downloadDelay: 3 } }));
    await slow.mw.processRequest!(new Request('http://b.test/'), slow.crawler);
    expect(slow.crawler.downloader.slot('b.test').delay).toBe(3);

    const raised = await opened({ startDelay: 1 });
    raised.crawler.downloader.slot('c.test').delay = 10;
    await raised.mw.processRequest!(new Request('http://c.test/'), raised.crawler);
    expect(raised.crawler.downloader.slot('c.test').delay).toBe(10);
  });

  it('adjusts the slot of each downloaded response from its latency', async () => {
    const { download, crawler } = await opened();
    expect(await download('http://a.test/1', 1)).toBe(3);
    expect(await download('http://a.test/2', 1)).toBe(2);
    expect(await download('http://b.test/1', 0.5)).toBe(2.75);
    expect(crawler.downloader.slot('a.test').delay).toBe(2);
  });

  it('backs off on 429 and 503 by doubling, up to maxDelay', async () => {
    const { download } = await opened({ maxDelay: 15 });
    expect(await download('http://a.test/', 0.01, 429)).toBe(10);
    expect(await download('http://a.test/', 0.01, 503)).toBe(15);
    expect(await download('http://a.test/', 0.01, 404)).toBe(15);
  });

  it('keeps within downloadDelay and maxDelay', async () => {
    const floor = await opened({ startDelay: 0 }, fakeCrawler({ settings: { downloadDelay: 0.5 } }));
    for (let i = 0; i < 10; i++) expect(await floor.download('http://a.test/', 0.001)).toBeGreaterThanOrEqual(0.5);
    const cap = await opened({ maxDelay: 2 });
    await cap.mw.processRequest!(new Request('http://a.test/'), cap.crawler);
    expect(cap.crawler.downloader.slot('a.test').delay).toBe(2);
    for (let i = 0; i < 5; i++) expect(await cap.download('http://a.test/', 30, i % 2 ? 200 : 429)).toBeLessThanOrEqual(2);
  });

  it('skips responses without latency and requests marked autothrottleDontAdjustDelay', async () => {
    const { download } = await opened();
    expect(await download('http://a.test/', undefined)).toBe(5);
    expect(await download('http://a.test/', 0.01, 200, { autothrottleDontAdjustDelay: true })).toBe(5);
  });

  it("logs each adjustment like Scrapy's AUTOTHROTTLE_DEBUG", async () => {
    const { download, crawler } = await opened({ debug: true });
    await download('http://a.test/', 1);
    expect(crawler.messages('info', '@crawl/autothrottle')).toEqual(['slot: a.test | conc: 0 | delay: 3000 ms (-2000) | latency: 1000 ms | size:     5 bytes']);
  });

  it('stops adjusting once closed', async () => {
    const { mw, crawler, download } = await opened();
    await mw.close!(crawler, 'finished');
    expect(crawler.events.listenerCount('responseDownloaded')).toBe(0);
    crawler.downloader.slot('a.test').delay = 5;
    const request = new Request('http://a.test/');
    request.meta.downloadLatency = 1;
    crawler.events.emit('responseDownloaded', createResponse(request.url, { status: 200, body: '', request }), request);
    expect(crawler.downloader.slot('a.test').delay).toBe(5);
    expect(download).toBeTypeOf('function');
  });

  it('reads the autothrottle* settings below the options', async () => {
    const settings = { autothrottleStartDelay: 2, autothrottleMaxDelay: 3, autothrottleTargetConcurrency: 2, autothrottleDebug: true };
    const crawler = fakeCrawler({ settingDefaults: AUTOTHROTTLE_SETTING_DEFAULTS, settings });
    const { download } = await opened(undefined, crawler);
    expect(await download('http://a.test/', 1)).toBe(1.25);
    expect(crawler.messages('info')).toHaveLength(1);
    const other = fakeCrawler({ settingDefaults: AUTOTHROTTLE_SETTING_DEFAULTS, settings });
    const optioned = await opened({ startDelay: 3, targetConcurrency: 1, debug: false }, other);
    expect(await optioned.download('http://a.test/', 1)).toBe(2);
    expect(other.messages('info')).toHaveLength(0);
  });

  it('warns when downloadDelay is above maxDelay', async () => {
    const { crawler } = await opened({ maxDelay: 1 }, fakeCrawler({ settings: { downloadDelay: 2 } }));
    expect(crawler.messages('warn', '@crawl/autothrottle')).toEqual(['autothrottle: downloadDelay (2 s) is above maxDelay (1 s); delays stay at downloadDelay']);
  });

  it('rejects bad options and settings with a ConfigError naming them', async () => {
    expect(() => autothrottle({ targetConcurrency: 0 })).toThrow(/option "targetConcurrency" must be a finite number > 0, got 0/);
    expect(() => autothrottle({ startDelay: -1 })).toThrow(/option "startDelay" must be a finite number of seconds >= 0/);
    expect(() => autothrottle({ maxDelay: Infinity })).toThrow(ConfigError);
    expect(() => autothrottle({ debug: 1 as never })).toThrow(/option "debug" must be true or false/);
    expect(() => autothrottle({ backoffStatuses: [429, 42] })).toThrow(/"backoffStatuses" must be an array of HTTP status codes/);
    expect(() => autothrottle({ enabled: true } as never)).toThrow(/unknown option "enabled"/);
    const bad = fakeCrawler({ settingDefaults: AUTOTHROTTLE_SETTING_DEFAULTS, settings: { autothrottleTargetConcurrency: -1 } });
    await expect(async () => autothrottle().open!(bad)).rejects.toThrow(/Setting autothrottleTargetConcurrency must be a finite number > 0/);
  });
});
