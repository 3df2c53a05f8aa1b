import type { SpiderMiddleware } from '@crawl/core';
import { describe, expect, it } from 'vitest';
import { crawl } from '../src/index.js';
import { fakeHandler } from './support/fake-handler.js';
import { memoryLogger } from './support/logger.js';

describe('spider middleware order', () => {
  it('runs processSpiderInput ascending and processSpiderOutput / processSpiderException descending, as Scrapy', async () => {
    const calls: string[] = [];
    const recorder = (order: number): SpiderMiddleware => ({
      name: `mw${order}`,
      order,
      processSpiderInput: () => void calls.push(`in ${order}`),
      processSpiderOutput: (result) => {
        calls.push(`out ${order}`);
        return result;
      },
      processSpiderException: () => void calls.push(`exc ${order}`),
    });
    await crawl(
      {
        name: 's',
        startUrls: ['http://site.test/'],
        parse: (response) => {
          if (response.url.endsWith('/boom')) throw new Error('boom');
          return [{ ok: true }];
        },
      },
      {
        builtinSpiderMiddlewares: false,
        builtinDownloaderMiddlewares: false,
        settings: { logStatsInterval: 0 },
        downloadHandlers: [fakeHandler()],
        spiderMiddlewares: [recorder(300), recorder(100), recorder(200)],
        logger: memoryLogger(),
      },
    );
    // The start request passes the output chain too (response undefined), then the page.
    expect(calls).toEqual(['out 300', 'out 200', 'out 100', 'in 100', 'in 200', 'in 300', 'out 300', 'out 200', 'out 100']);

    calls.length = 0;
    await crawl(
      { name: 's', startUrls: ['http://site.test/boom'], parse: () => { throw new Error('boom'); } },
      {
        builtinSpiderMiddlewares: false,
        builtinDownloaderMiddlewares: false,
        settings: { logStatsInterval: 0 },
        downloadHandlers: [fakeHandler()],
        spiderMiddlewares: [recorder(100), recorder(300), recorder(200)],
        logger: memoryLogger(),
      },
    );
    expect(calls.filter((c) => c.startsWith('exc'))).toEqual(['exc 300', 'exc 200', 'exc 100']);
  });
});
