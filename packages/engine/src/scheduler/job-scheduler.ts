import type { Request, Scheduler } from '@crawl/core';

/** Where a resumed crawl is in the spider's start(): elements already consumed, and whether it ended. */
export interface StartProgress {
  consumed: number;
  done: boolean;
}

/**
 * Optional scheduler hooks the engine calls, for backends that must know when a request is
 * finished (a job directory, a shared frontier with leases). Plain schedulers ignore them.
 */
export interface JobScheduler extends Scheduler {
  /**
   * A request returned by next() has been fully processed: downloaded, its callback or errback
   * run, its items through the pipelines and the requests it produced enqueued. Not called for
   * requests abandoned by an abort, which stay pending for a resumed run.
   */
  ack?(request: Request<any>): void | Promise<void>;
  /** One element of spider.start() was processed (its request enqueued); `done` once start() ended. */
  startProgress?(done: boolean): void;
  /** Start elements a previous run of the same job already processed, read in open(). */
  resumedStart?(): StartProgress | undefined;
}
