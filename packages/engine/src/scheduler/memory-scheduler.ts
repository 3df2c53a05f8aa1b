import { ConfigError, type Crawler, type Request, type Scheduler } from '@crawl/core';
import { fingerprintDupeFilter, type DupeFilter } from './dupefilter.js';
import { PriorityQueue, type QueueOrder } from './priority-queue.js';

export interface MemorySchedulerOptions {
  /** Overrides settings.schedulerQueue. */
  order?: QueueOrder;
  /** A custom dupefilter; default: fingerprints of crawler.fingerprint in a Set. */
  dupeFilter?: (crawler: Crawler) => DupeFilter;
}

/** The default scheduler: an in-memory priority queue behind a fingerprint dupefilter. */
export interface MemoryScheduler extends Scheduler {
  /** Synchronous here, unlike the Scheduler interface allows. */
  enqueue(request: Request<any>): boolean;
  next(): Request<any> | undefined;
  size(): number;
}

/**
 * Scrapy's default Scheduler with memory queues: higher priority first, LIFO (or FIFO with
 * schedulerQueue: 'fifo') within a priority; `dontFilter` requests skip the dupefilter.
 * Stats: scheduler/enqueued[/memory], scheduler/dequeued[/memory], dupefilter/filtered.
 */
export function memoryScheduler(options: MemorySchedulerOptions = {}): MemoryScheduler {
  let queue: PriorityQueue<Request<any>> | undefined;
  let dupes: DupeFilter | undefined;
  let crawler: Crawler | undefined;

  const notOpen = (): never => {
    throw new ConfigError("memoryScheduler: enqueue()/next() called before open()");
  };

  const name = '@crawl/engine/memory-scheduler';
  return {
    name,
    open(c) {
      crawler = c;
      queue = new PriorityQueue(options.order ?? c.settings.schedulerQueue);
      dupes = options.dupeFilter
        ? options.dupeFilter(c)
        : fingerprintDupeFilter({
            fingerprint: (r) => c.fingerprint(r),
            stats: c.stats,
            logger: c.logger.child(name),
            debug: c.settings.dupefilterDebug,
          });
    },
    close() {
      queue?.clear();
    },
    enqueue(request) {
      if (!queue || !dupes || !crawler) return notOpen();
      if (!request.dontFilter && dupes.requestSeen(request)) {
        dupes.log(request);
        return false;
      }
      queue.push(request, request.priority);
      crawler.stats.inc('scheduler/enqueued/memory');
      crawler.stats.inc('scheduler/enqueued');
      return true;
    },
    next() {
      if (!queue || !crawler) return notOpen();
      const request = queue.pop();
      if (request) {
        crawler.stats.inc('scheduler/dequeued/memory');
        crawler.stats.inc('scheduler/dequeued');
      }
      return request;
    },
    size() {
      return queue?.size ?? 0;
    },
  };
}
