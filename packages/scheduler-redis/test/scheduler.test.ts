import { once } from 'node:events';
import { createServer, connect as netConnect, type Server, type Socket } from 'node:net';
import { ConfigError, Request, createResponse, type Crawler } from '@crawl/core';
import { fakeCrawler } from '@crawl/testing';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { redisScheduler, type RedisScheduler } from '../src/index.js';
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
  const open: { scheduler: RedisScheduler; crawler: Crawler }[] = [];
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
    expect((await b.scheduler.next())?.url).toBe('http://a.test/1');
    expect(b.crawler.stats.get('scheduler/redis/requeued')).toBe(1);
    // b holds it now: a still sees work, until b is idle (size() acknowledges b's leases).
    expect(await a.scheduler.size()).toBe(1);
    expect(await b.scheduler.size()).toBe(0);
    expect(await a.scheduler.size()).toBe(0);
  });

  it('acknowledges a request once its callback output and items are done', async () => {
    const spider = makeSpider();
    const { scheduler, crawler } = await worker(prefixes.next(), spider);
    await scheduler.enqueue(new Request('http://a.test/d', { callback: spider.parseDetail, cbKwargs: { id: 1 } }));
    const got = (await scheduler.next())!;
    const keys = scheduler.keys!;
    expect(await redis.hlen(keys.leases)).toBe(1);
    const response = createResponse(got.url, { status: 200, body: 'x', request: got });
    for await (const _ of got.callback!.call(spider, response, got.cbKwargs) as AsyncIterable<unknown>) void _;
    await new Promise((r) => setTimeout(r, 50));
    expect(await redis.hlen(keys.leases)).toBe(1);
    crawler.events.emit('itemScraped', { ok: true }, response);
    await new Promise((r) => setTimeout(r, 50));
    expect(await redis.hlen(keys.leases)).toBe(0);
    expect(await redis.hlen(keys.requests)).toBe(0);
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
      expect(crawler.messages('warn').some((m) => m.includes('lost Redis'))).toBe(true);
    } finally {
      for (const w of open.splice(0)) await w.scheduler.close?.(w.crawler, 'finished');
      for (const s of sockets) s.destroy();
      proxy.close();
    }
  });
});
