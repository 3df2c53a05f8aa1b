import { ConfigError, NotConfigured, Request, type CloseReason, type Plugin } from '@crawl/core';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Crawler, crawl, memoryScheduler } from '../src/index.js';
import { fakeHandler } from './support/fake-handler.js';
import { memoryLogger } from './support/logger.js';

function recorder() {
  const log: string[] = [];
  const plugin = <T extends object>(name: string, extra: T, opts: { openError?: Error } = {}): Plugin & T => ({
    name,
    ...extra,
    open() {
      log.push(`open ${name}`);
      if (opts.openError) throw opts.openError;
    },
    close(_c: unknown, reason: CloseReason) {
      log.push(`close ${name} (${reason})`);
    },
  });
  return { log, plugin };
}

describe('plugin lifecycle', () => {
  it('opens extensions, scheduler, handlers, downloader mws, spider mws, pipelines in order; closes in reverse; then spider.closed', async () => {
    const { log, plugin } = recorder();
    const inner = memoryScheduler();
    const handler = fakeHandler();
    const result = await crawl(
      { name: 'order', startUrls: ['http://o.test/'], parse: () => ({ ok: 1 }), closed: (r) => void log.push(`spider closed (${r})`) },
      {
        scheduler: { ...inner, ...plugin('scheduler', {}), open: (c) => (log.push('open scheduler'), inner.open!(c)) },
        downloadHandlers: [{ ...handler, ...plugin('handler', {}), download: handler.download }],
        downloaderMiddlewares: [plugin('dmw', { order: 10 })],
        spiderMiddlewares: [plugin('smw', { order: 10 })],
        itemPipelines: [plugin('pipeline', { processItem: (i: unknown) => i })],
        extensions: [plugin('ext', {})],
        builtinSpiderMiddlewares: false,
        builtinDownloaderMiddlewares: false,
        logger: memoryLogger(),
        settings: { logStatsInterval: 0 },
      },
    );
    expect(result.reason).toBe('finished');
    expect(log).toEqual([
      'open ext',
      'open scheduler',
      'open handler',
      'open dmw',
      'open smw',
      'open pipeline',
      'close pipeline (finished)',
      'close smw (finished)',
      'close dmw (finished)',
      'close handler (finished)',
      'close scheduler (finished)',
      'close ext (finished)',
      'spider closed (finished)',
    ]);
  });

  it('NotConfigured disables a plugin with an info line naming it and the reason', async () => {
    const calls: string[] = [];
    const logger = memoryLogger();
    await crawl(
      { name: 'nc', startUrls: ['http://n.test/'], parse: () => undefined },
      {
        downloadHandlers: [fakeHandler()],
        downloaderMiddlewares: [
          {
            name: 'needs-key',
            order: 100,
            open() {
              throw new NotConfigured('API_KEY is not set');
            },
            processRequest: () => void calls.push('processRequest'),
            close: () => void calls.push('close'),
          },
        ],
        logger,
        settings: { logStatsInterval: 0 },
      },
    );
    expect(calls).toEqual([]);
    expect(logger.find('info', 'Disabled downloader middleware needs-key: API_KEY is not set')).toHaveLength(1);
  });

  it('an open() error rejects crawl() after closing what was opened, in reverse', async () => {
    const { log, plugin } = recorder();
    const boom = new Error('cannot connect to the database');
    const crawler = new Crawler(
      { name: 'fail', startUrls: ['http://f.test/'], parse: () => undefined },
      {
        downloadHandlers: [fakeHandler()],
        downloaderMiddlewares: [plugin('dmw', { order: 1 })],
        itemPipelines: [plugin('db', { processItem: (i: unknown) => i }, { openError: boom })],
        extensions: [plugin('ext', {})],
        builtinSpiderMiddlewares: false,
        builtinDownloaderMiddlewares: false,
        logger: memoryLogger(),
        settings: { logStatsInterval: 0 },
      },
    );
    await expect(crawler.crawl()).rejects.toBe(boom);
    expect(log).toEqual(['open ext', 'open dmw', 'open db', 'close dmw (open_failed)', 'close ext (open_failed)']);
  });

  it('opens feed exports after every other plugin: one that fails to open leaves the feed file alone', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'crawl-lifecycle-'));
    try {
      const feed = join(dir, 'items.jsonl');
      await writeFile(feed, '{"kept":1}\n');
      const { log, plugin } = recorder();
      const boom = new Error('cannot connect to the database');
      const crawler = new Crawler(
        { name: 'feed-last', startUrls: ['http://f.test/'], parse: () => ({ ok: 1 }) },
        {
          downloadHandlers: [fakeHandler()],
          itemPipelines: [plugin('db', { processItem: (i: unknown) => i }, { openError: boom })],
          extensions: [plugin('ext', {})],
          logger: memoryLogger(),
          settings: { logStatsInterval: 0, feeds: { [feed]: { format: 'jsonl', overwrite: true } } },
        },
      );
      await expect(crawler.crawl()).rejects.toBe(boom);
      expect(log).toEqual(['open ext', 'open db', 'close ext (open_failed)']);
      expect(await readFile(feed, 'utf8')).toBe('{"kept":1}\n');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('a close() error is logged and the others still close', async () => {
    const closed: string[] = [];
    const logger = memoryLogger();
    await crawl(
      { name: 'close-err', startUrls: ['http://c.test/'], parse: () => undefined },
      {
        downloadHandlers: [fakeHandler()],
        extensions: [
          { name: 'a', close: () => void closed.push('a') },
          {
            name: 'b',
            close() {
              throw new Error('flush failed');
            },
          },
          { name: 'c', close: async () => void closed.push('c') },
        ],
        logger,
        settings: { logStatsInterval: 0 },
      },
    );
    expect(closed).toEqual(['c', 'a']);
    expect(logger.find('error', 'Error closing b: Error: flush failed')).toHaveLength(1);
  });

  it('rejects plugins that break their contract with a ConfigError naming them', async () => {
    const spider = { name: 'bad', parse: () => undefined };
    await expect(new Crawler(spider, { logger: memoryLogger(), downloaderMiddlewares: [{ name: 'no-order' } as never] }).crawl()).rejects.toThrow(
      /downloader middleware no-order needs a finite numeric order/,
    );
    await expect(new Crawler(spider, { logger: memoryLogger(), itemPipelines: [{ name: 'p' } as never] }).crawl()).rejects.toThrow(/item pipeline p has no processItem/);
    await expect(new Crawler(spider, { logger: memoryLogger(), extensions: [{} as never] }).crawl()).rejects.toThrow(ConfigError);
    expect(() => new Crawler({ name: '', parse: () => undefined })).toThrow(/Spider has no name/);
  });

  it('spiderOpened, spiderIdle and spiderClosed fire; an idle listener may schedule more work', async () => {
    const events: string[] = [];
    let extra = false;
    const result = await crawl(
      { name: 'idle', startUrls: ['http://i.test/'], parse: (r) => void events.push(`parse ${new URL(r.url).pathname}`) },
      {
        downloadHandlers: [fakeHandler()],
        logger: memoryLogger(),
        settings: { logStatsInterval: 0 },
        extensions: [
          {
            name: 'watch',
            open(c) {
              c.events.on('spiderOpened', (s) => void events.push(`opened ${s.name}`));
              c.events.on('spiderIdle', async () => {
                events.push('idle');
                if (!extra) {
                  extra = true;
                  await c.schedule(new Request('http://i.test/more'));
                }
              });
              c.events.on('spiderClosed', (r) => void events.push(`closed ${r}`));
            },
          },
        ],
      },
    );
    expect(result.reason).toBe('finished');
    expect(events).toEqual(['opened idle', 'parse /', 'idle', 'parse /more', 'idle', 'closed finished']);
  });
});

describe('spiderIdle', () => {
  it('fires again when a listener scheduled work that finished while it was still running', async () => {
    let idles = 0;
    const parsed: string[] = [];
    await crawl(
      { name: 'feeder', startUrls: ['http://f.test/0'], parse: (r) => void parsed.push(r.url) },
      {
        downloadHandlers: [fakeHandler()],
        logger: memoryLogger(),
        settings: { logStatsInterval: 0 },
        extensions: [
          {
            name: 'feed-more',
            open(c) {
              c.events.on('spiderIdle', async () => {
                idles++;
                if (idles > 3) return;
                await c.schedule(new Request(`http://f.test/${idles}`));
                // Wait long enough for that request to be downloaded and parsed before returning.
                await new Promise((r) => setTimeout(r, 30));
              });
            },
          },
        ],
      },
    );
    expect(parsed).toEqual(['http://f.test/0', 'http://f.test/1', 'http://f.test/2', 'http://f.test/3']);
    expect(idles).toBe(4);
  });
});
