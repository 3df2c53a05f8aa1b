import { Request, type Crawler, type Scheduler } from '@crawl/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

export interface SchedulerSuiteOptions {
  /**
   * A crawler for open(); defaults to a fresh fakeCrawler() whose spider has a `parseItem`
   * method. Give yours one too if the backend stores callbacks by spider method name.
   */
  crawler?: () => Crawler | Promise<Crawler>;
  /** Order within one priority: 'lifo' (Scrapy's default) or 'fifo'; undefined skips that check. */
  order?: 'lifo' | 'fifo' | undefined;
}

/** Takes every request, acking each as the engine does once processed (leases count in size()). */
async function drain(scheduler: Scheduler, limit = 10_000): Promise<Request[]> {
  const out: Request[] = [];
  for (let i = 0; i < limit; i++) {
    const next = await scheduler.next();
    if (next === undefined) return out;
    await scheduler.ack?.(next);
    out.push(next);
  }
  throw new Error(`scheduler still returned requests after ${limit}`);
}

/**
 * The behaviour every Scheduler backend (memory, jobDir, Redis) must share. Call it inside a
 * test file: `testScheduler('memory', () => memoryScheduler())`.
 */
export function testScheduler(name: string, factory: () => Scheduler | Promise<Scheduler>, options: SchedulerSuiteOptions = {}): void {
  describe(`Scheduler conformance: ${name}`, () => {
    let scheduler: Scheduler;
    let crawler: Crawler;

    beforeEach(async () => {
      const { fakeCrawler } = await import('./fake-crawler.js');
      crawler = options.crawler ? await options.crawler() : fakeCrawler({ spider: { parseItem() {} } });
      scheduler = await factory();
      await scheduler.open?.(crawler);
    });

    afterEach(async () => {
      await scheduler.close?.(crawler, 'finished');
    });

    it('is empty at first', async () => {
      expect(await scheduler.size()).toBe(0);
      expect(await scheduler.next()).toBeUndefined();
    });

    it('returns higher priorities first', async () => {
      for (const [i, p] of [0, 10, -5, 3].entries()) await scheduler.enqueue(new Request(`http://a.test/${i}`, { priority: p }));
      expect(await scheduler.size()).toBe(4);
      const urls = (await drain(scheduler)).map((r) => r.url);
      expect(urls).toEqual(['http://a.test/1', 'http://a.test/3', 'http://a.test/0', 'http://a.test/2']);
      expect(await scheduler.size()).toBe(0);
    });

    if (options.order) {
      const order = options.order;
      it(`keeps ${order} order within a priority`, async () => {
        for (let i = 0; i < 5; i++) await scheduler.enqueue(new Request(`http://a.test/${i}`));
        const urls = (await drain(scheduler)).map((r) => r.url);
        const expected = [0, 1, 2, 3, 4].map((i) => `http://a.test/${i}`);
        expect(urls).toEqual(order === 'fifo' ? expected : expected.reverse());
      });
    }

    it('filters duplicates by fingerprint unless dontFilter', async () => {
      expect(await scheduler.enqueue(new Request('http://a.test/x?b=1&a=2'))).toBe(true);
      expect(await scheduler.enqueue(new Request('http://a.test/x?a=2&b=1'))).toBe(false);
      expect(await scheduler.enqueue(new Request('http://a.test/x?a=2&b=1', { dontFilter: true }))).toBe(true);
      expect(await scheduler.enqueue(new Request('http://a.test/x?a=2&b=1', { method: 'POST' }))).toBe(true);
      expect(await scheduler.size()).toBe(3);
      // A request already handed out is still a duplicate.
      await drain(scheduler);
      expect(await scheduler.enqueue(new Request('http://a.test/x?b=1&a=2'))).toBe(false);
    });

    it('returns requests with their fields intact', async () => {
      // A spider method when there is one: backends that store callbacks by method name refuse closures.
      const method = (crawler.spider as { parseItem?: unknown }).parseItem;
      const callback = typeof method === 'function' ? (method as () => void) : function parseItem() {};
      const sent = new Request('http://a.test/p', {
        method: 'POST',
        headers: { 'X-One': '1', 'X-Many': ['a', 'b'] },
        body: 'payload',
        meta: { depth: 2, note: 'x' },
        cbKwargs: { id: 7 },
        priority: 4,
        callback,
      });
      await scheduler.enqueue(sent);
      const got = (await scheduler.next())!;
      expect(got.url).toBe(sent.url);
      expect(got.method).toBe('POST');
      expect(got.headers.getAll('x-many')).toEqual(['a', 'b']);
      expect(new TextDecoder().decode(got.body)).toBe('payload');
      expect(got.meta).toMatchObject({ depth: 2, note: 'x' });
      expect(got.cbKwargs).toEqual({ id: 7 });
      expect(got.priority).toBe(4);
      expect(got.callback?.name).toBe('parseItem');
      if (typeof method === 'function') expect(got.callback).toBe(method);
    });

    it('interleaves enqueue and next', async () => {
      await scheduler.enqueue(new Request('http://a.test/1'));
      expect((await scheduler.next())?.url).toBe('http://a.test/1');
      await scheduler.enqueue(new Request('http://a.test/2'));
      await scheduler.enqueue(new Request('http://a.test/3', { priority: 1 }));
      expect((await scheduler.next())?.url).toBe('http://a.test/3');
      expect((await scheduler.next())?.url).toBe('http://a.test/2');
      expect(await scheduler.next()).toBeUndefined();
    });

    it('holds many requests', async () => {
      for (let i = 0; i < 2000; i++) await scheduler.enqueue(new Request(`http://a.test/${i}`, { priority: i % 3 }));
      expect(await scheduler.size()).toBe(2000);
      const got = await drain(scheduler);
      expect(got).toHaveLength(2000);
      const priorities = got.map((r) => r.priority);
      expect(priorities).toEqual([...priorities].sort((a, b) => b - a));
    });
  });
}
