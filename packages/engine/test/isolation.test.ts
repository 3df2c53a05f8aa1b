import { linkSite, startTestServer, type TestServer } from '@crawl/test-servers';
import { afterEach, describe, expect, it } from 'vitest';
import { Crawler } from '../src/index.js';
import { fetchHandler } from './support/fetch-handler.js';
import { memoryLogger } from './support/logger.js';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('two crawlers in one process', () => {
  it('share no stats, dupefilter, events, settings or slots', async () => {
    server = await startTestServer({ routes: linkSite({ pages: 12, linksPerPage: 2 }) });
    const make = (name: string, botName: string, perDomain: number) => {
      const seen: string[] = [];
      const crawler = new Crawler(
        { name, startUrls: [`${server!.url}/`], *parse(r) { seen.push(r.url); yield* r.followAll({ css: 'a' }); } },
        { downloadHandlers: [fetchHandler()], logger: memoryLogger(), settings: { botName, logStatsInterval: 0, concurrentRequestsPerDomain: perDomain } },
      );
      return { crawler, seen };
    };
    const a = make('a', 'bot-a', 1);
    const b = make('b', 'bot-b', 3);
    let aEvents = 0;
    a.crawler.events.on('responseReceived', () => void aEvents++);
    const [ra, rb] = await Promise.all([a.crawler.crawl(), b.crawler.crawl()]);
    // Each crawler deduplicated on its own: both fetched the whole site.
    expect(a.seen).toHaveLength(13);
    expect(b.seen).toHaveLength(13);
    expect(server.requests).toHaveLength(26);
    expect(ra.stats['response_received_count']).toBe(13);
    expect(rb.stats['response_received_count']).toBe(13);
    expect(aEvents).toBe(13);
    expect(a.crawler.settings.botName).toBe('bot-a');
    expect(b.crawler.settings.botName).toBe('bot-b');
    expect(a.crawler.stats).not.toBe(b.crawler.stats);
    expect(a.crawler.downloader.slot('127.0.0.1').concurrency).toBe(1);
    expect(b.crawler.downloader.slot('127.0.0.1').concurrency).toBe(3);
  });
});
