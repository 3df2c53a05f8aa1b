import { isRequest, type Crawler as CoreCrawler, type Response, type Spider, type SpiderMiddleware } from '@crawl/core';
import { describe, expect, it } from 'vitest';
import { Crawler, crawl } from '../src/index.js';
import { fakeHandler } from './support/fake-handler.js';
import { memoryLogger } from './support/logger.js';

describe('spider.open(crawler)', () => {
  it('is called once with the crawler after the plugins opened and before the start requests', async () => {
    const log: string[] = [];
    let seen: CoreCrawler | undefined;
    const spider: Spider = {
      name: 'opens',
      async open(crawler) {
        await new Promise((r) => setTimeout(r, 1));
        seen = crawler;
        log.push(`spider open (downloadMaxSize ${crawler.settings.downloadMaxSize})`);
      },
      *start() {
        log.push('start');
      },
      parse: () => undefined,
    };
    const crawler = new Crawler(spider, {
      downloadHandlers: [fakeHandler()],
      extensions: [{ name: 'ext', open: () => void log.push('ext open') }],
      logger: memoryLogger(),
      settings: { logStatsInterval: 0, downloadMaxSize: 1234 },
    });
    crawler.events.on('spiderOpened', () => void log.push('spiderOpened'));
    const result = await crawler.crawl();
    expect(result.reason).toBe('finished');
    expect(seen).toBe(crawler);
    expect(log).toEqual(['ext open', 'spider open (downloadMaxSize 1234)', 'spiderOpened', 'start']);
  });

  it('a throw fails the crawl start: opened plugins close with open_failed, the error is rethrown', async () => {
    const log: string[] = [];
    const logger = memoryLogger();
    const spider: Spider = {
      name: 'broken',
      startUrls: ['http://a.test/'],
      open() {
        throw new RangeError('no config');
      },
      parse: () => undefined,
      closed: () => void log.push('spider closed'),
    };
    const handler = fakeHandler();
    await expect(
      crawl(spider, {
        downloadHandlers: [handler],
        extensions: [{ name: 'ext', open: () => void log.push('open'), close: (_c, reason) => void log.push(`close ${reason}`) }],
        logger,
        settings: { logStatsInterval: 0 },
      }),
    ).rejects.toThrow(RangeError);
    expect(log).toEqual(['open', 'close open_failed']);
    expect(handler.requests).toHaveLength(0);
    expect(logger.find('error', /broken\.open\(\): .*no config/)).toHaveLength(1);
  });
});

describe('spider.spiderMiddlewares', () => {
  it("are added to the crawler's spider middlewares, ordered with them, and their setting defaults registered", async () => {
    const calls: string[] = [];
    const mw = (name: string, order: number): SpiderMiddleware => ({
      name,
      order,
      processSpiderOutput(element) {
        if (!isRequest(element)) calls.push(name);
        return element;
      },
    });
    const own: SpiderMiddleware & { defaultSettings: Record<string, unknown> } = {
      ...mw('spider-own', 5),
      defaultSettings: { spiderOwnFlag: true },
      open(crawler) {
        calls.push(`open spider-own ${String((crawler.settings as unknown as Record<string, unknown>)['spiderOwnFlag'])}`);
      },
    };
    const items: unknown[] = [];
    const spider: Spider = {
      name: 'own-mws',
      startUrls: ['http://a.test/'],
      spiderMiddlewares: [own],
      parse: (r: Response) => ({ url: r.url }),
    };
    await crawl(spider, {
      downloadHandlers: [fakeHandler()],
      spiderMiddlewares: [mw('crawler-mw', 10)],
      builtinSpiderMiddlewares: false,
      itemPipelines: [{ name: 'collect', processItem: (i: unknown) => (items.push(i), i) }],
      logger: memoryLogger(),
      settings: { logStatsInterval: 0 },
    });
    expect(items).toEqual([{ url: 'http://a.test/' }]);
    // processOutput runs from the highest order down (Scrapy): crawler-mw (10) before spider-own (5).
    expect(calls).toEqual(['open spider-own true', 'crawler-mw', 'spider-own']);
  });

  it('a non-array is a ConfigError naming the spider', () => {
    const spider = { name: 'bad', parse: () => undefined, spiderMiddlewares: {} } as unknown as Spider;
    expect(() => new Crawler(spider, {})).toThrow(/Spider bad spiderMiddlewares must be an array/);
  });
});
