import { Request } from '@crawl/core';
import { describe, expect, it } from 'vitest';
import { crawl } from '../src/index.js';
import { fakeHandler } from './support/fake-handler.js';
import { memoryLogger } from './support/logger.js';

describe('start requests', () => {
  it('are pulled lazily: a million start URLs never sit in memory', async () => {
    let pulled = 0;
    const result = await crawl(
      {
        name: 'lazy',
        *start() {
          for (let i = 0; i < 1_000_000; i++) {
            pulled++;
            yield new Request(`http://lazy.test/${i}`);
          }
        },
        parse: () => undefined,
      },
      { downloadHandlers: [fakeHandler(() => ({ delayMs: 5 }))], logger: memoryLogger(), settings: { logStatsInterval: 0, concurrentRequests: 4, closespiderPagecount: 20 } },
    );
    expect(result.reason).toBe('closespider_pagecount');
    // Pulled only while the scheduler was short of work: about what was downloaded plus the concurrency.
    expect(pulled).toBeLessThan(40);
    expect(pulled).toBeGreaterThanOrEqual(20);
  });

  it('accept an async generator and go through processSpiderOutput with no response', async () => {
    const seen: string[] = [];
    const handler = fakeHandler();
    await crawl(
      {
        name: 'async-start',
        async *start() {
          yield new Request('http://a.test/1');
          await new Promise((r) => setTimeout(r, 5));
          yield new Request('http://a.test/2');
          yield new Request('http://a.test/blocked');
        },
        parse: () => undefined,
      },
      {
        downloadHandlers: [handler],
        logger: memoryLogger(),
        settings: { logStatsInterval: 0 },
        spiderMiddlewares: [
          {
            name: 'watch-start',
            order: 1,
            processSpiderOutput(result, response) {
              if (response === undefined) seen.push((result as Request).url);
              return (result as Request).url.endsWith('/blocked') ? null : result;
            },
          },
        ],
      },
    );
    expect(seen).toEqual(['http://a.test/1', 'http://a.test/2', 'http://a.test/blocked']);
    expect(handler.requests.map((r) => r.url).sort()).toEqual(['http://a.test/1', 'http://a.test/2']);
  });

  it('startUrls become dontFilter GETs handled by parse; a bad start URL is logged and skipped', async () => {
    const logger = memoryLogger();
    const handler = fakeHandler();
    const parsed: string[] = [];
    await crawl(
      { name: 'urls', startUrls: ['http://u.test/', 'not a url', 'http://u.test/'], parse: (r) => void parsed.push(r.url) },
      { downloadHandlers: [handler], logger, settings: { logStatsInterval: 0 } },
    );
    expect(parsed).toEqual(['http://u.test/', 'http://u.test/']);
    expect(handler.requests.every((r) => r.dontFilter && r.method === 'GET' && r.callback === undefined)).toBe(true);
    expect(logger.find('error', /Skipping start URL of spider urls: InvalidUrlError: Invalid request URL "not a url"/)).toHaveLength(1);
  });

  it('an error thrown by start() is logged; requests yielded before it are crawled', async () => {
    const logger = memoryLogger();
    const handler = fakeHandler();
    const result = await crawl(
      {
        name: 'broken-start',
        *start() {
          yield new Request('http://b.test/1');
          throw new Error('start broke');
        },
        parse: () => undefined,
      },
      { downloadHandlers: [handler], logger, settings: { logStatsInterval: 0 } },
    );
    expect(result.reason).toBe('finished');
    expect(handler.requests).toHaveLength(1);
    expect(logger.find('error', 'Error while obtaining start requests: Error: start broke')).toHaveLength(1);
  });
});

describe('a start() that throws before returning', () => {
  it('is logged and the crawl finishes with no requests', async () => {
    const logger = memoryLogger();
    const result = await crawl(
      {
        name: 'start-throws',
        start(): Iterable<Request> {
          throw new Error('no config');
        },
        parse: () => undefined,
      },
      { downloadHandlers: [fakeHandler()], logger, settings: { logStatsInterval: 0 } },
    );
    expect(result.reason).toBe('finished');
    expect(logger.find('error', 'Error while obtaining start requests: Error: no config')).toHaveLength(1);
  });
});
