import { once } from 'node:events';
import { createServer, connect as netConnect, type Server, type Socket } from 'node:net';
import { ConfigError, Request, createResponse, type Crawler as CoreCrawler, type Response } from '@crawl/core';
import { Crawler } from '@crawl/engine';
import { fakeCrawler, fakeDownloadHandler } from '@crawl/testing';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { crawlKeys, redisScheduler, type RedisScheduler } from '../src/index.js';
import { keyPrefixes, REDIS_URL, redisAvailable } from './redis-env.js';

const available = await redisAvailable();
const prefixes = keyPrefixes();

function makeSpider(calls: string[] = []) {
  return {
    name: 'unit',
    parse() {
      calls.push('parse');
    },
    parseDetail(_response: unknown, kwargs: { id?: number }) {
      calls.push(`parseDetail:${kwargs.id}`);
      return [{ ok: true }];
    },
    onError() {
      calls.push('onError');
    },
  };
}

describe.skipIf(!available)('redisScheduler', () => {
  let redis: Redis;
  const open: { scheduler: RedisScheduler; crawler: CoreCrawler }[] = [];
  beforeAll(() => {
    redis = new Redis(REDIS_URL);
  });
  afterEach(async () => {
    for (const { scheduler, crawler } of open.splice(0)) await scheduler.close?.(crawler, 'finished');
  });
  afterAll(async () => {
    await prefixes.cleanup();
    redis.disconnect();
  });

  async function worker(keyPrefix: string, spider = makeSpider(), extra: Parameters<typeof redisScheduler>[0] = {}) {
    const crawler = fakeCrawler({ spider });
    const scheduler = redisScheduler({ keyPrefix, ...extra });
    await scheduler.open?.(crawler);
    open.push({ scheduler, crawler });
    return { scheduler, crawler, spider };
  }

  it('rejects unknown and bad options with a ConfigError naming them', () => {
    expect(() => redisScheduler({ leaseSecs: 5 } as never)).toThrow(/unknown option 'leaseSecs'/);
    expect(() => redisScheduler({ leaseSeconds: 0 })).toThrow(ConfigError);
    expect(() => redisScheduler({ url: 'http://x' })).toThrow(/redis:\/\//);
    expect(() => redisScheduler({ order: 'random' as never })).toThrow(/order/);
  });

  it('stores callback and errback by spider method name and calls the spider method after the round trip', async () => {
    const calls: string[] = [];
    const { scheduler, spider } = await worker(prefixes.next(), makeSpider(calls));
    await scheduler.enqueue(new Request('http://a.test/d', { callback: spider.parseDetail, errback: spider.onError, cbKwargs: { id: 3 }, flags: ['x'], dontFilter: true }));
    const got = (await scheduler.next())!;
    expect(got.callback?.name).toBe('parseDetail');
    expect(got.errback?.name).toBe('onError');
    expect(got.flags).toEqual(['x']);
    expect(got.dontFilter).toBe(true);
    const response = createResponse(got.url, { status: 200, body: 'x', request: got });
    const out = got.callback!.call(spider, response, got.cbKwargs);
    for await (const _ of out as AsyncIterable<unknown>) void _;
    expect(calls).toEqual(['parseDetail:3']);
    const raw = await redis.hvals(`${scheduler.keys!.requests}`);
    expect(raw).toHaveLength(1);
    expect(JSON.parse(raw[0]!)).toMatchObject({ v: 1, callback: 'parseDetail', errback: 'onError' });
  });

  it('refuses a closure callback at enqueue with a ConfigError naming the URL', async () => {
    const { scheduler } = await worker(prefixes.next());
    const secret = 42;
    await expect(scheduler.enqueue(new Request('http://a.test/closure', { callback: () => [{ secret }] }))).rejects.toThrow(ConfigError);
    await expect(scheduler.enqueue(new Request('http://a.test/closure2', { callback: () => [{ secret }] }))).rejects.toThrow(/http:\/\/a\.test\/closure2/);
    await expect(scheduler.enqueue(new Request('http://a.test/date', { meta: { at: new Date() } }))).rejects.toThrow(/meta\.at is a Date/);
    expect(await scheduler.size()).toBe(0);
  });

  it('refuses tampered entries without running anything, and moves on to the next request', async () => {
    const { scheduler, crawler } = await worker(prefixes.next());
    const keys = scheduler.keys!;
    await scheduler.enqueue(new Request('http://a.test/good', { priority: -1 }));
    const good = JSON.parse((await redis.hvals(keys.requests))[0]!) as Record<string, unknown>;
    (globalThis as { pwned?: boolean }).pwned = false;
    const tampered = [
      'not json',
      JSON.stringify({ ...good, callback: 'constructor' }),
      JSON.stringify({ ...good, callback: 'toString' }),
      JSON.stringify({ ...good, callback: '(() => { globalThis.pwned = true })()' }),
      JSON.stringify({ ...good, v: 2 }),
      JSON.stringify({ ...good, extra: 1 }),
      JSON.stringify({ ...good, url: 'javascript:alert(1)', method: 'GET' }).replace('"url":"javascript:alert(1)"', '"url":"not a url"'),
      JSON.stringify({ ...good, headers: { a: 'b' } }),
      JSON.stringify({ ...good, priority: 1e300 }),
      JSON.stringify({ ...good, body: '%%%' }),
      JSON.stringify(good).replace('"meta":{}', '"meta":{"__proto__":{"polluted":true}}'),
    ];
    for (const [i, raw] of tampered.entries()) {
      const id = `t${i}`;
      await redis.hset(keys.requests, id, raw);
      await redis.zadd(keys.queue, 1e12 + i, id);
    }
    const got = await scheduler.next();
    expect(got?.url).toBe('http://a.test/good');
    expect((globalThis as { pwned?: boolean }).pwned).toBe(false);
    expect(({} as { polluted?: boolean }).polluted).toBeUndefined();
    expect(crawler.stats.get('scheduler/redis/rejected')).toBe(tampered.length);
    await new Promise((r) => setTimeout(r, 50));
    expect(await redis.llen(keys.rejected)).toBe(tampered.length);
    expect(await redis.hexists(keys.requests, 't1')).toBe(0);
  });

  it('shares frontier, priorities and dupefilter between workers; stores 20-byte fingerprints', async () => {
    const prefix = prefixes.next();
    const a = await worker(prefix);
    const b = await worker(prefix);
    expect(await a.scheduler.enqueue(new Request('http://a.test/low'))).toBe(true);
    expect(await a.scheduler.enqueue(new Request('http://a.test/high', { priority: 5 }))).toBe(true);
    expect(await b.scheduler.enqueue(new Request('http://a.test/low'))).toBe(false);
    expect(b.crawler.stats.get('dupefilter/filtered')).toBe(1);
    expect((await b.scheduler.next())?.url).toBe('http://a.test/high');
    expect((await a.scheduler.next())?.url).toBe('http://a.test/low');
    const members = await redis.smembersBuffer(a.scheduler.keys!.dupefilter);
    expect(members.map((m) => m.length)).toEqual([20, 20]);
  });

  it('counts leases of other workers in size() and returns expired leases to the frontier', async () => {
    const prefix = prefixes.next();
    const a = await worker(prefix);
    const b = await worker(prefix);
    const keys = a.scheduler.keys!;
    await a.scheduler.enqueue(new Request('http://a.test/1'));
    // A worker that died holding the request: its lease expired a moment ago.
    const [id, score] = await redis.zpopmax(keys.queue);
    await redis.hset(keys.leases, id!, `dead:1:x ${score}`);
    await redis.zadd(keys.expiries, Date.now() + 600, id!);
    expect(await b.scheduler.size()).toBe(1);
    expect(await b.scheduler.next()).toBeUndefined();
    await new Promise((r) => setTimeout(r, 1000));
    const taken = await b.scheduler.next();
    expect(taken?.url).toBe('http://a.test/1');
    expect(b.crawler.stats.get('scheduler/redis/requeued')).toBe(1);
    // b holds it now: a still sees work until b's engine acks it.
    expect(await a.scheduler.size()).toBe(1);
    expect(await b.scheduler.size()).toBe(1);
    await b.scheduler.ack(taken!);
    expect(await a.scheduler.size()).toBe(0);
    expect(await b.scheduler.size()).toBe(0);
  });

  it('acknowledges exactly the lease of the request the engine acks', async () => {
    const spider = makeSpider();
    const { scheduler } = await worker(prefixes.next(), spider);
    const keys = scheduler.keys!;
    await scheduler.enqueue(new Request('http://a.test/1', { callback: spider.parseDetail }));
    await scheduler.enqueue(new Request('http://a.test/2', { callback: spider.parseDetail }));
    const first = (await scheduler.next())!;
    const second = (await scheduler.next())!;
    expect(await redis.hlen(keys.leases)).toBe(2);
    // A request that did not come from next() (or a copy of one) releases nothing.
    await scheduler.ack(new Request(first.url, { callback: spider.parseDetail }));
    await scheduler.ack(first.replace({}));
    expect(await redis.hlen(keys.leases)).toBe(2);
    await scheduler.ack(first);
    expect(await redis.hkeys(keys.leases)).toHaveLength(1);
    expect(await redis.hlen(keys.requests)).toBe(1);
    await scheduler.ack(first);
    await scheduler.ack(second);
    expect(await redis.hlen(keys.leases)).toBe(0);
    expect(await redis.hlen(keys.requests)).toBe(0);
    expect(await scheduler.size()).toBe(0);
  });

  it('releases the original lease when its replacement (a redirect) is stored and the original acked', async () => {
    const spider = makeSpider();
    const { scheduler } = await worker(prefixes.next(), spider);
    const keys = scheduler.keys!;
    await scheduler.enqueue(new Request('http://a.test/old', { callback: spider.parseDetail, errback: spider.onError }));
    const original = (await scheduler.next())!;
    expect(await scheduler.enqueue(original.replace({ url: 'http://a.test/new' }))).toBe(true);
    expect(await redis.hlen(keys.leases)).toBe(1);
    await scheduler.ack(original);
    expect(await redis.hlen(keys.leases)).toBe(0);
    const replacement = (await scheduler.next())!;
    expect(replacement.url).toBe('http://a.test/new');
    expect(replacement.callback).toBe(spider.parseDetail);
    expect(replacement.errback).toBe(spider.onError);
  });

  it('hands leases never acked back to the frontier at close (an abort)', async () => {
    const { scheduler, crawler } = await worker(prefixes.next());
    const keys = scheduler.keys!;
    await scheduler.enqueue(new Request('http://a.test/1'));
    await scheduler.enqueue(new Request('http://a.test/2'));
    const done = (await scheduler.next())!;
    await scheduler.next();
    await scheduler.ack(done);
    crawler.abortController.abort();
    await scheduler.close?.(crawler, 'shutdown');
    open.splice(0);
    expect(await redis.hlen(keys.leases)).toBe(0);
    expect(await redis.zcard(keys.queue)).toBe(1);
    expect(await redis.hlen(keys.requests)).toBe(1);
  });

  it('renews the leases it still holds while the worker lives', async () => {
    const { scheduler } = await worker(prefixes.next(), makeSpider(), { leaseSeconds: 1.5 });
    const keys = scheduler.keys!;
    await scheduler.enqueue(new Request('http://a.test/1'));
    await scheduler.enqueue(new Request('http://a.test/2'));
    const acked = (await scheduler.next())!;
    const held = (await scheduler.next())!;
    await scheduler.ack(acked);
    const [id] = await redis.hkeys(keys.leases);
    const before = Number(await redis.zscore(keys.expiries, id!));
    await new Promise((r) => setTimeout(r, 1200));
    expect(Number(await redis.zscore(keys.expiries, id!))).toBeGreaterThan(before);
    // Beyond the original expiry, still held by this worker: not handed to anyone else.
    await new Promise((r) => setTimeout(r, 600));
    expect(await scheduler.size()).toBe(1);
    expect(await scheduler.next()).toBeUndefined();
    await scheduler.ack(held);
    expect(await scheduler.size()).toBe(0);
  });

  it('takes part in a real crawl: every lease acked, redirects included, nothing left in Redis', async () => {
    const prefix = prefixes.next();
    const seen: string[] = [];
    const spider = {
      name: 'engine',
      *start() {
        yield new Request('http://a.test/', { callback: spider.parse });
      },
      parse(response: Response) {
        seen.push(response.url);
        if (response.url === 'http://a.test/') return [new Request('http://a.test/moved', { callback: spider.parse }), { url: response.url }];
        return [{ url: response.url }];
      },
    };
    const scheduler = redisScheduler({ keyPrefix: prefix, statsInterval: 0 });
    const acked: string[] = [];
    const ack = scheduler.ack.bind(scheduler);
    scheduler.ack = (request) => {
      acked.push(request.url);
      return ack(request);
    };
    const items: unknown[] = [];
    const { reason } = await new Crawler(spider, {
      scheduler,
      downloadHandlers: [fakeDownloadHandler({}, { fallback: { status: 200, body: '<html></html>', headers: { 'content-type': 'text/html' } } })],
      downloaderMiddlewares: [
        {
          name: 'redirect-like',
          order: 600,
          processRequest: (request) => (request.url === 'http://a.test/moved' ? request.replace({ url: 'http://a.test/target' }) : undefined),
        },
      ],
      itemPipelines: [{ name: 'collect', processItem: (item) => (items.push(item), item) }],
      settings: { logLevel: 'error', logStatsInterval: 0 },
    }).crawl();
    expect(reason).toBe('finished');
    expect(seen.sort()).toEqual(['http://a.test/', 'http://a.test/target']);
    expect(items).toHaveLength(2);
    // The engine acks the request next() returned, the replaced one included.
    expect(acked.sort()).toEqual(['http://a.test/', 'http://a.test/moved', 'http://a.test/target']);
    const keys = crawlKeys(prefix, 'engine', undefined);
    expect(await redis.hlen(keys.leases)).toBe(0);
    expect(await redis.hlen(keys.requests)).toBe(0);
    expect(await redis.zcard(keys.queue)).toBe(0);
  });

  it('reads start URLs pushed to the start-URLs list', async () => {
    const { scheduler } = await worker(prefixes.next());
    await redis.rpush(scheduler.keys!.startUrls, 'http://a.test/s1', 'not a url');
    expect((await scheduler.next())?.url).toBe('http://a.test/s1');
    expect(await scheduler.next()).toBeUndefined();
  });

  it('with idleWait reports work while empty, so the engine keeps polling', async () => {
    const { scheduler } = await worker(prefixes.next(), makeSpider(), { idleWait: true });
    expect(await scheduler.size()).toBe(1);
    expect(await scheduler.next()).toBeUndefined();
  });

  it('mirrors stats into the shared hash at close', async () => {
    const prefix = prefixes.next();
    const a = await worker(prefix);
    const b = await worker(prefix);
    await a.scheduler.enqueue(new Request('http://a.test/1'));
    await b.scheduler.enqueue(new Request('http://a.test/2'));
    const key = a.scheduler.keys!.stats;
    for (const w of open.splice(0)) await w.scheduler.close?.(w.crawler, 'finished');
    expect(await redis.hget(key, 'scheduler/enqueued')).toBe('2');
  });

  it('pauses while Redis is unreachable and carries on after it reconnects', async () => {
    const target = new URL(REDIS_URL);
    const upstreamPort = Number(target.port || 6379);
    const upstreamHost = target.hostname;
    const sockets = new Set<Socket>();
    let accepting = true;
    const proxy: Server = createServer((client) => {
      if (!accepting) {
        client.destroy();
        return;
      }
      const upstream = netConnect(upstreamPort, upstreamHost);
      sockets.add(client).add(upstream);
      client.pipe(upstream).pipe(client);
      const drop = () => {
        client.destroy();
        upstream.destroy();
      };
      client.on('error', drop).on('close', drop);
      upstream.on('error', drop).on('close', drop);
    });
    proxy.listen(0, '127.0.0.1');
    await once(proxy, 'listening');
    const port = (proxy.address() as { port: number }).port;
    target.host = `127.0.0.1:${port}`;
    try {
      const { scheduler, crawler } = await worker(prefixes.next(), makeSpider(), { url: target.href });
      await scheduler.enqueue(new Request('http://a.test/1'));
      accepting = false;
      for (const s of sockets) s.destroy();
      const pending = Promise.resolve(scheduler.next());
      const enqueued = scheduler.enqueue(new Request('http://a.test/2', { priority: -1 }));
      let settled = false;
      void pending.then(() => (settled = true));
      await new Promise((r) => setTimeout(r, 600));
      expect(settled).toBe(false);
      accepting = true;
      expect((await pending)?.url).toBe('http://a.test/1');
      expect(await enqueued).toBe(true);
      expect((await scheduler.next())?.url).toBe('http://a.test/2');
      expect(crawler.messages('warn', '@crawl/scheduler-redis').some((m) => m.includes('lost Redis'))).toBe(true);
    } finally {
      for (const w of open.splice(0)) await w.scheduler.close?.(w.crawler, 'finished');
      for (const s of sockets) s.destroy();
      proxy.close();
    }
  });
});
