import { ConfigError } from '@crawl/core';

/** Options of {@link redisScheduler}. */
export interface RedisSchedulerOptions {
  /** Redis connection URL (redis:// or rediss://). Default: `process.env.REDIS_URL`, else `redis://127.0.0.1:6379`. */
  url?: string;
  /** First part of every key: `<keyPrefix>:<spider name>:queue` … (default `'crawl'`). */
  keyPrefix?: string;
  /** Seconds a taken request stays leased without a heartbeat before it returns to the frontier (default 60). */
  leaseSeconds?: number;
  /** Keep waiting for start URLs pushed to the start-URLs list when the frontier is empty instead of closing (default false). */
  idleWait?: boolean;
  /** Redis list read for start URLs (default `<keyPrefix>:<spider name>:start_urls`). */
  startUrlsKey?: string;
  /** Order within one priority; default the crawler's `schedulerQueue` setting ('lifo'). All workers of a crawl should agree. */
  order?: 'lifo' | 'fifo';
  /** Seconds between pushes of this worker's stats into the shared stats hash; 0 pushes only at close (default 30). */
  statsInterval?: number;
}

/** Defaults of {@link redisScheduler}; `url` is resolved when the scheduler is created. */
export const REDIS_SCHEDULER_DEFAULTS: {
  readonly url: string;
  readonly keyPrefix: string;
  readonly leaseSeconds: number;
  readonly idleWait: boolean;
  readonly statsInterval: number;
} = Object.freeze({
  url: 'redis://127.0.0.1:6379',
  keyPrefix: 'crawl',
  leaseSeconds: 60,
  idleWait: false,
  statsInterval: 30,
});

export interface ResolvedOptions {
  url: string;
  keyPrefix: string;
  leaseSeconds: number;
  idleWait: boolean;
  startUrlsKey: string | undefined;
  order: 'lifo' | 'fifo' | undefined;
  statsInterval: number;
}

const KNOWN = new Set(['url', 'keyPrefix', 'leaseSeconds', 'idleWait', 'startUrlsKey', 'order', 'statsInterval']);

function fail(message: string): never {
  throw new ConfigError(`redisScheduler: ${message}`);
}

/** Applies defaults and rejects unknown keys and bad values with a ConfigError naming the option. */
export function resolveOptions(options: RedisSchedulerOptions, env: NodeJS.ProcessEnv): ResolvedOptions {
  if (typeof options !== 'object' || options === null) fail(`options must be an object, got ${options === null ? 'null' : typeof options}`);
  for (const key of Object.keys(options)) {
    if (!KNOWN.has(key)) fail(`unknown option '${key}' (known: ${[...KNOWN].join(', ')})`);
  }
  const url = options.url ?? env['REDIS_URL'] ?? REDIS_SCHEDULER_DEFAULTS.url;
  if (typeof url !== 'string' || !/^rediss?:\/\//.test(url)) fail(`url must be a redis:// or rediss:// URL, got ${JSON.stringify(url)}`);
  try {
    new URL(url);
  } catch {
    fail(`url is not a valid URL: ${JSON.stringify(url)}`);
  }
  const keyPrefix = options.keyPrefix ?? REDIS_SCHEDULER_DEFAULTS.keyPrefix;
  if (typeof keyPrefix !== 'string' || keyPrefix === '') fail(`keyPrefix must be a non-empty string, got ${JSON.stringify(keyPrefix)}`);
  const leaseSeconds = options.leaseSeconds ?? REDIS_SCHEDULER_DEFAULTS.leaseSeconds;
  if (typeof leaseSeconds !== 'number' || !Number.isFinite(leaseSeconds) || leaseSeconds < 1) fail(`leaseSeconds must be a number >= 1, got ${String(leaseSeconds)}`);
  const idleWait = options.idleWait ?? REDIS_SCHEDULER_DEFAULTS.idleWait;
  if (typeof idleWait !== 'boolean') fail(`idleWait must be a boolean, got ${typeof idleWait}`);
  const startUrlsKey = options.startUrlsKey;
  if (startUrlsKey !== undefined && (typeof startUrlsKey !== 'string' || startUrlsKey === '')) fail(`startUrlsKey must be a non-empty string, got ${JSON.stringify(startUrlsKey)}`);
  const order = options.order;
  if (order !== undefined && order !== 'lifo' && order !== 'fifo') fail(`order must be 'lifo' or 'fifo', got ${JSON.stringify(order)}`);
  const statsInterval = options.statsInterval ?? REDIS_SCHEDULER_DEFAULTS.statsInterval;
  if (typeof statsInterval !== 'number' || !Number.isFinite(statsInterval) || statsInterval < 0) fail(`statsInterval must be a number >= 0, got ${String(statsInterval)}`);
  return { url, keyPrefix, leaseSeconds, idleWait, startUrlsKey, order, statsInterval };
}
