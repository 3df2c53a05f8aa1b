import { Request, type DownloaderMiddleware } from '@crawl/core';
import { describe, expect, it } from 'vitest';
import { Crawler, crawl } from '../src/index.js';
import { fakeHandler, sleep } from './support/fake-handler.js';
import { memoryLogger } from './support/logger.js';

const quiet = { logStatsInterval: 0 } as const;

describe('engine events and bookkeeping', () => {
  it('emits the request lifecycle events in order and sets meta.downloadLatency', async () => {
    const log: string[] = [];
    let latency: unknown;
    await crawl(
      {
        name: 'events',
        startUrls: ['http://ev.test/'],
        parse(response) {
          latency = response.meta.downloadLatency;
          return { ok: 1 };
        },
      },
      {
        downloadHandlers: [fakeHandler(() => ({ delayMs: 20 }))],
        logger: memoryLogger(),
        settings: quiet,
        extensions: [
          {
            name: 'watch',
            open(c) {
              for (const e of ['requestScheduled', 'requestReachedDownloader', 'responseDownloaded', 'requestLeftDownloader', 'responseReceived', 'itemScraped'] as const) {
                c.events.on(e, () => void log.push(e));
              }
            },
          },
        ],
      },
    );
    expect(log).toEqual(['requestScheduled', 'requestReachedDownloader', 'responseDownloaded', 'requestLeftDownloader', 'responseReceived', 'itemScraped']);
    expect(typeof latency).toBe('number');
    expect(latency as number).toBeGreaterThanOrEqual(0.015);
  });

  it('the slot is left before the response goes up the middleware chain (Scrapy finish_transferring)', async () => {
    const log: string[] = [];
    await crawl(
      { name: 'slot-order', startUrls: ['http://ev.test/'], parse: () => undefined },
      {
        downloadHandlers: [fakeHandler(() => ({ delayMs: 5 }))],
        logger: memoryLogger(),
        settings: quiet,
        downloaderMiddlewares: [
          {
            name: 'watch-response',
            order: 500,
            processResponse(_request, response) {
              log.push('processResponse');
              return response;
            },
          },
        ],
        extensions: [
          {
            name: 'watch',
            open(c) {
              for (const e of ['responseDownloaded', 'requestLeftDownloader', 'responseReceived'] as const) c.events.on(e, () => void log.push(e));
            },
          },
        ],
      },
    );
    expect(log).toEqual(['responseDownloaded', 'requestLeftDownloader', 'processResponse', 'responseReceived']);
  });

  it('keeps a downloadLatency that the handler set itself; downloadError fires for handler failures', async () => {
    const errors: string[] = [];
    const latencies: unknown[] = [];
    const base = fakeHandler((r) => (r.url.endsWith('/fail') ? new Error('nope') : undefined));
    await crawl(
      { name: 'lat', startUrls: ['http://lat.test/ok', 'http://lat.test/fail'], parse: (r) => void latencies.push(r.meta.downloadLatency) },
      {
        downloadHandlers: [
          {
            ...base,
            download: async (request, crawler) => {
              const response = await base.download(request, crawler);
              request.meta.downloadLatency = 1.25;
              return response;
            },
          },
        ],
        logger: memoryLogger(),
        settings: quiet,
        extensions: [{ name: 'errors', open: (c) => void c.events.on('downloadError', (_e, r) => void errors.push(r.url)) }],
      },
    );
    expect(latencies).toEqual([1.25]);
    expect(errors).toEqual(['http://lat.test/fail']);
  });

  it('emits requestDropped for a duplicate', async () => {
    const dropped: string[] = [];
    await crawl(
      { name: 'dup', startUrls: ['http://d.test/'], parse: (r) => (r.url === 'http://d.test/' ? [new Request('http://d.test/x'), new Request('http://d.test/x')] : undefined) },
      {
        downloadHandlers: [fakeHandler()],
        logger: memoryLogger(),
        settings: quiet,
        extensions: [{ name: 'w', open: (c) => void c.events.on('requestDropped', (r) => void dropped.push(r.url)) }],
      },
    );
    expect(dropped).toEqual(['http://d.test/x']);
  });

  it('stops pulling requests while responses over scraperSlotMaxActiveSize are being processed', async () => {
    let callbacks = 0;
    const pulledDuringCallbacks: string[] = [];
    let initial = true;
    const result = await crawl(
      {
        name: 'backpressure',
        startUrls: Array.from({ length: 12 }, (_, i) => `http://bp.test/${i}`),
        async parse() {
          initial = false;
          callbacks++;
          await sleep(15);
          callbacks--;
        },
      },
      {
        downloadHandlers: [fakeHandler(() => ({ delayMs: 5 }))],
        logger: memoryLogger(),
        settings: { ...quiet, concurrentRequests: 4, scraperSlotMaxActiveSize: 1 },
        extensions: [
          {
            name: 'watch',
            open: (c) =>
              void c.events.on('requestReachedDownloader', (r) => {
                if (!initial && callbacks > 0) pulledDuringCallbacks.push(r.url);
              }),
          },
        ],
      },
    );
    expect(result.stats['response_received_count']).toBe(12);
    expect(pulledDuringCallbacks).toEqual([]);
  });

  it('crawler.download(): no dupefilter, follows a Request returned by a middleware, rejects on failure', async () => {
    const handler = fakeHandler((r) => (r.url.endsWith('/broken') ? new Error('broken image') : undefined));
    const outcomes: string[] = [];
    const moved: DownloaderMiddleware = {
      name: 'moved',
      order: 600,
      processResponse: (req, res) => (req.url.endsWith('/old.jpg') ? req.replace({ url: 'http://img.test/new.jpg' }) : res),
    };
    let crawler: Crawler | undefined;
    crawler = new Crawler(
      {
        name: 'media',
        startUrls: ['http://page.test/'],
        async parse() {
          const c = crawler!;
          const a = await c.download(new Request('http://img.test/a.jpg'));
          const b = await c.download(new Request('http://img.test/a.jpg'));
          outcomes.push(`${a.status} ${b.status}`);
          outcomes.push((await c.download(new Request('http://img.test/old.jpg'))).url);
          outcomes.push(await c.download(new Request('http://img.test/broken')).then(() => 'resolved', (e: Error) => e.message));
        },
      },
      { downloadHandlers: [handler], downloaderMiddlewares: [moved], logger: memoryLogger(), settings: quiet },
    );
    const result = await crawler.crawl();
    expect(outcomes).toEqual(['200 200', 'http://img.test/new.jpg', 'broken image']);
    expect(handler.requests.filter((r) => r.url === 'http://img.test/a.jpg')).toHaveLength(2);
    expect(result.stats['scheduler/enqueued']).toBe(1);
    await expect(crawler.download(new Request('http://img.test/late.jpg'))).rejects.toThrow(/not running/);
  });

  it('installs SIGINT/SIGTERM handlers only for the crawl when handleSignals is set', async () => {
    const before = [process.listenerCount('SIGINT'), process.listenerCount('SIGTERM')];
    let during: number[] = [];
    await crawl(
      { name: 'sig', startUrls: ['http://s.test/'], parse: () => void (during = [process.listenerCount('SIGINT'), process.listenerCount('SIGTERM')]) },
      { downloadHandlers: [fakeHandler()], logger: memoryLogger(), settings: quiet, handleSignals: true },
    );
    expect(during).toEqual([before[0]! + 1, before[1]! + 1]);
    expect([process.listenerCount('SIGINT'), process.listenerCount('SIGTERM')]).toEqual(before);
  });
});
