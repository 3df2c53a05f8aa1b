import { Request, type Crawler, type Response } from '@crawl/core';
import { describe, expect, it } from 'vitest';
import { MemoryStats, PriorityQueue, crawl, fingerprintDupeFilter, memoryScheduler } from '../src/index.js';
import { fakeHandler } from './support/fake-handler.js';
import { memoryLogger } from './support/logger.js';

describe('PriorityQueue', () => {
  it('pops higher priorities first, LIFO within a priority', () => {
    const q = new PriorityQueue<string>('lifo');
    q.push('a', 0);
    q.push('b', 0);
    q.push('hi', 10);
    q.push('neg', -5);
    q.push('c', 0);
    expect([...q]).toEqual(['hi', 'c', 'b', 'a', 'neg']);
    expect(q.peek()).toBe('hi');
    expect([q.pop(), q.pop(), q.pop(), q.pop(), q.pop(), q.pop()]).toEqual(['hi', 'c', 'b', 'a', 'neg', undefined]);
    expect(q.size).toBe(0);
  });

  it('FIFO within a priority', () => {
    const q = new PriorityQueue<string>('fifo');
    for (const x of ['a', 'b', 'c']) q.push(x, 1);
    q.push('z', 0);
    q.push('top', 2);
    expect([...q]).toEqual(['top', 'a', 'b', 'c', 'z']);
    const out: (string | undefined)[] = [];
    while (q.size) out.push(q.pop());
    expect(out).toEqual(['top', 'a', 'b', 'c', 'z']);
  });

  it('stays correct across many FIFO pushes and pops (head compaction)', () => {
    const q = new PriorityQueue<number>('fifo');
    const out: number[] = [];
    for (let i = 0; i < 5000; i++) {
      q.push(i, 0);
      if (i % 3 === 0) out.push(q.pop()!);
    }
    while (q.size) out.push(q.pop()!);
    expect(out).toEqual(Array.from({ length: 5000 }, (_, i) => i));
  });
});

function fakeCrawler(settings: Partial<Crawler['settings']> = {}) {
  const stats = new MemoryStats();
  const logger = memoryLogger();
  const crawler = {
    settings: { schedulerQueue: 'lifo', dupefilterDebug: false, ...settings },
    stats,
    logger,
    fingerprint: (r: Request<any>) => `${r.method} ${r.url}`,
  } as unknown as Crawler;
  return { crawler, stats, logger };
}

describe('memoryScheduler', () => {
  it('filters duplicates by fingerprint, lets dontFilter through, and keeps Scrapy stats', async () => {
    const { crawler, stats, logger } = fakeCrawler();
    const s = memoryScheduler();
    await s.open!(crawler);
    expect(s.enqueue(new Request('http://a.test/1'))).toBe(true);
    expect(s.enqueue(new Request('http://a.test/1'))).toBe(false);
    expect(s.enqueue(new Request('http://a.test/1'))).toBe(false);
    expect(s.enqueue(new Request('http://a.test/1', { dontFilter: true }))).toBe(true);
    expect(s.size()).toBe(2);
    expect(s.next()?.url).toBe('http://a.test/1');
    expect(stats.all()).toMatchObject({
      'scheduler/enqueued': 2,
      'scheduler/enqueued/memory': 2,
      'scheduler/dequeued': 1,
      'scheduler/dequeued/memory': 1,
      'dupefilter/filtered': 2,
    });
    // Only the first duplicate is logged unless dupefilterDebug.
    expect(logger.find('debug', 'Filtered duplicate request')).toHaveLength(1);
    expect(logger.find('debug', 'no more duplicates will be shown')).toHaveLength(1);
  });

  it('logs every duplicate with dupefilterDebug', async () => {
    const { crawler, logger } = fakeCrawler({ dupefilterDebug: true });
    const s = memoryScheduler();
    await s.open!(crawler);
    for (let i = 0; i < 3; i++) s.enqueue(new Request('http://a.test/'));
    expect(logger.find('debug', 'Filtered duplicate request')).toHaveLength(2);
  });

  it('orders by priority, then LIFO or FIFO per schedulerQueue', async () => {
    for (const [order, expected] of [
      ['lifo', ['p5', 'b2', 'b1', 'low']],
      ['fifo', ['p5', 'b1', 'b2', 'low']],
    ] as const) {
      const { crawler } = fakeCrawler({ schedulerQueue: order });
      const s = memoryScheduler();
      await s.open!(crawler);
      s.enqueue(new Request('http://a.test/b1'));
      s.enqueue(new Request('http://a.test/low', { priority: -1 }));
      s.enqueue(new Request('http://a.test/b2'));
      s.enqueue(new Request('http://a.test/p5', { priority: 5 }));
      const got: string[] = [];
      for (let r = s.next(); r; r = s.next()) got.push(r.url.slice('http://a.test/'.length));
      expect(got).toEqual(expected);
    }
  });

  it('exposes a reusable dupefilter seeded with known fingerprints', () => {
    const stats = new MemoryStats();
    const f = fingerprintDupeFilter({ fingerprint: (r) => r.url, stats, logger: memoryLogger(), seen: ['http://a.test/'] });
    expect(f.requestSeen(new Request('http://a.test/'))).toBe(true);
    expect(f.requestSeen(new Request('http://b.test/'))).toBe(false);
    expect(f.size).toBe(2);
  });
});

describe('scheduling order inside a crawl', () => {
  const run = async (schedulerQueue: 'lifo' | 'fifo') => {
    const handler = fakeHandler();
    const order: string[] = [];
    await crawl(
      {
        name: 'order',
        startUrls: ['http://site.test/'],
        parse(response: Response) {
          if (response.url !== 'http://site.test/') {
            order.push(new URL(response.url).pathname);
            return;
          }
          return [
            new Request('http://site.test/a'),
            new Request('http://site.test/b'),
            new Request('http://site.test/urgent', { priority: 10 }),
            new Request('http://site.test/c'),
            new Request('http://site.test/late', { priority: -10 }),
            new Request('http://site.test/a'),
          ];
        },
      },
      // One request at a time so the download order is the scheduler's order.
      { downloadHandlers: [handler], logger: memoryLogger(), settings: { concurrentRequests: 1, schedulerQueue, logStatsInterval: 0 } },
    );
    return order;
  };

  it('downloads higher priorities first; LIFO by default', async () => {
    expect(await run('lifo')).toEqual(['/urgent', '/c', '/b', '/a', '/late']);
  });

  it('FIFO with schedulerQueue: fifo', async () => {
    expect(await run('fifo')).toEqual(['/urgent', '/a', '/b', '/c', '/late']);
  });
});

describe('a custom asynchronous scheduler', () => {
  it('is driven through promises (enqueue, next and size may all be async)', async () => {
    const inner = memoryScheduler();
    const calls = { enqueue: 0, next: 0, size: 0 };
    const tick = () => new Promise((r) => setTimeout(r, 1));
    const handler = fakeHandler();
    const result = await crawl(
      {
        name: 'async-scheduler',
        startUrls: ['http://as.test/'],
        parse(response: Response) {
          const n = Number(new URL(response.url).searchParams.get('n') ?? 0);
          if (n < 5) return [new Request(`http://as.test/?n=${n + 1}`), new Request(`http://as.test/?n=${n + 1}`)];
          return undefined;
        },
      },
      {
        downloadHandlers: [handler],
        logger: memoryLogger(),
        settings: { logStatsInterval: 0 },
        scheduler: {
          name: 'async-wrapper',
          open: (c) => inner.open!(c),
          async enqueue(r) {
            calls.enqueue++;
            await tick();
            return inner.enqueue(r);
          },
          async next() {
            calls.next++;
            await tick();
            return inner.next();
          },
          async size() {
            calls.size++;
            return inner.size();
          },
        },
      },
    );
    expect(result.reason).toBe('finished');
    expect(handler.requests.map((r) => r.url)).toEqual(['http://as.test/', ...[1, 2, 3, 4, 5].map((n) => `http://as.test/?n=${n}`)]);
    expect(result.stats['dupefilter/filtered']).toBe(5);
    expect(calls.enqueue).toBe(11);
    expect(calls.size).toBeGreaterThan(0);
  });
});
