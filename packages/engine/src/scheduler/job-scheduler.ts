import type { Scheduler } from '@crawl/core';

/** Where a resumed crawl is in the spider's start(): elements already consumed, and whether it ended. */
export interface StartProgress {
  consumed: number;
  done: boolean;
}

/**
 * Optional scheduler hooks of a job directory, beyond core's `ack` (which every backend may
 * implement): where a resumed crawl is in spider.start(). Plain schedulers ignore them.
 */
export interface JobScheduler extends Scheduler {
  /** One element of spider.start() was processed (its request enqueued); `done` once start() ended. */
  startProgress?(done: boolean): void;
  /** Start elements a previous run of the same job already processed, read in open(). */
  resumedStart?(): StartProgress | undefined;
}
