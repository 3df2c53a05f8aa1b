import { CloseSpider, DropItem, InvalidOutputError, InvalidUrlError, Request, type Response } from '@crawl/core';
import { describe, expect, it } from 'vitest';
import { Crawler, crawl, type CrawlerOptions } from '../src/index.js';
import { fakeHandler } from './support/fake-handler.js';
import { memoryLogger } from './support/logger.js';

function collecting(options: Partial<CrawlerOptions> = {}) {
  const items: unknown[] = [];
  const events: { spiderError: unknown[]; itemDropped: unknown[]; itemError: unknown[] } = { spiderError: [], itemDropped: [], itemError: [] };
  const logger = memoryLogger();
  const opts: CrawlerOptions = {
    downloadHandlers: [fakeHandler()],
    logger,
    ...options,
    settings: { logStatsInterval: 0, ...options.settings },
    extensions: [
      {
        name: 'collect',
        open(c) {
          c.events.on('itemScraped', (i) => void items.push(i));
          c.events.on('spiderError', (e) => void events.spiderError.push(e));
          c.events.on('itemDropped', (i, e) => void events.itemDropped.push([i, e]));
          c.events.on('itemError', (i, e) => void events.itemError.push([i, e]));
        },
      },
      ...(options.extensions ?? []),
    ],
  };
  return { items, events, logger, opts };
}

describe('errors in spider code are logged and counted; the crawl goes on', () => {
  it('a callback that throws synchronously', async () => {
    const { items, events, logger, opts } = collecting();
    const result = await crawl(
      {
        name: 'throws',
        startUrls: ['http://t.test/bad', 'http://t.test/good'],
        parse(response: Response) {
          if (response.url.endsWith('/bad')) throw new RangeError('callback broke');
          return { ok: response.url };
        },
      },
      opts,
    );
    expect(result.reason).toBe('finished');
    expect(items).toEqual([{ ok: 'http://t.test/good' }]);
    expect(result.stats['spider_exceptions/count']).toBe(1);
    expect(result.stats['spider_exceptions/RangeError']).toBe(1);
    expect(events.spiderError).toHaveLength(1);
    const lines = logger.find('error', 'Spider error processing <GET http://t.test/bad>');
    expect(lines).toHaveLength(1);
    expect(lines[0]!.message).toMatch(/RangeError: callback broke/);
    expect((lines[0]!.fields?.['error'] as Error).stack).toMatch(/callback broke/);
  });

  it('a generator that throws mid-iteration keeps what it yielded before', async () => {
    const { items, opts } = collecting();
    const result = await crawl(
      {
        name: 'mid',
        startUrls: ['http://t.test/'],
        *parse() {
          yield { n: 1 };
          yield { n: 2 };
          throw new Error('after two');
        },
      },
      opts,
    );
    expect(items).toEqual([{ n: 1 }, { n: 2 }]);
    expect(result.stats['spider_exceptions/Error']).toBe(1);
  });

  it('an async generator that rejects mid-iteration keeps earlier items too', async () => {
    const { items, opts } = collecting();
    const result = await crawl(
      {
        name: 'mid-async',
        startUrls: ['http://t.test/'],
        async *parse() {
          yield { n: 1 };
          await Promise.resolve();
          throw new TypeError('async broke');
        },
      },
      opts,
    );
    expect(items).toEqual([{ n: 1 }]);
    expect(result.stats['spider_exceptions/TypeError']).toBe(1);
  });

  it('an invalid URL built in a callback is a counted InvalidUrlError', async () => {
    const { items, events, opts } = collecting();
    const result = await crawl(
      {
        name: 'bad-url',
        startUrls: ['http://t.test/'],
        *parse() {
          yield { before: true };
          yield new Request('bad');
        },
      },
      opts,
    );
    expect(items).toEqual([{ before: true }]);
    expect(result.stats['spider_exceptions/InvalidUrlError']).toBe(1);
    expect(events.spiderError[0]).toBeInstanceOf(InvalidUrlError);
  });

  it('a value that is neither a request nor an item is logged naming the callback and URL, and dropped', async () => {
    const { items, logger, opts } = collecting();
    const result = await crawl(
      {
        name: 'junk',
        startUrls: ['http://t.test/'],
        parse: function parsePage() {
          return [{ a: 1 }, 'just a string', 42, { b: 2 }];
        },
      },
      opts,
    );
    expect(items).toEqual([{ a: 1 }, { b: 2 }]);
    expect(result.stats['spider_exceptions/InvalidOutputError']).toBe(2);
    expect(result.stats['spider_exceptions/count']).toBe(2);
    const lines = logger.find('error', 'junk.parsePage() produced the string "just a string" for <GET http://t.test/>');
    expect(lines).toHaveLength(1);
    expect(logger.find('error', 'produced number 42')).toHaveLength(1);
  });

  it('processSpiderException can answer for a failing callback (descending order, first answer wins)', async () => {
    const calls: string[] = [];
    const { items, opts } = collecting({
      spiderMiddlewares: [
        { name: 'low', order: 100, processSpiderException: () => void calls.push('low') },
        {
          name: 'high',
          order: 800,
          processSpiderException(response, error) {
            calls.push('high');
            return [{ recovered: response.url, from: (error as Error).message }];
          },
        },
      ],
    });
    const result = await crawl(
      {
        name: 'recover',
        startUrls: ['http://t.test/'],
        parse() {
          throw new Error('boom');
        },
      },
      opts,
    );
    expect(calls).toEqual(['high']);
    expect(items).toEqual([{ recovered: 'http://t.test/', from: 'boom' }]);
    expect(result.stats['spider_exceptions/count']).toBeUndefined();
  });

  it('a pipeline that throws: logged with the item, itemError, counted; other items go on', async () => {
    const { items, events, logger, opts } = collecting({
      itemPipelines: [
        {
          name: 'picky',
          processItem(item: { n: number }) {
            if (item.n === 2) throw new Error('cannot store 2');
            return item;
          },
        },
      ],
    });
    const result = await crawl({ name: 'pipe', startUrls: ['http://t.test/'], parse: () => [{ n: 1 }, { n: 2 }, { n: 3 }] }, opts);
    expect(items).toEqual([{ n: 1 }, { n: 3 }]);
    expect(result.stats['item_error_count']).toBe(1);
    expect(result.stats['item_error_reasons_count/Error']).toBe(1);
    expect(result.stats['item_scraped_count']).toBe(2);
    expect(events.itemError).toHaveLength(1);
    const line = logger.find('error', 'Error processing item from <200 http://t.test/>: Error: cannot store 2');
    expect(line).toHaveLength(1);
    expect(line[0]!.fields?.['item']).toEqual({ n: 2 });
    expect(result.reason).toBe('finished');
  });

  it('DropItem: counted with its reason, itemDropped, a warning; later pipelines skipped', async () => {
    const later: unknown[] = [];
    const { items, events, logger, opts } = collecting({
      itemPipelines: [
        {
          name: 'dedupe',
          processItem(item: { n: number }) {
            if (item.n < 0) throw new DropItem(`negative n: ${item.n}`);
            return item;
          },
        },
        { name: 'after', processItem: (i: unknown) => (later.push(i), i) },
      ],
    });
    const result = await crawl({ name: 'drop', startUrls: ['http://t.test/'], parse: () => [{ n: 1 }, { n: -1 }] }, opts);
    expect(items).toEqual([{ n: 1 }]);
    expect(later).toEqual([{ n: 1 }]);
    expect(result.stats['item_dropped_count']).toBe(1);
    expect(result.stats['item_dropped_reasons_count/DropItem']).toBe(1);
    expect(events.itemDropped).toHaveLength(1);
    expect(logger.find('warn', 'Dropped: negative n: -1')).toHaveLength(1);
  });

  it('a pipeline that returns undefined is an item error naming the pipeline', async () => {
    const { items, logger, opts } = collecting({ itemPipelines: [{ name: 'forgetful', processItem: () => undefined }] });
    const result = await crawl({ name: 'undef', startUrls: ['http://t.test/'], parse: () => ({ n: 1 }) }, opts);
    expect(items).toEqual([]);
    expect(result.stats['item_error_reasons_count/InvalidOutputError']).toBe(1);
    expect(logger.find('error', 'Item pipeline forgetful processItem() returned undefined')).toHaveLength(1);
  });

  it('CloseSpider from a callback closes the crawl with its reason', async () => {
    const { opts } = collecting();
    const result = await crawl(
      {
        name: 'closer',
        startUrls: ['http://t.test/'],
        parse() {
          throw new CloseSpider('enough_data');
        },
      },
      opts,
    );
    expect(result.reason).toBe('enough_data');
    expect(result.stats['finish_reason']).toBe('enough_data');
    expect(result.stats['spider_exceptions/count']).toBeUndefined();
  });

  it('crawler.schedule() with a relative URL throws InvalidUrlError to the caller; an absolute one is crawled', async () => {
    const errors: unknown[] = [];
    const seen: string[] = [];
    const crawler = new Crawler(
      {
        name: 'schedule',
        startUrls: ['http://t.test/'],
        async parse(response: Response) {
          seen.push(response.url);
          if (response.url !== 'http://t.test/') return;
          await crawler.schedule('/relative').catch((e: unknown) => void errors.push(e));
          expect(await crawler.schedule('http://t.test/abs')).toBe(true);
          expect(await crawler.schedule('http://t.test/abs')).toBe(false);
        },
      },
      { downloadHandlers: [fakeHandler()], logger: memoryLogger(), settings: { logStatsInterval: 0 } },
    );
    await expect(crawler.schedule('http://t.test/early')).rejects.toThrow(/not running/);
    await crawler.crawl();
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(InvalidUrlError);
    expect(seen).toEqual(['http://t.test/', 'http://t.test/abs']);
  });

  it('a throwing event listener is logged and does not break the crawl', async () => {
    const { items, logger, opts } = collecting({
      extensions: [{ name: 'broken', open: (c) => void c.events.on('responseReceived', () => { throw new Error('listener broke'); }) }],
    });
    await crawl({ name: 'listener', startUrls: ['http://t.test/'], parse: () => ({ ok: 1 }) }, opts);
    expect(items).toEqual([{ ok: 1 }]);
    expect(logger.find('error', 'Error in a responseReceived listener: Error: listener broke')).toHaveLength(1);
  });

  it('an item yielded from spider.start() goes to the pipelines', async () => {
    const { items, opts } = collecting();
    await crawl(
      {
        name: 'start-items',
        // Items from start() are accepted at run time (Scrapy 2.13), though core types start() as requests.
        *start(): Generator<any> {
          yield { fromStart: true };
          yield new Request('http://t.test/');
        },
        parse: () => ({ fromParse: true }),
      },
      opts,
    );
    expect(items).toEqual([{ fromStart: true }, { fromParse: true }]);
  });

  it('an invalid output value is also an InvalidOutputError instance on the spiderError event', async () => {
    const { events, opts } = collecting();
    await crawl({ name: 'junk2', startUrls: ['http://t.test/'], parse: () => 7 }, opts);
    expect(events.spiderError[0]).toBeInstanceOf(InvalidOutputError);
  });
});

describe('a spider without parse()', () => {
  it('reports a request without callback as a spider error naming the spider', async () => {
    const logger = memoryLogger();
    const result = await crawl({ name: 'no-parse', startUrls: ['http://t.test/'] } as never, {
      downloadHandlers: [fakeHandler()],
      logger,
      settings: { logStatsInterval: 0 },
    });
    expect(result.stats['spider_exceptions/ConfigError']).toBe(1);
    expect(logger.find('error', 'Spider no-parse has no parse() method and <GET http://t.test/> has no callback')).toHaveLength(1);
  });
});
