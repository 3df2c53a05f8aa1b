import { Redis } from 'ioredis';
import type { Logger } from '@crawl/core';
import { ACK, ENQUEUE, NEXT, REJECT, RELEASE, RENEW, SIZE } from './scripts.js';

type Arg = string | Buffer | number;

/** The scripts as ioredis commands (EVALSHA, falling back to EVAL after a Redis restart). */
export interface ScriptCommands {
  crawlEnqueue(queue: string, requests: string, seq: string, dupefilter: string, ...args: Arg[]): Promise<number>;
  crawlNext(queue: string, requests: string, leases: string, expiries: string, ...args: Arg[]): Promise<[number] | [number, string, string]>;
  crawlAck(queue: string, requests: string, leases: string, expiries: string, ...args: Arg[]): Promise<number>;
  crawlRelease(queue: string, leases: string, expiries: string, ...args: Arg[]): Promise<number>;
  crawlRenew(leases: string, expiries: string, ...args: Arg[]): Promise<number>;
  crawlSize(queue: string, leases: string, expiries: string, ...args: Arg[]): Promise<[number, number, number]>;
  crawlReject(requests: string, leases: string, expiries: string, rejected: string, ...args: Arg[]): Promise<number>;
}

export type CrawlRedis = Redis & ScriptCommands;

/** Hides the password of a redis:// URL in log lines. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.href;
  } catch {
    return '(invalid URL)';
  }
}

/**
 * One ioredis connection that never gives up: commands wait in the offline queue while Redis is
 * unreachable and are sent again after a reconnect (backoff 100 ms doubling up to 5 s), so the
 * crawl pauses rather than failing or dropping requests. Outages are logged once each.
 */
export function connect(url: string, logger: Logger): CrawlRedis {
  const redis = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: null,
    enableOfflineQueue: true,
    enableAutoPipelining: true,
    retryStrategy: (times) => Math.min(100 * 2 ** Math.min(times, 6), 5000),
  });
  const where = redactUrl(url);
  let down = false;
  redis.on('error', (error: Error) => {
    if (down) return;
    down = true;
    logger.warn(`redisScheduler: lost Redis at ${where} (${error.message}); the crawl waits and reconnects`);
  });
  redis.on('ready', () => {
    if (!down) return;
    down = false;
    logger.info(`redisScheduler: reconnected to Redis at ${where}`);
  });
  redis.defineCommand('crawlEnqueue', { numberOfKeys: 4, lua: ENQUEUE });
  redis.defineCommand('crawlNext', { numberOfKeys: 4, lua: NEXT });
  redis.defineCommand('crawlAck', { numberOfKeys: 4, lua: ACK });
  redis.defineCommand('crawlRelease', { numberOfKeys: 3, lua: RELEASE });
  redis.defineCommand('crawlRenew', { numberOfKeys: 2, lua: RENEW });
  redis.defineCommand('crawlSize', { numberOfKeys: 3, lua: SIZE });
  redis.defineCommand('crawlReject', { numberOfKeys: 4, lua: REJECT });
  return redis as CrawlRedis;
}
