import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';

export const REDIS_URL = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';

/**
 * Whether Redis answers at REDIS_URL. Unreachable: the suites are skipped with a visible message,
 * except under CI=true, where that is a failure (a CI run must exercise this package).
 */
export async function redisAvailable(): Promise<boolean> {
  const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 2000 });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    await redis.ping();
    return true;
  } catch (error) {
    const why = `Redis is not reachable at ${REDIS_URL} (${error instanceof Error ? error.message : String(error)})`;
    if (process.env['CI'] === 'true') throw new Error(`${why}: CI=true requires it`);
    console.warn(`\n*** SKIPPED @crawl/scheduler-redis tests: ${why}. Set REDIS_URL to run them. ***\n`);
    return false;
  } finally {
    redis.disconnect();
  }
}

/** A fresh key prefix per test, and the cleanup of everything written under it. */
export function keyPrefixes(): { next(): string; cleanup(): Promise<void> } {
  const used: string[] = [];
  return {
    next() {
      const prefix = `crawltest:${randomUUID()}`;
      used.push(prefix);
      return prefix;
    },
    async cleanup() {
      if (used.length === 0) return;
      const redis = new Redis(REDIS_URL);
      try {
        for (const prefix of used.splice(0)) {
          let cursor = '0';
          do {
            const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
            cursor = next;
            if (keys.length > 0) await redis.del(...keys);
          } while (cursor !== '0');
        }
      } finally {
        redis.disconnect();
      }
    },
  };
}
