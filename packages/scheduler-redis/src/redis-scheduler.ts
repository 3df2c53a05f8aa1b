import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { ConfigError, Request, type Callback, type Crawler, type Errback, type Logger, type Request as CoreRequest, type Scheduler } from '@crawl/core';
import { decodeRequest, encodeRequest, RejectedEntry, type EncodeHooks } from './codec.js';
import { connect, redactUrl, type CrawlRedis } from './connection.js';
import { crawlKeys, type CrawlKeys } from './keys.js';
import { resolveOptions, type RedisSchedulerOptions } from './options.js';
import { spiderMethods, type SpiderMethods } from './spider-methods.js';
import { statsMirror } from './stats-mirror.js';

const COMPONENT = '@crawl/scheduler-redis';

/** Expired leases returned to the frontier per next()/size() call, so one call stays short. */
const REQUEUE_LIMIT = 100;
/** Entries refused in a row before next() gives up for this call. */
const MAX_REJECTS_PER_NEXT = 100;
/** Start URLs popped at once when the frontier is empty. */
const START_URL_BATCH = 16;
/** Lease ids per ACK/RENEW/RELEASE call. */
const CHUNK = 500;
const OPEN_TIMEOUT_MS = 10_000;
const FINGERPRINT_HEX = /^[0-9a-f]{40}$/i;

/** The Redis scheduler: a Scheduler plus what it knows about this worker. */
export interface RedisScheduler extends Scheduler {
  /** This worker's id in lease records: `<hostname>:<pid>:<random>`. */
  readonly workerId: string;
  /** The Redis keys in use; available after open(). */
  readonly keys: CrawlKeys | undefined;
  /** Acknowledges the lease of a request returned by next(): it is done and leaves Redis. */
  ack(request: CoreRequest<any>): Promise<void>;
}

interface State {
  crawler: Crawler;
  /** The crawl's '@crawl/scheduler-redis' logger. */
  log: Logger;
  redis: CrawlRedis;
  keys: CrawlKeys;
  methods: SpiderMethods;
  hooks: EncodeHooks;
  lifo: boolean;
  timers: NodeJS.Timeout[];
  mirror: { push(): Promise<void> };
  /** Lease ids this worker holds: renewed by the heartbeat, handed back at close. */
  held: Set<string>;
  /** The lease of each request next() returned; the engine acks that same object. */
  leaseOf: WeakMap<CoreRequest<any>, string>;
  pendingAcks: string[];
  /** The script call that will acknowledge pendingAcks, settled once Redis answered. */
  ackBatch: Promise<void> | undefined;
}

function chunks<T>(list: T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += CHUNK) out.push(list.slice(i, i + CHUNK));
  return out;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * A Scheduler whose frontier, dupefilter and stats live in Redis, shared by every worker that
 * crawls the same spider name under the same key prefix (scrapy-redis's role), with leases:
 * a request taken by a worker is leased until the engine acks it (callback or errback output,
 * its items' pipelines and the requests it produced done), renewed by a heartbeat while the
 * worker lives, handed back at once after an abort, and returned to the frontier when a dead
 * worker's lease expires. Workers close together once the frontier is empty and no
 * lease is out anywhere.
 *
 * Stats: scheduler/enqueued[/redis], scheduler/dequeued[/redis], dupefilter/filtered,
 * scheduler/redis/requeued (expired leases this worker returned), scheduler/redis/rejected.
 */
export function redisScheduler(options: RedisSchedulerOptions = {}): RedisScheduler {
  const opts = resolveOptions(options, process.env);
  const workerId = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  const leaseMs = Math.round(opts.leaseSeconds * 1000);
  let state: State | undefined;

  const need = (): State => {
    if (!state) throw new ConfigError('redisScheduler: enqueue()/next()/size() called before open()');
    return state;
  };

  const flushAcks = async (s: State): Promise<void> => {
    s.ackBatch = undefined;
    const ids = s.pendingAcks;
    s.pendingAcks = [];
    const k = s.keys;
    await Promise.all(
      chunks(ids).map((part) =>
        s.redis.crawlAck(k.queue, k.requests, k.leases, k.expiries, workerId, ...part).catch((error: unknown) => {
          s.log.warn(`redisScheduler: acknowledging ${part.length} request(s) failed: ${message(error)}; their leases will expire and they will be crawled again`);
        }),
      ),
    );
  };

  /** Acks are batched per macrotask: one script call for the requests that finished together. */
  const queueAck = (s: State, id: string): Promise<void> => {
    s.pendingAcks.push(id);
    s.ackBatch ??= new Promise<void>((resolve) => setImmediate(() => resolve(flushAcks(s))));
    return s.ackBatch;
  };

  const renew = async (s: State): Promise<void> => {
    const ids = [...s.held];
    for (const part of chunks(ids)) await s.redis.crawlRenew(s.keys.leases, s.keys.expiries, workerId, leaseMs, ...part);
  };

  const countRequeued = (s: State, n: number): void => {
    if (n > 0) {
      s.crawler.stats.inc('scheduler/redis/requeued', n);
      s.log.info(`redisScheduler: ${n} expired lease(s) of another worker returned to the frontier`);
    }
  };

  /** Turns popped start URLs into requests (through the dupefilter, parse as callback). */
  const pullStartUrls = async (s: State): Promise<boolean> => {
    const urls = (await s.redis.lpop(s.keys.startUrls, START_URL_BATCH)) ?? [];
    let added = false;
    for (const raw of urls) {
      const url = raw.trim();
      let request: CoreRequest<any>;
      try {
        request = new Request(url);
      } catch (error) {
        s.log.warn(`redisScheduler: ignored start URL ${JSON.stringify(raw.slice(0, 200))} from ${s.keys.startUrls}: ${message(error)}`);
        continue;
      }
      if (await scheduler.enqueue(request)) added = true;
    }
    return urls.length > 0 && (added || urls.length === START_URL_BATCH);
  };

  const take = (s: State, id: string, raw: string): CoreRequest<any> | undefined => {
    try {
      if (raw === '') throw new RejectedEntry('no data stored for this id');
      const decoded = decodeRequest(raw, s.methods);
      // The spider's own methods: a replacement a middleware derives (redirect, retry) stores
      // them by name again. No callback stored: the engine falls back to spider.parse.
      const callback = decoded.callback === null ? undefined : (s.methods.get(decoded.callback) as Callback<any>);
      const errback = decoded.errback === null ? undefined : (s.methods.get(decoded.errback) as Errback<any>);
      const request = decoded.build(callback, errback);
      s.held.add(id);
      s.leaseOf.set(request, id);
      return request;
    } catch (error) {
      if (!(error instanceof RejectedEntry)) throw error;
      s.crawler.stats.inc('scheduler/redis/rejected');
      s.log.error(`redisScheduler: refused request ${id} from ${s.keys.requests}: ${error.message}; moved to ${s.keys.rejected}`);
      void s.redis
        .crawlReject(s.keys.requests, s.keys.leases, s.keys.expiries, s.keys.rejected, workerId, id, raw)
        .catch((e: unknown) => s.log.warn(`redisScheduler: could not move refused request ${id}: ${message(e)}`));
      return undefined;
    }
  };

  const scheduler: RedisScheduler = {
    name: COMPONENT,
    workerId,
    get keys() {
      return state?.keys;
    },

    async open(crawler) {
      const keys = crawlKeys(opts.keyPrefix, crawler.spider.name, opts.startUrlsKey);
      const log = crawler.logger.child(COMPONENT);
      const redis = connect(opts.url, log);
      let timer: NodeJS.Timeout | undefined;
      try {
        await Promise.race([
          redis.connect().then(() => redis.ping()),
          new Promise((_, reject) => {
            timer = setTimeout(() => reject(new Error(`no answer within ${OPEN_TIMEOUT_MS / 1000} s`)), OPEN_TIMEOUT_MS);
          }),
        ]);
      } catch (error) {
        redis.disconnect();
        throw new ConfigError(`redisScheduler: cannot reach Redis at ${redactUrl(opts.url)}: ${message(error)}`, { cause: error });
      } finally {
        clearTimeout(timer);
      }
      const methods = spiderMethods(crawler.spider);
      const setting = (crawler.settings as { schedulerQueue?: unknown }).schedulerQueue;
      const order = opts.order ?? (setting === 'fifo' ? 'fifo' : 'lifo');
      const loose = new Set<string>();
      let droppedWarned = false;
      const s: State = {
        crawler,
        log,
        redis,
        keys,
        methods,
        lifo: order === 'lifo',
        timers: [],
        mirror: statsMirror(redis, keys.stats, crawler.stats),
        held: new Set(),
        leaseOf: new WeakMap(),
        pendingAcks: [],
        ackBatch: undefined,
        hooks: {
          onLooseMatch(fnName, methodName, url) {
            if (loose.has(methodName)) return;
            loose.add(methodName);
            log.warn(
              `redisScheduler: the callback of ${url} (${fnName}) is not the spider's ${methodName} method itself; after Redis it is called as spider.${methodName}`,
            );
          },
          onDroppedInternal(names, url) {
            if (droppedWarned) return;
            droppedWarned = true;
            log.warn(`redisScheduler: internal state ${names.join(', ')} of ${url} is not plain data and is not stored in Redis`);
          },
        },
      };
      state = s;
      const heartbeat = setInterval(() => {
        renew(s).catch((error: unknown) => log.warn(`redisScheduler: lease heartbeat failed: ${message(error)}`));
      }, Math.max(500, leaseMs / 3));
      heartbeat.unref();
      s.timers.push(heartbeat);
      if (opts.statsInterval > 0) {
        const push = setInterval(() => {
          s.mirror.push().catch((error: unknown) => log.warn(`redisScheduler: pushing stats failed: ${message(error)}`));
        }, opts.statsInterval * 1000);
        push.unref();
        s.timers.push(push);
      }
      log.info(`redisScheduler: worker ${workerId} on ${redactUrl(opts.url)}, keys ${opts.keyPrefix}:${crawler.spider.name}:*`);
    },

    async close(crawler) {
      const s = state;
      if (!s) return;
      for (const t of s.timers) clearInterval(t);
      await s.ackBatch;
      // Leases never acked were not processed (an abort, or requests taken but never crawled):
      // back to the frontier now rather than after the lease timeout.
      const ids = [...s.held];
      s.held.clear();
      const k = s.keys;
      try {
        for (const part of chunks(ids)) await s.redis.crawlRelease(k.queue, k.leases, k.expiries, workerId, ...part);
        await s.mirror.push();
        await s.redis.quit();
      } catch (error) {
        s.log.warn(`redisScheduler: closing: ${message(error)}`);
        s.redis.disconnect();
      }
      state = undefined;
    },

    async enqueue(request) {
      const s = need();
      const json = encodeRequest(request, s.methods, s.hooks);
      let fp: Buffer | string = '';
      if (!request.dontFilter) {
        const hex = s.crawler.fingerprint(request);
        fp = FINGERPRINT_HEX.test(hex) ? Buffer.from(hex, 'hex') : hex;
      }
      const k = s.keys;
      const added = await s.redis.crawlEnqueue(k.queue, k.requests, k.seq, k.dupefilter, fp, request.priority, s.lifo ? '1' : '0', json);
      const { stats } = s.crawler;
      if (added === 0) {
        stats.inc('dupefilter/filtered');
        return false;
      }
      stats.inc('scheduler/enqueued/redis');
      stats.inc('scheduler/enqueued');
      return true;
    },

    async next() {
      const s = need();
      const k = s.keys;
      for (let attempt = 0; attempt < MAX_REJECTS_PER_NEXT; attempt++) {
        const reply = await s.redis.crawlNext(k.queue, k.requests, k.leases, k.expiries, workerId, leaseMs, REQUEUE_LIMIT);
        countRequeued(s, Number(reply[0]));
        if (reply.length === 1) {
          if (await pullStartUrls(s)) continue;
          return undefined;
        }
        const request = take(s, reply[1], reply[2]);
        if (request) {
          s.crawler.stats.inc('scheduler/dequeued/redis');
          s.crawler.stats.inc('scheduler/dequeued');
          return request;
        }
      }
      return undefined;
    },

    /**
     * The engine acks the very object next() returned, once everything it led to is done; a
     * replacement a middleware returned (redirect, retry) was enqueued before, so releasing the
     * original lease loses nothing. Resolves once Redis has dropped the lease.
     */
    ack(request) {
      const s = state;
      const id = s?.leaseOf.get(request);
      if (!s || id === undefined) return Promise.resolve();
      s.leaseOf.delete(request);
      s.held.delete(id);
      return queueAck(s, id);
    },

    /**
     * Requests in the frontier plus leases out in every worker (this one's included: the engine
     * acks before it asks). While other workers hold leases this is above zero, and the engine
     * keeps polling next() instead of closing.
     */
    async size() {
      const s = need();
      await s.ackBatch;
      const k = s.keys;
      const [queued, leased, requeued] = await s.redis.crawlSize(k.queue, k.leases, k.expiries, REQUEUE_LIMIT);
      countRequeued(s, Number(requeued));
      const total = Number(queued) + Number(leased);
      if (total === 0 && (await s.redis.llen(k.startUrls)) > 0) return 1;
      // idleWait: report work so the engine keeps polling next(), which reads the start-URLs list.
      return opts.idleWait ? Math.max(total, 1) : total;
    },
  };
  return scheduler;
}
