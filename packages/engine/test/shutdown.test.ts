import type { RouteHandler, TestServer } from '@crawl/test-servers';
import { handlers, startTestServer } from '@crawl/test-servers';
import { afterEach, describe, expect, it } from 'vitest';
import { Crawler } from '../src/index.js';
import { fetchHandler } from './support/fetch-handler.js';
import { memoryLogger } from './support/logger.js';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('stop() and abort()', () => {
  it('stop() finishes in-flight downloads, their callbacks and pipelines, then closes with "shutdown"', async () => {
    const site = await startTestServer({ fallback: handlers.delay(150, handlers.html('<h1>slow</h1>')) });
    server = site;
    const parsed: string[] = [];
    const stored: unknown[] = [];
    const crawler = new Crawler(
      {
        name: 'graceful',
        startUrls: Array.from({ length: 30 }, (_, i) => `${site.url}/p${i}`),
        async parse(response) {
          await new Promise((r) => setTimeout(r, 20));
          parsed.push(response.url);
          return { url: response.url };
        },
      },
      {
        downloadHandlers: [fetchHandler()],
        logger: memoryLogger(),
        settings: { logStatsInterval: 0, concurrentRequests: 4 },
        itemPipelines: [
          {
            name: 'slow-store',
            async processItem(item) {
              await new Promise((r) => setTimeout(r, 20));
              stored.push(item);
              return item;
            },
          },
        ],
        extensions: [{ name: 'stopper', open: (c) => void c.events.once('responseReceived', () => void c.stop()) }],
      },
    );
    const result = await crawler.crawl();
    expect(result.reason).toBe('shutdown');
    const arrived = server.requests.length;
    expect(arrived).toBeGreaterThan(0);
    expect(arrived).toBeLessThan(30);
    // Every request that reached the server was downloaded, parsed and stored before the close.
    expect(result.stats['response_received_count']).toBe(arrived);
    expect(parsed).toHaveLength(arrived);
    expect(stored).toHaveLength(arrived);
    expect(result.stats['item_scraped_count']).toBe(arrived);
  });

  it('abort() cancels in-flight downloads through crawler.abortSignal and closes at once', async () => {
    let arrived = 0;
    let crawler: Crawler | undefined;
    const stall: RouteHandler = (req, res) => {
      arrived++;
      if (arrived === 3) void crawler!.abort();
      return handlers.stall()(req, res);
    };
    const site = await startTestServer({ fallback: stall });
    server = site;
    const closed: string[] = [];
    crawler = new Crawler(
      { name: 'abort', startUrls: Array.from({ length: 10 }, (_, i) => `${site.url}/s${i}`), parse: () => undefined, closed: (r) => void closed.push(r) },
      { downloadHandlers: [fetchHandler()], logger: memoryLogger(), settings: { logStatsInterval: 0, concurrentRequests: 3 } },
    );
    const result = await crawler.crawl();
    expect(result.reason).toBe('cancelled');
    expect(crawler.abortSignal.aborted).toBe(true);
    expect(result.stats['response_received_count']).toBeUndefined();
    expect(arrived).toBe(3);
    expect(closed).toEqual(['cancelled']);
    // The aborted fetches closed their connections: nothing stays in flight at the server.
    for (let i = 0; i < 50 && server.inFlight() > 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(server.inFlight()).toBe(0);
  });

  it('stop() then abort() keeps the first reason', async () => {
    let crawler: Crawler | undefined;
    const stall: RouteHandler = (req, res) => {
      void crawler!.stop('shutdown').then(() => crawler!.abort());
      return handlers.stall()(req, res);
    };
    server = await startTestServer({ fallback: stall });
    crawler = new Crawler(
      { name: 'twice', startUrls: [`${server.url}/x`], parse: () => undefined },
      { downloadHandlers: [fetchHandler()], logger: memoryLogger(), settings: { logStatsInterval: 0 } },
    );
    const result = await crawler.crawl();
    expect(result.reason).toBe('shutdown');
  });
});
