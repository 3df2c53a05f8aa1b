import { ConfigError, Request, type Response } from '@crawl/core';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Crawler, crawl } from '../../src/index.js';
import { fakeHandler } from '../support/fake-handler.js';
import { memoryLogger } from '../support/logger.js';

let dir = '';
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'crawl-jobdir-crawler-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('Crawler with settings.jobDir', () => {
  it('a closure callback fails at scheduling time with a ConfigError naming the URL; the crawl goes on', async () => {
    const logger = memoryLogger();
    let scheduleError: unknown;
    const spider = {
      name: 'closures',
      startUrls: ['http://a.test/'],
      *parse(response: Response) {
        yield response.follow('/closure', { callback: () => undefined });
        yield response.follow('/method', { callback: this.parseOther });
      },
      parseOther(response: Response) {
        return { url: response.url };
      },
    };
    const crawler = new Crawler(spider, { downloadHandlers: [fakeHandler()], logger, settings: { jobDir: dir, logStatsInterval: 0 } });
    crawler.events.on('spiderIdle', async () => {
      scheduleError ??= await crawler.schedule(new Request('http://a.test/x', { callback: () => undefined })).catch((e: unknown) => e);
    });
    const { stats } = await crawler.crawl();
    expect(stats['item_scraped_count']).toBe(1);
    const [line] = logger.find('error', 'Error scheduling <GET http://a.test/closure>');
    expect(line?.message).toMatch(/callback callback\(\) is not a method of spider closures/);
    expect(scheduleError).toBeInstanceOf(ConfigError);
    expect((scheduleError as Error).message).toContain('<GET http://a.test/x>');
  });

  it('spider.state is loaded on open and saved on close', async () => {
    const makeSpider = (): { name: string; startUrls: string[]; state?: Record<string, unknown>; parse(): void } => ({
      name: 'stateful',
      startUrls: ['http://a.test/'],
      parse() {
        this.state!['runs'] = ((this.state!['runs'] as number | undefined) ?? 0) + 1;
      },
    });
    const first = makeSpider();
    await crawl(first, { downloadHandlers: [fakeHandler()], logger: memoryLogger(), settings: { jobDir: dir, logStatsInterval: 0 } });
    expect(first.state).toEqual({ runs: 1 });
    const second = makeSpider();
    // A finished job has consumed its start requests: the state is there, nothing is crawled.
    const { stats } = await crawl(second, { downloadHandlers: [fakeHandler()], logger: memoryLogger(), settings: { jobDir: dir, logStatsInterval: 0 } });
    expect(second.state).toEqual({ runs: 1 });
    expect(stats['response_received_count']).toBeUndefined();
    expect(JSON.parse(await readFile(join(dir, 'spider.state'), 'utf8'))).toEqual({ v: 1, state: { runs: 1 } });
  });

  it('a tampered job file stops the crawl before it starts, naming file and line, running nothing', async () => {
    const ran: string[] = [];
    const spider = {
      name: 'tamper',
      startUrls: ['http://a.test/'],
      *parse(response: Response) {
        ran.push('parse');
        for (const i of [1, 2, 3]) yield response.follow(`/${i}`, { callback: this.parse });
      },
    };
    const handler = fakeHandler();
    const crawler = new Crawler(spider, { downloadHandlers: [handler], logger: memoryLogger(), settings: { jobDir: dir, logStatsInterval: 0, closespiderPagecount: 1, concurrentRequests: 1 } });
    await crawler.crawl();
    const journal = join(dir, (await readdir(dir)).find((f) => f.startsWith('journal-'))!);
    const manifest = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')) as { queues: { segments: string[] }[] };
    const segment = join(dir, manifest.queues[0]!.segments[0]!);
    await writeFile(segment, (await readFile(segment, 'utf8')).replace('"parse"', '"require(\'child_process\')"'));
    ran.length = 0;
    const requestsBefore = handler.requests.length;
    await expect(crawl(spider, { downloadHandlers: [handler], logger: memoryLogger(), settings: { jobDir: dir, logStatsInterval: 0 } })).rejects.toThrow(
      new RegExp(`Invalid job directory file ${segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:1: callback "require\\('child_process'\\)" is not a method of spider tamper`),
    );
    expect(ran).toEqual([]);
    expect(handler.requests.length).toBe(requestsBefore);
    expect(journal).toBeTruthy();
  });

  it('rejects a non-string jobDir setting', () => {
    expect(() => new Crawler({ name: 's', parse: () => undefined }, { settings: { jobDir: 3 as never } }).settings).toThrow(/Invalid value for setting jobDir/);
  });
});
