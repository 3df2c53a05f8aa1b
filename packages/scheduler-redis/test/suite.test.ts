import type { Crawler } from '@crawl/core';
import { fakeCrawler, testScheduler } from '@crawl/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { redisScheduler } from '../src/index.js';
import { keyPrefixes, redisAvailable } from './redis-env.js';

const available = await redisAvailable();
const prefixes = keyPrefixes();
afterAll(() => prefixes.cleanup());

// The suite's default crawler (its spider has a parseItem method, passed as the round-trip
// callback), recorded so that the callbacks can be checked to have matched exactly.
const crawlers: ReturnType<typeof fakeCrawler>[] = [];
function crawler(): Crawler {
  const c = fakeCrawler({ spider: { parseItem() {} } });
  crawlers.push(c);
  return c;
}

describe.skipIf(!available)('redis scheduler conformance', () => {
  testScheduler('redis', () => redisScheduler({ keyPrefix: prefixes.next() }), { crawler, order: 'lifo' });
  testScheduler('redis fifo', () => redisScheduler({ keyPrefix: prefixes.next(), order: 'fifo' }), { crawler, order: 'fifo' });

  it('matched every callback exactly (no same-name fallback)', () => {
    expect(crawlers.length).toBeGreaterThan(0);
    for (const c of crawlers) expect(c.messages('warn').filter((m) => m.includes('is not the spider'))).toEqual([]);
  });
});
