import { Request, defineSpider, type Response } from '@crawl/core';
import { handlers, startTestServer, type RouteHandler, type TestServer } from '@crawl/test-servers';
import { afterEach, describe, expect, it } from 'vitest';
import { autothrottle, type AutothrottleOptions } from '../src/index.js';
import { loopbackCrawler, type Logged } from './support.js';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** A chain /p/0 → /p/1 → … answered by `page(i)`. */
function chain(pages: number, page: (i: number, body: string) => RouteHandler): Record<string, RouteHandler> {
  const routes: Record<string, RouteHandler> = {};
  for (let i = 0; i < pages; i++) routes[`/p/${i}`] = page(i, i + 1 < pages ? `<a href="/p/${i + 1}">next</a>` : 'end');
  return routes;
}

interface Adjustment {
  delay: number;
  diff: number;
  latency: number;
}

/** The debug lines, read back: `slot: a.test | conc: 1 | delay:  600 ms (-400) | latency:  203 ms | size: …`. */
function adjustments(logs: Logged[]): Adjustment[] {
  return logs
    .filter((l) => l.level === 'info' && l.message.startsWith('slot: a.test'))
    .map((l) => {
      const m = /delay:\s*(-?\d+) ms \(([+-]\d+)\) \| latency:\s*(\d+) ms/.exec(l.message)!;
      return { delay: Number(m[1]), diff: Number(m[2]), latency: Number(m[3]) };
    });
}

async function crawlChain(routes: Record<string, RouteHandler>, options: AutothrottleOptions, settings: Record<string, unknown> = {}) {
  server = await startTestServer({ routes });
  const base = `http://a.test:${server.port}`;
  const spider = defineSpider({
    name: 'throttled',
    settings: { randomizeDownloadDelay: false, ...settings },
    *start() {
      yield new Request(`${base}/p/0`, { errback: () => undefined });
    },
    *parse(response: Response) {
      const next = response.css('a::attr(href)').get();
      if (next) yield response.follow(next, { errback: () => undefined });
    },
  });
  const logs: Logged[] = [];
  const crawler = loopbackCrawler(spider, [autothrottle({ debug: true, ...options })], logs);
  await crawler.crawl();
  return { crawler, logs, steps: adjustments(logs), server };
}

describe('autothrottle() in a real crawl', () => {
  it('brings the slot delay down from the start delay toward the latency of a slow server', async () => {
    const { crawler, steps, server } = await crawlChain(chain(6, (_i, body) => handlers.delay(200, handlers.html(body))), { startDelay: 1 });
    expect(server.requests).toHaveLength(6);
    expect(steps).toHaveLength(6);
    for (const step of steps) expect(step.latency).toBeGreaterThanOrEqual(200);
    const delay = crawler.downloader.slot('a.test').delay;
    expect(delay).toBeLessThan(1);
    expect(delay).toBeGreaterThanOrEqual(0.2);
    // Each step is Scrapy's rule applied to what was measured: at least the latency.
    for (const step of steps) expect(step.delay).toBeGreaterThanOrEqual(step.latency - 1);
    // The slot really paced the requests: arrivals are about the delay in force apart (less the
    // first connection's setup, which delays the first arrival but not the slot's clock).
    const gaps = server.requests.slice(1).map((r, i) => r.at - server.requests[i]!.at);
    for (const [i, gap] of gaps.entries()) expect(gap).toBeGreaterThanOrEqual(steps[i]!.delay - 50);
  });

  it('doubles the delay on a 429 instead of speeding up', async () => {
    const routes = chain(3, (i, body) => (i === 1 ? handlers.status(429) : handlers.html(body)));
    routes['/p/0'] = handlers.html('<a href="/p/1">next</a>');
    const { steps } = await crawlChain(routes, { startDelay: 0.2 });
    expect(steps).toHaveLength(2);
    const [ok, limited] = steps as [Adjustment, Adjustment];
    // A fast 200 lowers the delay; the 429 that follows doubles it (±1 ms of truncation).
    expect(ok.diff).toBeLessThan(0);
    expect(limited.diff).toBeGreaterThan(0);
    expect(Math.abs(limited.delay - 2 * (limited.delay - limited.diff))).toBeLessThanOrEqual(2);
  });

  it('never goes below downloadDelay', async () => {
    const { steps, crawler } = await crawlChain(chain(4, (_i, body) => handlers.html(body)), { startDelay: 0 }, { downloadDelay: 0.3 });
    expect(steps).toHaveLength(4);
    for (const step of steps) expect(step.delay).toBeGreaterThanOrEqual(300);
    expect(crawler.downloader.slot('a.test').delay).toBe(0.3);
  });

  it('never goes above maxDelay', async () => {
    // Slow pages (latency above maxDelay) and, last, a 503 that would double the delay.
    const routes = chain(3, (i, body) => handlers.delay(250, i === 2 ? handlers.status(503) : handlers.html(body)));
    const { steps } = await crawlChain(routes, { startDelay: 0.05, maxDelay: 0.1 });
    expect(steps).toHaveLength(3);
    for (const step of steps) {
      expect(step.latency).toBeGreaterThanOrEqual(250);
      expect(step.delay).toBeLessThanOrEqual(100);
    }
  });
});
