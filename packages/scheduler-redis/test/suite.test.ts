import { fakeCrawler, testScheduler } from '@crawl/testing';
import { afterAll, describe } from 'vitest';
import { redisScheduler } from '../src/index.js';
import { keyPrefixes, redisAvailable } from './redis-env.js';

const available = await redisAvailable();
const prefixes = keyPrefixes();
afterAll(() => prefixes.cleanup());

describe.skipIf(!available)('redis scheduler conformance', () => {
  testScheduler('redis', () => redisScheduler({ keyPrefix: prefixes.next() }), {
    // The suite's round-trip callback is named parseItem: the spider has a method of that name.
    crawler: () => fakeCrawler({ spider: { name: 'suite', parse() {}, parseItem() {} } }),
    order: 'lifo',
  });
  testScheduler('redis fifo', () => redisScheduler({ keyPrefix: prefixes.next(), order: 'fifo' }), {
    crawler: () => fakeCrawler({ spider: { name: 'suite', parse() {}, parseItem() {} } }),
    order: 'fifo',
  });
});
