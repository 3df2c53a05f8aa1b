import { Request, type Failure, type Response, type Spider } from '@crawl/core';
import { describe, expect, it } from 'vitest';
import { crawl, resolveSettings, type CrawlerOptions } from '../src/index.js';
import { fakeHandler } from './support/fake-handler.js';
import { memoryLogger } from './support/logger.js';

const DISCARDED = 'spider_exceptions/discarded_output_count';

/** Crawls one spider and returns the items scraped in order, the stats and the log. */
async function run(spider: Spider, options: CrawlerOptions = {}) {
  const items: unknown[] = [];
  const logger = memoryLogger();
  const handler = fakeHandler((r) => (r.url.includes('/fail') ? new Error('connection refused') : undefined));
  const result = await crawl(spider, {
    downloadHandlers: [handler],
    logger,
    itemPipelines: [{ name: 'collect', processItem: (i: unknown) => (items.push(i), i) }],
    ...options,
    settings: { logStatsInterval: 0, ...options.settings },
  });
  return { items, stats: result.stats, logger, handler };
}

/** Yields three items then throws, like a parser that fails on a later element. */
function* threeThenThrow(): Generator<object> {
  yield { n: 1 };
  yield { n: 2 };
  yield { n: 3 };
  throw new TypeError('parse failed half-way');
}

const failing: Spider = { name: 'half', startUrls: ['http://a.test/'], parse: threeThenThrow };

describe('callbackOutput', () => {
  it("defaults to 'stream' and validates the setting", () => {
    expect(resolveSettings().callbackOutput).toBe('stream');
    expect(() => resolveSettings({ callbackOutput: 'all' as never })).toThrow(/callbackOutput.*'stream', 'atomic'/);
  });

  it('stream: items yielded before the throw are exported (Scrapy)', async () => {
    const { items, stats } = await run(failing);
    expect(items).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
    expect(stats['spider_exceptions/TypeError']).toBe(1);
    expect(stats[DISCARDED]).toBeUndefined();
  });

  it('atomic: nothing is exported from a callback that throws; the elements are counted and the error handled', async () => {
    const { items, stats, logger } = await run(failing, { settings: { callbackOutput: 'atomic' } });
    expect(items).toEqual([]);
    expect(stats[DISCARDED]).toBe(3);
    expect(stats['spider_exceptions/TypeError']).toBe(1);
    expect(stats['item_scraped_count']).toBeUndefined();
    expect(logger.find('error', /parse failed half-way/)).toHaveLength(1);
  });

  it('atomic: a callback that succeeds exports everything, in order, requests included', async () => {
    const spider: Spider = {
      name: 'ok',
      startUrls: ['http://a.test/'],
      async *parse(response: Response) {
        yield { n: 1 };
        yield new Request(response.urljoin('/next'), { callback: () => [{ n: 'next' }] });
        await new Promise((r) => setTimeout(r, 1));
        yield Promise.resolve({ n: 2 });
        yield { n: 3 };
      },
    };
    const { items, stats } = await run(spider, { settings: { callbackOutput: 'atomic', concurrentItems: 1 } });
    expect(items).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }, { n: 'next' }]);
    expect(stats[DISCARDED]).toBeUndefined();
  });

  it('atomic: requests yielded before the throw are not scheduled either', async () => {
    const spider: Spider = {
      name: 'req',
      startUrls: ['http://a.test/'],
      *parse() {
        yield new Request('http://a.test/never', { callback: () => ({ reached: true }) });
        throw new Error('boom');
      },
    };
    const { items, stats, handler } = await run(spider, { settings: { callbackOutput: 'atomic' } });
    expect(items).toEqual([]);
    expect(handler.requests.map((r) => r.url)).toEqual(['http://a.test/']);
    expect(stats[DISCARDED]).toBe(1);
  });

  it('meta.callbackOutput overrides the setting both ways', async () => {
    const spider: Spider = {
      name: 'meta',
      *start() {
        yield new Request('http://a.test/atomic', { callback: threeThenThrow, meta: { callbackOutput: 'atomic' }, dontFilter: true });
      },
      parse: () => undefined,
    };
    const atomic = await run(spider);
    expect(atomic.items).toEqual([]);
    expect(atomic.stats[DISCARDED]).toBe(3);

    const streamSpider: Spider = {
      name: 'meta2',
      *start() {
        yield new Request('http://a.test/stream', { callback: threeThenThrow, meta: { callbackOutput: 'stream' } });
      },
      parse: () => undefined,
    };
    const stream = await run(streamSpider, { settings: { callbackOutput: 'atomic' } });
    expect(stream.items).toHaveLength(3);
    expect(stream.stats[DISCARDED]).toBeUndefined();
  });

  it('a bad meta.callbackOutput is reported and the setting used', async () => {
    const spider: Spider = {
      name: 'badmeta',
      *start() {
        yield new Request('http://a.test/', { callback: threeThenThrow, meta: { callbackOutput: 'sometimes' as never } });
      },
      parse: () => undefined,
    };
    const { items, logger } = await run(spider, { settings: { callbackOutput: 'atomic' } });
    expect(items).toEqual([]);
    expect(logger.find('error', /Invalid meta\.callbackOutput "sometimes"/)).toHaveLength(1);
  });

  it('atomic applies to errbacks too', async () => {
    const errback = function* (_f: Failure) {
      yield { from: 'errback', n: 1 };
      yield { from: 'errback', n: 2 };
      throw new RangeError('errback failed');
    };
    const spider: Spider = {
      name: 'eb',
      *start() {
        yield new Request('http://a.test/fail', { errback });
      },
      parse: () => undefined,
    };
    const stream = await run(spider);
    expect(stream.items).toHaveLength(2);
    const atomic = await run(spider, { settings: { callbackOutput: 'atomic' } });
    expect(atomic.items).toEqual([]);
    expect(atomic.stats[DISCARDED]).toBe(2);
    expect(atomic.stats['spider_exceptions/RangeError']).toBe(1);
  });
});
