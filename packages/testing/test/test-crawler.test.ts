import { ConfigError, createResponse, defineDownloaderMiddleware, type DownloadHandler, defineItemPipeline, DropItem, IgnoreRequest, Request, type Response } from '@crawl/core';
import { describe, expect, it } from 'vitest';
import { fakeCrawler, fakeDownloadHandler, logLines, testCrawler } from '../src/index.js';

describe('testCrawler', () => {
  it('with downloadHandlers: the given handler answers, parse() is the default spider callback, requests are recorded', async () => {
    const asked: string[] = [];
    const handler: DownloadHandler = {
      name: 'test/echo-handler',
      schemes: ['http'],
      download(request) {
        asked.push(request.url);
        return Promise.resolve(createResponse(request.url, { status: 200, request, headers: { 'Content-Type': 'text/html' }, body: `<h1>${request.url}</h1>` }));
      },
    };
    const run = await testCrawler({
      startUrls: ['http://real.test/one', 'http://real.test/two'],
      parse: (response: Response) => ({ title: response.css('h1::text').get() }),
      routes: { 'http://real.test/one': { body: '<h1>fake</h1>' } },
      downloadHandlers: [handler],
    });
    expect(run.reason).toBe('finished');
    expect(asked.sort()).toEqual(['http://real.test/one', 'http://real.test/two']);
    expect((run.items as { title: string }[]).map((i) => i.title).sort()).toEqual(['http://real.test/one', 'http://real.test/two']);
    expect(run.requests.map((r) => r.url).sort()).toEqual(['http://real.test/one', 'http://real.test/two']);
  });

  it('runs the real engine against canned responses', async () => {
    const run = await testCrawler({
      spider: {
        name: 'shop',
        startUrls: ['http://shop.test/'],
        *parse(response: Response) {
          yield* response.followAll({ css: 'a' }, { callback: (r: Response) => ({ title: r.css('h1::text').get() }) });
        },
      },
      routes: {
        'http://shop.test/': { body: '<a href="/a">a</a><a href="/b">b</a><a href="/gone">x</a>' },
        'http://shop.test/a': { body: '<h1>A</h1>' },
        'http://shop.test/b': { body: '<h1>B</h1>' },
      },
      downloaderMiddlewares: [
        defineDownloaderMiddleware({
          name: 'test/stamp',
          order: 500,
          processRequest(request) {
            request.headers.set('X-Stamp', 'yes');
          },
        }),
      ],
      itemPipelines: [
        defineItemPipeline({
          name: 'test/drop-b',
          processItem(item: { title?: string }) {
            if (item.title === 'B') throw new DropItem('no B');
            return item;
          },
        }),
      ],
    });
    expect(run.reason).toBe('finished');
    expect(run.items).toEqual([{ title: 'A' }]);
    expect(run.requests.map((r) => r.headers.get('x-stamp'))).toEqual(['yes', 'yes', 'yes', 'yes']);
    expect(run.stats['item_dropped_count']).toBe(1);
    expect(run.stats['httperror/response_ignored_count']).toBe(1);
  });

  it('routes middleware exceptions to the errback', async () => {
    const failures: unknown[] = [];
    const run = await testCrawler({
      spider: {
        name: 'errs',
        *start() {
          yield new Request('http://a.test/', { errback: ({ error }) => void failures.push(error) });
        },
        parse() {},
      },
      downloaderMiddlewares: [
        defineDownloaderMiddleware({
          name: 'test/block',
          order: 100,
          processRequest(request) {
            throw new IgnoreRequest(`blocked ${request.url}`);
          },
        }),
      ],
    });
    expect(run.requests).toHaveLength(0);
    expect(failures).toHaveLength(1);
    expect(failures[0]).toBeInstanceOf(IgnoreRequest);
  });
});

describe('fakeDownloadHandler and fakeCrawler', () => {
  it('answers from its table, functions, responses and errors, and records requests', async () => {
    const crawler = fakeCrawler();
    const handler = fakeDownloadHandler({
      'http://a.test/': { status: 201, body: 'ok', headers: { 'Content-Type': 'text/plain' } },
      'http://a.test/fn': (r) => ({ body: `for ${r.method}` , headers: { 'Content-Type': 'text/plain' } }),
      'http://a.test/ready': createResponse('http://a.test/ready', { status: 204 }),
      'http://a.test/err': new Error('boom'),
    });
    expect((await handler.download(new Request('http://a.test/'), crawler)).status).toBe(201);
    expect((await handler.download(new Request('http://a.test/fn', { method: 'POST' }), crawler)).text).toBe('for POST');
    expect((await handler.download(new Request('http://a.test/ready'), crawler)).status).toBe(204);
    await expect(handler.download(new Request('http://a.test/err'), crawler)).rejects.toThrow('boom');
    expect((await handler.download(new Request('http://a.test/other'), crawler)).status).toBe(404);
    expect(handler.requests.map((r) => r.url)).toHaveLength(5);
  });

  it('validates settings like a real crawl and records what plugins do', async () => {
    expect(() => fakeCrawler({ settings: { concurentRequests: 1 } as never })).toThrow(/concurentRequests/);
    const crawler = fakeCrawler({ settings: { downloadDelay: 2 }, settingDefaults: { myPluginLimit: 3 } });
    expect(crawler.settings.downloadDelay).toBe(2);
    expect((crawler.settings as unknown as Record<string, unknown>)['myPluginLimit']).toBe(3);
    crawler.downloader.slot('a.test').deferUntil(5000);
    crawler.downloader.slot('a.test').deferUntil(1000);
    expect(crawler.downloader.slot('a.test').nextAllowedAt).toBe(5000);
    crawler.logger.warn('careful');
    expect(crawler.messages('warn')).toEqual(['careful']);
    await crawler.schedule(new Request('http://a.test/x'));
    expect(crawler.scheduled).toHaveLength(1);
    await expect(crawler.download(new Request('http://a.test/x'))).rejects.toThrow(/no download answer/);
  });
});

describe('logLines', () => {
  it('writes each entry as one line, errors (and their causes) spelled out', () => {
    const cause = Object.assign(new Error('denied for key AKIA-SECRET'), { code: 'EACCES' });
    const error = new ConfigError('store refused', { cause });
    const lines = logLines([
      { level: 'info', message: 'plain', fields: undefined },
      { level: 'warn', message: 'failed', fields: { error, uri: 's3://b/k' } },
    ]);
    expect(lines[0]).toBe('info plain');
    expect(lines[1]).toMatch(/^warn failed \{/);
    expect(lines[1]).toContain('store refused');
    expect(lines[1]).toContain('ConfigError');
    expect(lines[1]).toContain('AKIA-SECRET');
    expect(lines[1]).toContain('"code":"EACCES"');
    expect(lines[1]).toContain('s3://b/k');
  });

  it('still gives a line for fields JSON cannot write', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic['self'] = cyclic;
    expect(logLines([{ level: 'error', message: 'odd', fields: cyclic }])).toEqual(['error odd [object Object]']);
  });
});
