import { type Response } from '@crawl/core';
import { linkSite, startTestServer, type TestServer } from '@crawl/test-servers';
import { afterEach, describe, expect, it } from 'vitest';
import { Crawler, crawl } from '../src/index.js';
import { fetchHandler } from './support/fetch-handler.js';
import { memoryLogger } from './support/logger.js';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('a crawl over a loopback site', () => {
  it('follows every link once and finishes with Scrapy-like stats', async () => {
    server = await startTestServer({ routes: linkSite({ pages: 30, linksPerPage: 3 }) });
    const logger = memoryLogger();
    const items: unknown[] = [];
    const result = await crawl(
      {
        name: 'site',
        startUrls: [`${server.url}/`],
        *parse(response: Response) {
          const title = response.css('h1').text();
          if (title.startsWith('Page')) yield { url: response.url, title };
          yield* response.followAll({ css: 'a' });
        },
      },
      {
        downloadHandlers: [fetchHandler()],
        logger,
        settings: { logStatsInterval: 0 },
        extensions: [{ name: 'collect', open: (c) => void c.events.on('itemScraped', (item) => void items.push(item)) }],
      },
    );
    expect(result.reason).toBe('finished');
    // 30 pages + the root, each fetched exactly once.
    expect(server.requests.map((r) => r.url).sort()).toEqual(['/', ...Array.from({ length: 30 }, (_, i) => `/page/${i}`)].sort());
    expect(items).toHaveLength(30);
    expect(result.stats['item_scraped_count']).toBe(30);
    expect(result.stats['response_received_count']).toBe(31);
    expect(result.stats['finish_reason']).toBe('finished');
    expect(result.stats['start_time']).toBeInstanceOf(Date);
    expect(result.stats['finish_time']).toBeInstanceOf(Date);
    expect(typeof result.stats['elapsed_time_seconds']).toBe('number');
    expect(result.stats['scheduler/enqueued']).toBe(31);
    expect(result.stats['scheduler/dequeued']).toBe(31);
    expect(result.stats['dupefilter/filtered']).toBeGreaterThan(0);
    expect(result.stats['log_count/INFO']).toBeGreaterThan(0);
    expect(logger.find('info', 'Spider closed (finished)')).toHaveLength(1);
  });

  it('runs a Crawler once only', async () => {
    server = await startTestServer({ routes: linkSite({ pages: 1 }) });
    const crawler = new Crawler({ name: 'once', startUrls: [`${server.url}/`], parse: () => undefined }, { downloadHandlers: [fetchHandler()], logger: memoryLogger() });
    await crawler.crawl();
    await expect(crawler.crawl()).rejects.toThrow(/runs once per Crawler/);
  });
});
