import type { Redis } from 'ioredis';
import type { Stats, StatValue } from '@crawl/core';

/**
 * Mirrors one worker's stats into the shared hash: numbers are added (HINCRBY/HINCRBYFLOAT of
 * what changed since the last push), so the hash holds totals over every worker; other values
 * (dates, reasons) are written as strings, the last worker to push winning.
 */
export function statsMirror(redis: Redis, key: string, stats: Stats): { push(): Promise<void> } {
  const pushed = new Map<string, number>();
  return {
    async push() {
      const all: Record<string, StatValue> = stats.all();
      const multi = redis.multi();
      let any = false;
      for (const [name, value] of Object.entries(all)) {
        if (typeof value === 'number') {
          const delta = value - (pushed.get(name) ?? 0);
          if (delta === 0) continue;
          pushed.set(name, value);
          if (Number.isInteger(delta)) multi.hincrby(key, name, delta);
          else multi.hincrbyfloat(key, name, delta);
        } else {
          multi.hset(key, name, value instanceof Date ? value.toISOString() : String(value));
        }
        any = true;
      }
      if (any) await multi.exec();
    },
  };
}
