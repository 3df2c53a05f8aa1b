import { Request, type Response } from '@crawl/core';
import { handlers, startTestServer, type RouteHandler, type TestServer } from '@crawl/test-servers';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Crawler, DEFAULT_SETTINGS, Downloader, crawl } from '../src/index.js';
import { fakeHandler } from './support/fake-handler.js';
import { fetchHandler } from './support/fetch-handler.js';
import { memoryLogger } from './support/logger.js';

const servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

const quiet = { logStatsInterval: 0 } as const;

describe('downloader slots', () => {
  it('holds concurrentRequestsPerDomain per host and concurrentRequests overall', async () => {
    let inFlight = 0;
    let peak = 0;
    // A slow page that counts requests in flight across both servers.
    const slow: RouteHandler = (_req, res) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      const timer = setTimeout(() => {
        inFlight--;
        res.writeHead(200, { 'content-type': 'text/html', 'content-length': '13' }).end('<p>slow</p>\n\n');
      }, 120);
      res.on('close', () => clearTimeout(timer));
    };
    const v4 = await startTestServer({ host: '127.0.0.1', fallback: slow });
    const v6 = await startTestServer({ host: '::1', fallback: slow });
    servers.push(v4, v6);
    const urls: string[] = [];
    for (let i = 0; i < 8; i++) urls.push(`${v4.url}/p${i}`, `${v6.url}/p${i}`);

    const result = await crawl(
      { name: 'two-hosts', startUrls: urls, parse: () => undefined },
      {
        downloadHandlers: [fetchHandler()],
        logger: memoryLogger(),
        builtinSpiderMiddlewares: false,
        settings: { ...quiet, concurrentRequests: 3, concurrentRequestsPerDomain: 2 },
      },
    );
    expect(result.stats['response_received_count']).toBe(16);
    expect(v4.requests).toHaveLength(8);
    expect(v6.requests).toHaveLength(8);
    expect(v4.peakInFlight()).toBeLessThanOrEqual(2);
    expect(v6.peakInFlight()).toBeLessThanOrEqual(2);
    expect(peak).toBeLessThanOrEqual(3);
    // Parallelism is really used: some host saw two at once, and overall more than two ran together.
    expect(Math.max(v4.peakInFlight(), v6.peakInFlight())).toBe(2);
    expect(peak).toBe(3);
  });

  it('spaces requests of one slot by downloadDelay (exactly, without randomisation)', async () => {
    const server = await startTestServer({ fallback: handlers.html('<p>x</p>') });
    servers.push(server);
    const delay = 0.25;
    await crawl(
      { name: 'delay', startUrls: Array.from({ length: 5 }, (_, i) => `${server.url}/d${i}`), parse: () => undefined },
      {
        downloadHandlers: [fetchHandler()],
        logger: memoryLogger(),
        settings: { ...quiet, downloadDelay: delay, randomizeDownloadDelay: false, concurrentRequestsPerDomain: 8 },
      },
    );
    const at = server.requests.map((r) => r.at);
    expect(at).toHaveLength(5);
    // Lower bounds only (a loaded machine may space them more). Arrival times at the server jitter
    // by the time each request spends in transit, so one gap may look shorter than the delay the
    // slot kept; the whole span cannot.
    for (let i = 1; i < at.length; i++) expect(at[i]! - at[i - 1]!).toBeGreaterThanOrEqual(delay * 1000 * 0.8);
    expect(at[at.length - 1]! - at[0]!).toBeGreaterThanOrEqual((at.length - 1) * delay * 1000 - 30);
    expect(server.peakInFlight()).toBe(1);
  });

  it('randomised downloadDelay keeps gaps of at least half the delay', async () => {
    const server = await startTestServer({ fallback: handlers.html('<p>x</p>') });
    servers.push(server);
    const delay = 0.2;
    await crawl(
      { name: 'delay', startUrls: Array.from({ length: 6 }, (_, i) => `${server.url}/r${i}`), parse: () => undefined },
      { downloadHandlers: [fetchHandler()], logger: memoryLogger(), settings: { ...quiet, downloadDelay: delay } },
    );
    const at = server.requests.map((r) => r.at);
    expect(at).toHaveLength(6);
    for (let i = 1; i < at.length; i++) expect(at[i]! - at[i - 1]!).toBeGreaterThanOrEqual(delay * 500 * 0.8);
  });

  it('a slot deferred with deferUntil does not hold back other slots', async () => {
    const handler = fakeHandler();
    let deferredTo = 0;
    const result = await crawl(
      {
        name: 'defer',
        startUrls: ['http://slow.test/1', 'http://fast.test/1', 'http://fast.test/2', 'http://fast.test/3'],
        parse: () => undefined,
      },
      {
        downloadHandlers: [handler],
        logger: memoryLogger(),
        settings: quiet,
        extensions: [
          {
            name: 'defer-slow',
            open(crawler) {
              const slot = crawler.downloader.slot('slow.test');
              deferredTo = Date.now() + 400;
              slot.deferUntil(deferredTo);
              slot.deferUntil(Date.now()); // never moves earlier
              expect(slot.nextAllowedAt).toBe(deferredTo);
            },
          },
        ],
      },
    );
    expect(result.stats['response_received_count']).toBe(4);
    const order = handler.requests.map((r) => r.url);
    expect(order.slice(0, 3).every((u) => u.startsWith('http://fast.test/'))).toBe(true);
    expect(order[3]).toBe('http://slow.test/1');
  });

  it('crawler.download() requests jump ahead of scheduled requests in their slot', async () => {
    const handler = fakeHandler(() => ({ delayMs: 30 }));
    let crawler: Crawler | undefined;
    const media: Promise<Response>[] = [];
    crawler = new Crawler(
      {
        name: 'media',
        startUrls: Array.from({ length: 5 }, (_, i) => `http://one.test/s${i}`),
        parse(response) {
          if (response.url.endsWith('/s0')) media.push(crawler!.download(new Request('http://one.test/media.jpg')));
        },
      },
      { downloadHandlers: [handler], logger: memoryLogger(), settings: { ...quiet, concurrentRequestsPerDomain: 1 } },
    );
    const result = await crawler.crawl();
    const order = handler.requests.map((r) => new URL(r.url).pathname);
    expect(order).toHaveLength(6);
    // s0 ran first; s1 may already have left the slot when s0's callback ran; media comes next.
    expect(order.indexOf('/media.jpg')).toBeLessThanOrEqual(2);
    expect(order.indexOf('/media.jpg')).toBeLessThan(order.indexOf('/s2'));
    expect((await media[0])!.status).toBe(200);
    // Direct downloads skip the scheduler.
    expect(result.stats['scheduler/enqueued']).toBe(5);
  });

  it('reports per-slot active and queued counts', async () => {
    const handler = fakeHandler(() => ({ delayMs: 20 }));
    const seen: { active: number; queued: number; key: string }[] = [];
    const crawler = new Crawler(
      {
        name: 'state',
        startUrls: ['http://x.test/1', 'http://x.test/2', 'http://x.test/3'],
        parse() {
          const slot = crawler.downloader.slot('x.test');
          seen.push({ active: slot.active, queued: slot.queued, key: slot.key });
        },
      },
      { downloadHandlers: [handler], logger: memoryLogger(), settings: { ...quiet, concurrentRequestsPerDomain: 1 } },
    );
    await crawler.crawl();
    expect(seen[0]).toEqual({ active: 1, queued: 1, key: 'x.test' });
    expect(handler.peak).toBe(1);
  });

  it('drops idle slots after a minute but keeps deferred ones', () => {
    vi.useFakeTimers();
    try {
      const downloader = new Downloader({} as Crawler, DEFAULT_SETTINGS);
      downloader.slot('idle.test');
      downloader.slot('deferred.test').deferUntil(Date.now() + 10 * 60_000);
      expect(downloader.slotCount).toBe(2);
      vi.advanceTimersByTime(2 * 60_000 + 1000);
      expect(downloader.slotCount).toBe(1);
      expect(downloader.slot('deferred.test').nextAllowedAt).toBeGreaterThan(Date.now());
      downloader.close();
    } finally {
      vi.useRealTimers();
    }
  });
});
