import { createServer } from 'node:net';
import { ConnectionRefusedError, HttpError, Request, defineSpider, type Failure, type Response } from '@crawl/core';
import type { Crawler } from '@crawl/engine';
import { handlers, startTestServer, type RecordedRequest, type TestServer } from '@crawl/test-servers';
import { afterEach, describe, expect, it } from 'vitest';
import { getRetryRequest, retry } from '../src/index.js';
import { loopbackCrawler, type Logged } from './support.js';

const servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function serve(routes: Parameters<typeof startTestServer>[0]): Promise<{ server: TestServer; base: (host?: string) => string }> {
  const server = await startTestServer(routes);
  servers.push(server);
  return { server, base: (host = 'a.test') => `http://${host}:${server.port}` };
}

const hits = (server: TestServer, path: string): RecordedRequest[] => server.requests.filter((r) => r.url === path);

/** A port with nothing listening on it. */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

describe('retry() in a real crawl', () => {
  it('gets through a 503, 503, 200 endpoint with two retries, and a request built from response.meta starts afresh', async () => {
    const { server, base } = await serve({
      routes: {
        '/flaky': handlers.sequence(handlers.status(503), handlers.status(503), handlers.html('<h1>finally</h1>')),
        '/down': handlers.status(503),
      },
    });
    const seen: { url: string; status: number; retryTimes: number | undefined }[] = [];
    const failures: Failure[] = [];
    const spider = defineSpider({
      name: 'flaky',
      *start() {
        yield new Request(`${base()}/flaky`, { meta: { tag: 'x' } });
      },
      *parse(response: Response) {
        seen.push({ url: response.url, status: response.status, retryTimes: response.request!.internal.retryTimes });
        // Built from response.meta, as spiders do: no retry counter comes along.
        yield new Request(`${base()}/down`, { meta: response.meta, errback: (f) => void failures.push(f) });
      },
    });
    const { stats } = await loopbackCrawler(spider, [retry()]).crawl();
    expect(seen).toEqual([{ url: `${base()}/flaky`, status: 200, retryTimes: 2 }]);
    expect(hits(server, '/flaky')).toHaveLength(3);
    // Full budget for /down: one download and two retries, then the errback.
    expect(hits(server, '/down')).toHaveLength(3);
    expect(failures).toHaveLength(1);
    expect(failures[0]!.request.meta['tag']).toBe('x');
    expect(failures[0]!.request.meta).not.toHaveProperty('retryTimes');
    expect(failures[0]!.request.internal.retryTimes).toBe(2);
    expect(stats['retry/count']).toBe(4);
    expect(stats['retry/reason_count/503 Service Unavailable']).toBe(4);
    expect(stats['retry/max_reached']).toBe(1);
  });

  it('gives up after the retries: the HttpError reaches the errback, with retry/max_reached and an error line', async () => {
    const { server, base } = await serve({ routes: { '/down': handlers.status(503) } });
    const failures: Failure[] = [];
    const spider = defineSpider({
      name: 'down',
      *start() {
        yield new Request(`${base()}/down`, { errback: (f) => void failures.push(f) });
      },
      parse() {},
    });
    const logs: Logged[] = [];
    const { stats } = await loopbackCrawler(spider, [retry()], logs).crawl();
    expect(hits(server, '/down')).toHaveLength(3);
    expect(failures).toHaveLength(1);
    expect(failures[0]!.error).toBeInstanceOf(HttpError);
    expect(failures[0]!.response?.status).toBe(503);
    expect(stats['retry/count']).toBe(2);
    expect(stats['retry/max_reached']).toBe(1);
    expect(logs.filter((l) => l.level === 'debug' && l.message.startsWith('Retrying')).map((l) => l.message)).toEqual([
      `Retrying <GET ${base()}/down> (failed 1 times): 503 Service Unavailable`,
      `Retrying <GET ${base()}/down> (failed 2 times): 503 Service Unavailable`,
    ]);
    expect(logs.filter((l) => l.level === 'error').map((l) => l.message)).toContain(
      `Gave up retrying <GET ${base()}/down> (failed 3 times): 503 Service Unavailable`,
    );
    // Logged under the middleware's own component, like Scrapy's scrapy.downloadermiddlewares.retry.
    const retryLines = logs.filter((l) => /^(Retrying|Gave up retrying) /.test(l.message));
    expect(retryLines).toHaveLength(3);
    expect(new Set(retryLines.map((l) => l.component))).toEqual(new Set(['@crawl/middleware-retry']));
  });

  it('takes retryTimes from the spider settings', async () => {
    const { server, base } = await serve({ fallback: handlers.status(502) });
    const spider = defineSpider({
      name: 'settings',
      settings: { retryTimes: 4 },
      startUrls: [`${base()}/bad-gateway`],
      parse() {},
    });
    const { stats } = await loopbackCrawler(spider, [retry()]).crawl();
    expect(hits(server, '/bad-gateway')).toHaveLength(5);
    expect(stats['retry/reason_count/502 Bad Gateway']).toBe(4);
  });

  it('honours meta.dontRetry and meta.maxRetryTimes', async () => {
    const { server, base } = await serve({ fallback: handlers.status(500) });
    const spider = defineSpider({
      name: 'meta',
      *start() {
        yield new Request(`${base()}/never`, { meta: { dontRetry: true }, errback: () => undefined });
        yield new Request(`${base()}/once`, { meta: { maxRetryTimes: 1 }, errback: () => undefined });
        yield new Request(`${base()}/five`, { meta: { maxRetryTimes: 5 }, errback: () => undefined });
      },
      parse() {},
    });
    const { stats } = await loopbackCrawler(spider, [retry()]).crawl();
    expect(hits(server, '/never')).toHaveLength(1);
    expect(hits(server, '/once')).toHaveLength(2);
    expect(hits(server, '/five')).toHaveLength(6);
    expect(stats['retry/reason_count/500 Internal Server Error']).toBe(6);
    expect(stats['retry/max_reached']).toBe(2);
  });

  it('retries a refused connection, then lets the error reach the errback', async () => {
    const port = await closedPort();
    const failures: Failure[] = [];
    const spider = defineSpider({
      name: 'refused',
      *start() {
        yield new Request(`http://a.test:${port}/`, { errback: (f) => void failures.push(f) });
      },
      parse() {},
    });
    const logs: Logged[] = [];
    const { stats } = await loopbackCrawler(spider, [retry()], logs).crawl();
    expect(failures).toHaveLength(1);
    expect(failures[0]!.error).toBeInstanceOf(ConnectionRefusedError);
    expect(failures[0]!.request.internal.retryTimes).toBe(2);
    expect(stats['retry/reason_count/ConnectionRefusedError']).toBe(2);
    expect(stats['retry/max_reached']).toBe(1);
    expect(logs.some((l) => l.level === 'error' && l.message.startsWith(`Gave up retrying <GET http://a.test:${port}/> (failed 3 times): ConnectionRefusedError`))).toBe(true);
  });

  it('waits out Retry-After: 1 on a 429 while another host keeps being crawled', async () => {
    const { server: a, base: aBase } = await serve({
      routes: {
        '/limited': handlers.sequence(handlers.status(429, undefined, { 'Retry-After': '1' }), handlers.text('ok')),
        '/other': handlers.text('other'),
      },
    });
    const pages = 8;
    const bRoutes: Record<string, ReturnType<typeof handlers.html>> = {};
    for (let i = 0; i < pages; i++) bRoutes[`/p/${i}`] = handlers.delay(150, handlers.html(i + 1 < pages ? `<a href="/p/${i + 1}">next</a>` : 'end'));
    const { server: b, base: bBase } = await serve({ routes: bRoutes });
    let scheduledOther = 0;
    const spider = defineSpider({
      name: 'retry-after',
      *start() {
        yield new Request(`${aBase()}/limited`);
        yield new Request(`${bBase('b.test')}/p/0`);
      },
      *parse(response: Response) {
        const next = response.css('a::attr(href)').get();
        if (next) yield response.follow(next);
        // Asked for while a.test's slot is pushed back: it waits with the retry.
        if (response.url.endsWith('/p/1')) {
          scheduledOther = Date.now();
          yield new Request(`${aBase()}/other`);
        }
      },
    });
    const { stats } = await loopbackCrawler(spider, [retry()]).crawl();
    const [first, second] = hits(a, '/limited');
    const [other] = hits(a, '/other');
    expect(scheduledOther).toBeLessThan(second!.at);
    expect(other!.at - first!.at).toBeGreaterThanOrEqual(950);
    expect(second).toBeDefined();
    // Lower bound only: the slot was deferred by 1 s after the 429 arrived.
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(950);
    const during = b.requests.filter((r) => r.at > first!.at && r.at < second!.at);
    expect(during.length).toBeGreaterThanOrEqual(2);
    expect(b.requests).toHaveLength(pages);
    expect(stats['retry/reason_count/429 Too Many Requests']).toBe(1);
  });

  it('waits out a Retry-After HTTP-date', async () => {
    const limited = handlers.sequence((_req, res) => {
      // Two seconds ahead, truncated to the second by the date format: a wait of 1-2 s.
      const at = new Date(Date.now() + 2000).toUTCString();
      res.writeHead(503, { 'Retry-After': at, 'Content-Length': 0 });
      res.end();
    }, handlers.text('ok'));
    const { server, base } = await serve({ routes: { '/limited': limited } });
    const bodies: string[] = [];
    const spider = defineSpider({
      name: 'retry-after-date',
      startUrls: [`${base()}/limited`],
      parse(response: Response) {
        bodies.push(response.text);
      },
    });
    await loopbackCrawler(spider, [retry()]).crawl();
    expect(bodies).toEqual(['ok']);
    const [first, second] = hits(server, '/limited');
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(900);
  });

  it('lets a callback retry with getRetryRequest()', async () => {
    const { server, base } = await serve({ routes: { '/empty-then-full': handlers.sequence(handlers.text(''), handlers.text('full')) } });
    let crawler: Crawler | undefined;
    const bodies: string[] = [];
    const spider = defineSpider({
      name: 'callback-retry',
      startUrls: [`${base()}/empty-then-full`],
      parse(response: Response) {
        bodies.push(response.text);
        if (response.text === '') return getRetryRequest(response.request!, { crawler: crawler!, reason: 'empty' });
        return undefined;
      },
    });
    crawler = loopbackCrawler(spider, [retry({ priorityAdjust: 0 })]);
    const { stats } = await crawler.crawl();
    expect(bodies).toEqual(['', 'full']);
    expect(hits(server, '/empty-then-full')).toHaveLength(2);
    expect(stats['retry/count']).toBe(1);
    expect(stats['retry/reason_count/empty']).toBe(1);
  });
});
