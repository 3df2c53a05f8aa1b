import { Request, defineSpider, type Response } from '@crawl/core';
import { Crawler } from '@crawl/engine';
import { httpHandler } from '@crawl/http';
import { handlers, startTestServer, type TestServer } from '@crawl/test-servers';
import { afterEach, describe, expect, it } from 'vitest';
import { memusage, peakRss, type MemusageOptions } from '../src/index.js';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const MIB = 1024 * 1024;

/** A chain of `pages` pages on a loopback server, each 20 ms slow, crawled with memusage(options). */
async function crawl(pages: number, options: MemusageOptions, settings: Record<string, unknown> = {}) {
  const routes: Record<string, ReturnType<typeof handlers.html>> = {};
  for (let i = 0; i < pages; i++) routes[`/p/${i}`] = handlers.delay(20, handlers.html(i + 1 < pages ? `<a href="/p/${i + 1}">next</a>` : 'end'));
  server = await startTestServer({ routes });
  const base = `http://127.0.0.1:${server.port}`;
  const logs: { level: string; message: string }[] = [];
  const record = (level: string) => (message: string) => void logs.push({ level, message });
  const spider = defineSpider({
    name: 'memory',
    *start() {
      yield new Request(`${base}/p/0`);
    },
    *parse(response: Response) {
      const next = response.css('a::attr(href)').get();
      if (next) yield response.follow(next);
    },
  });
  const crawler = new Crawler(spider, {
    downloadHandlers: [httpHandler()],
    extensions: [memusage(options)],
    settings: { logLevel: 'info', logStatsInterval: 0, ...settings },
    logger: { debug: record('debug'), info: record('info'), warn: record('warn'), error: record('error') },
  });
  const result = await crawler.crawl();
  return { result, logs, stats: result.stats, requests: server.requests.length };
}

describe('memusage() in a real crawl', () => {
  it('records the peak RSS at start and its maximum, in bytes, and changes nothing else', async () => {
    const { result, stats, requests, logs } = await crawl(4, { checkIntervalSeconds: 0.01 });
    expect(result.reason).toBe('finished');
    expect(requests).toBe(4);
    const startup = stats['memusage/startup'] as number;
    const max = stats['memusage/max'] as number;
    expect(startup).toBeGreaterThan(10 * MIB);
    expect(max).toBeGreaterThanOrEqual(startup);
    expect(max).toBeLessThanOrEqual(peakRss());
    expect(stats['memusage/warning_reached']).toBeUndefined();
    expect(stats['memusage/limit_reached']).toBeUndefined();
    expect(logs.filter((l) => l.level === 'warn' || l.level === 'error')).toEqual([]);
  });

  it('warns once above warningMb and lets the crawl finish', async () => {
    const { result, stats, logs, requests } = await crawl(4, { warningMb: 1, checkIntervalSeconds: 0.01 });
    expect(result.reason).toBe('finished');
    expect(requests).toBe(4);
    expect(stats['memusage/warning_reached']).toBe(1);
    const warnings = logs.filter((l) => l.level === 'warn');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.message).toMatch(/^Memory usage reached \d+ MiB \(warning at 1 MiB\)$/);
  });

  it('closes the crawl with reason memusage_exceeded above limitMb, from the settings too', async () => {
    const { result, stats, logs, requests } = await crawl(50, {}, { memusageLimitMb: 1, memusageCheckIntervalSeconds: 0.01 });
    expect(result.reason).toBe('memusage_exceeded');
    expect(requests).toBeLessThan(50);
    expect(stats['memusage/limit_reached']).toBe(1);
    expect(logs.filter((l) => l.level === 'error').map((l) => l.message)).toEqual([expect.stringMatching(/^Memory usage exceeded \d+ MiB \(limit 1 MiB\)\. Closing the crawl\.$/)]);
  });

  it('is disabled with a logged reason when both watching and the lean heap are off', async () => {
    const { result, stats, logs } = await crawl(1, { enabled: false, leanHeap: false });
    expect(result.reason).toBe('finished');
    expect(stats['memusage/startup']).toBeUndefined();
    expect(logs.some((l) => l.level === 'info' && l.message.includes('Disabled extension @crawl/memusage: memusageEnabled and memusageLeanHeap are both false'))).toBe(true);
  });
});
