import { Request, type Response, type Spider } from '@crawl/core';
import { describe, expect, it } from 'vitest';
import { crawl } from '../src/index.js';
import { fakeHandler } from './support/fake-handler.js';
import { memoryLogger } from './support/logger.js';

type Shape = (this: ShapesSpider, response: Response, kw: Record<string, unknown>) => unknown;
interface ShapesSpider extends Spider {
  readonly tag: string;
}

const item = (shape: string, n = 1) => ({ shape, n });
const follow = (shape: string) => new Request(`http://shapes.test/followed/${shape}`, { callback: (r) => ({ shape: `${shape}:followed`, n: r.status }) });

const SHAPES: Record<string, Shape> = {
  nothing: () => undefined,
  nullish: () => null,
  single: () => item('single'),
  request: () => follow('request'),
  array: () => [item('array', 1), follow('array'), item('array', 2)],
  set: () => new Set([item('set')]),
  promise: async () => [item('promise')],
  promiseSingle: () => Promise.resolve(item('promiseSingle')),
  promiseRequest: async () => follow('promiseRequest'),
  *generator() {
    yield item('generator', 1);
    yield follow('generator');
    yield item('generator', 2);
  },
  async *asyncGenerator() {
    yield item('asyncGenerator', 1);
    await new Promise((r) => setTimeout(r, 5));
    yield follow('asyncGenerator');
  },
  asyncIterable: () => ({
    async *[Symbol.asyncIterator]() {
      yield item('asyncIterable');
    },
  }),
  arrayOfPromises: () => [Promise.resolve(item('arrayOfPromises'))],
  usesThis(this: ShapesSpider, _r: Response, kw: Record<string, unknown>) {
    return { shape: 'usesThis', tag: this.tag, kw: kw['extra'] };
  },
};

describe('callback output shapes', () => {
  it('accepts every documented shape; requests are followed and items scraped', async () => {
    const items: unknown[] = [];
    const spider: ShapesSpider = {
      name: 'shapes',
      tag: 'bound',
      *start() {
        for (const [name, fn] of Object.entries(SHAPES)) {
          yield new Request(`http://shapes.test/${name}`, { callback: fn as never, cbKwargs: { extra: name } });
        }
      },
      parse: () => undefined,
    };
    const logger = memoryLogger();
    const result = await crawl(spider, {
      downloadHandlers: [fakeHandler()],
      logger,
      settings: { logStatsInterval: 0 },
      extensions: [{ name: 'collect', open: (c) => void c.events.on('itemScraped', (i) => void items.push(i)) }],
    });
    expect(logger.lines.filter((l) => l.level === 'error')).toEqual([]);
    const key = (i: unknown) => JSON.stringify(i);
    expect(items.map(key).sort()).toEqual(
      [
        item('single'),
        { shape: 'request:followed', n: 200 },
        item('array', 1),
        item('array', 2),
        { shape: 'array:followed', n: 200 },
        item('set'),
        item('promise'),
        item('promiseSingle'),
        { shape: 'promiseRequest:followed', n: 200 },
        item('generator', 1),
        item('generator', 2),
        { shape: 'generator:followed', n: 200 },
        item('asyncGenerator', 1),
        { shape: 'asyncGenerator:followed', n: 200 },
        item('asyncIterable'),
        item('arrayOfPromises'),
        { shape: 'usesThis', tag: 'bound', kw: 'usesThis' },
      ]
        .map(key)
        .sort(),
    );
    expect(result.stats['item_scraped_count']).toBe(17);
  });

  it('uses spider.parse when a request has no callback, with `this` bound to the spider', async () => {
    const seen: string[] = [];
    await crawl(
      {
        name: 'default-parse',
        startUrls: ['http://p.test/a', 'http://p.test/b'],
        prefix: 'P',
        parse(this: { prefix: string }, response: Response) {
          seen.push(`${this.prefix}${new URL(response.url).pathname}`);
        },
      } as Spider & { prefix: string },
      { downloadHandlers: [fakeHandler()], logger: memoryLogger(), settings: { logStatsInterval: 0 } },
    );
    expect(seen.sort()).toEqual(['P/a', 'P/b']);
  });

  it('processes at most concurrentItems items of one response at a time', async () => {
    let running = 0;
    let peak = 0;
    const result = await crawl(
      { name: 'items', startUrls: ['http://i.test/'], parse: () => Array.from({ length: 12 }, (_, n) => ({ n })) },
      {
        downloadHandlers: [fakeHandler()],
        logger: memoryLogger(),
        settings: { logStatsInterval: 0, concurrentItems: 3 },
        itemPipelines: [
          {
            name: 'slow',
            async processItem(i) {
              running++;
              peak = Math.max(peak, running);
              await new Promise((r) => setTimeout(r, 10));
              running--;
              return i;
            },
          },
        ],
      },
    );
    expect(result.stats['item_scraped_count']).toBe(12);
    expect(peak).toBe(3);
  });

  it('runs item pipelines in array order, each receiving the previous output', async () => {
    const items: unknown[] = [];
    await crawl(
      { name: 'pipes', startUrls: ['http://i.test/'], parse: () => ({ v: 1 }) },
      {
        downloadHandlers: [fakeHandler()],
        logger: memoryLogger(),
        settings: { logStatsInterval: 0 },
        itemPipelines: [
          { name: 'double', processItem: (i: { v: number }) => ({ v: i.v * 2 }) },
          { name: 'add', processItem: async (i: { v: number }) => ({ v: i.v + 3 }) },
        ],
        extensions: [{ name: 'collect', open: (c) => void c.events.on('itemScraped', (i) => void items.push(i)) }],
      },
    );
    expect(items).toEqual([{ v: 5 }]);
  });

  it('spider middlewares see every output element: replace, drop, and start requests with no response', async () => {
    const seenResponses: (string | undefined)[] = [];
    const items: unknown[] = [];
    await crawl(
      {
        name: 'smw',
        startUrls: ['http://s.test/'],
        parse: () => [{ keep: 1 }, { drop: true }, { keep: 2 }],
      },
      {
        downloadHandlers: [fakeHandler()],
        logger: memoryLogger(),
        settings: { logStatsInterval: 0 },
        spiderMiddlewares: [
          {
            name: 'filter',
            order: 100,
            processSpiderOutput(result, response) {
              seenResponses.push(response?.url);
              if ((result as { drop?: boolean }).drop) return undefined;
              return result;
            },
          },
          {
            name: 'tag',
            order: 200,
            processSpiderOutput: async (result) => ('keep' in (result as object) ? { ...(result as object), tagged: true } : result),
          },
        ],
        extensions: [{ name: 'collect', open: (c) => void c.events.on('itemScraped', (i) => void items.push(i)) }],
      },
    );
    expect(items).toEqual([
      { keep: 1, tagged: true },
      { keep: 2, tagged: true },
    ]);
    expect(seenResponses).toEqual([undefined, 'http://s.test/', 'http://s.test/', 'http://s.test/']);
  });
});
