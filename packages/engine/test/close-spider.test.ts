import { Request, type Response } from '@crawl/core';
import { describe, expect, it } from 'vitest';
import { crawl } from '../src/index.js';
import { fakeHandler } from './support/fake-handler.js';
import { memoryLogger } from './support/logger.js';

/** An endless site: every page links to the next two. */
const endless = {
  name: 'endless',
  startUrls: ['http://loop.test/0'],
  *parse(response: Response) {
    const n = Number(new URL(response.url).pathname.slice(1));
    yield { n };
    yield new Request(`http://loop.test/${2 * n + 1}`);
    yield new Request(`http://loop.test/${2 * n + 2}`);
  },
};

const run = (settings: Record<string, number>, delayMs = 0, parse?: (r: Response) => unknown) =>
  crawl(parse ? { ...endless, parse } : endless, {
    downloadHandlers: [fakeHandler(() => ({ delayMs }))],
    logger: memoryLogger(),
    settings: { logStatsInterval: 0, concurrentRequests: 4, ...settings },
  });

describe('closespider settings', () => {
  it('closespiderItemcount', async () => {
    const result = await run({ closespiderItemcount: 10 });
    expect(result.reason).toBe('closespider_itemcount');
    // Work under way when the limit is hit still finishes (as in Scrapy), so a few more may be scraped.
    expect(result.stats['item_scraped_count']).toBeGreaterThanOrEqual(10);
    expect(result.stats['item_scraped_count']).toBeLessThan(50);
  });

  it('closespiderPagecount', async () => {
    const result = await run({ closespiderPagecount: 7 });
    expect(result.reason).toBe('closespider_pagecount');
    expect(result.stats['response_received_count']).toBeGreaterThanOrEqual(7);
    expect(result.stats['response_received_count']).toBeLessThan(50);
  });

  it('closespiderErrorcount stops after the nth spider error', async () => {
    const result = await crawl(
      {
        name: 'errors',
        startUrls: Array.from({ length: 20 }, (_, i) => `http://err.test/${i}`),
        parse() {
          throw new Error('always');
        },
      },
      { downloadHandlers: [fakeHandler(() => ({ delayMs: 5 }))], logger: memoryLogger(), settings: { logStatsInterval: 0, concurrentRequests: 2, closespiderErrorcount: 3 } },
    );
    expect(result.reason).toBe('closespider_errorcount');
    expect(result.stats['spider_exceptions/count']).toBeGreaterThanOrEqual(3);
    expect(result.stats['spider_exceptions/count']).toBeLessThan(20);
  });

  it('closespiderTimeout', async () => {
    const result = await run({ closespiderTimeout: 0.3 }, 20);
    expect(result.reason).toBe('closespider_timeout');
    expect(result.stats['elapsed_time_seconds']).toBeGreaterThanOrEqual(0.29);
  });
});
