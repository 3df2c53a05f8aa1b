import { ConfigError, DownloadError, isRequest, type CloseReason, type Crawler, type Logger, type Request, type Response, type Scheduler } from '@crawl/core';
import type { Downloader } from './downloader/downloader.js';
import { ENGINE_COMPONENT } from './logger.js';
import type { JobScheduler } from './scheduler/job-scheduler.js';
import type { Scraper, ScraperHost } from './scraper.js';
import type { StartCursor } from './start-requests.js';
import { errorMessage, safeEmit, safeEmitAsync } from './util/safe-emit.js';
import { isThenable } from './util/thenable.js';

type State = 'running' | 'stopping' | 'closed';

const RESOLVED = Promise.resolve();

/**
 * The execution engine: pulls requests from the scheduler (and start requests when the
 * scheduler runs dry) while the downloader and the scraper have room, hands downloads to the
 * scraper, and decides when the crawl is over. No polling: work is pulled on wake-ups, which
 * come when a request is scheduled, a download or its processing ends, or a slot timer fires
 * and a request completes.
 */
export class Engine implements ScraperHost {
  readonly crawler: Crawler;
  readonly #log: Logger;
  readonly #scheduler: JobScheduler;
  readonly #downloader: Downloader;
  readonly #start: StartCursor;
  readonly #maxActive: number;
  readonly #maxScraperBytes: number;
  /** Per-response debug lines are only formatted when they will be written. */
  readonly #debug: boolean;
  #scraper: Scraper | undefined;
  #state: State = 'running';
  #aborted = false;
  #startDone = false;
  /** Units of work under way: scheduled requests until scraped, direct downloads, start steps. */
  #pending = 0;
  #pumping = false;
  #pumpAgain = false;
  #wakeQueued = false;
  #checkingIdle = false;
  /** Requests taken from the scheduler so far (tells the idle check that work happened meanwhile). */
  #crawled = 0;
  #reason: CloseReason | undefined;
  readonly #done: Promise<CloseReason>;
  #resolveDone!: (reason: CloseReason) => void;

  constructor(crawler: Crawler, scheduler: Scheduler, downloader: Downloader, start: StartCursor) {
    this.crawler = crawler;
    this.#log = crawler.logger.child(ENGINE_COMPONENT);
    this.#scheduler = scheduler;
    this.#downloader = downloader;
    this.#start = start;
    this.#maxActive = crawler.settings.concurrentRequests;
    this.#maxScraperBytes = crawler.settings.scraperSlotMaxActiveSize;
    this.#debug = crawler.settings.logLevel === 'debug';
    this.#done = new Promise((resolve) => {
      this.#resolveDone = resolve;
    });
  }

  /** The scraper is created with the engine as its host, so it is attached afterwards. */
  attach(scraper: Scraper): void {
    this.#scraper = scraper;
  }

  get aborted(): boolean {
    return this.#aborted;
  }

  get running(): boolean {
    return this.#state !== 'closed';
  }

  /** Starts pulling; resolves with the close reason once the crawl is over. */
  run(): Promise<CloseReason> {
    this.wake();
    return this.#done;
  }

  /**
   * Asks the engine to look for work. Wake-ups are coalesced into one microtask, so a callback
   * that yields a batch of requests has them all enqueued (and ordered by priority) before the
   * engine pulls the next one.
   */
  wake(): void {
    if (this.#state === 'closed') return;
    if (this.#pumping) {
      this.#pumpAgain = true;
      return;
    }
    if (this.#wakeQueued) return;
    this.#wakeQueued = true;
    // A microtask all the same, without the AsyncResource queueMicrotask() wraps each callback in
    // (one per wake-up, i.e. per scheduled batch: about 1.5% of a crawl's CPU).
    void RESOLVED.then(this.#onWake);
  }

  readonly #onWake = (): void => {
    this.#wakeQueued = false;
    if (this.#state === 'closed') return;
    if (this.#pumping) {
      this.#pumpAgain = true;
      return;
    }
    this.#pumping = true;
    void this.#pump();
  };

  /** Graceful close: no new requests leave the scheduler; work under way finishes first. */
  stop(reason: CloseReason): void {
    if (this.#state !== 'running') return;
    this.#state = 'stopping';
    this.#reason = reason;
    this.#log.info(`Closing spider (${reason})`);
    this.#start.return();
    void this.#checkIdle();
  }

  /** Immediate close: in-flight work is abandoned (the crawler aborts the downloads). */
  abort(reason: CloseReason): void {
    if (this.#state === 'closed') return;
    this.#aborted = true;
    if (this.#state === 'running') {
      this.#log.info(`Closing spider (${reason})`);
      this.#start.return();
    }
    this.#finish(this.#reason ?? reason);
  }

  /** Schedules a request (callback output, a middleware's replacement, crawler.schedule()). */
  enqueue(request: Request<any>): boolean | Promise<boolean> {
    if (this.#state === 'closed') {
      this.#log.debug(`Dropped ${String(request)}: the crawl has closed`);
      return false;
    }
    safeEmit(this.crawler.events, this.#log, 'requestScheduled', request);
    const accepted = this.#scheduler.enqueue(request);
    if (isThenable(accepted)) return Promise.resolve(accepted).then((ok) => this.#afterEnqueue(request, ok));
    return this.#afterEnqueue(request, accepted);
  }

  scheduleFromSpider(request: Request<any>): void | Promise<void> {
    const r = this.enqueue(request);
    if (isThenable(r)) return r.then(() => undefined);
    return undefined;
  }

  closeSpider(reason: string): void {
    this.stop(reason);
  }

  /**
   * crawler.download(): through the downloader middlewares and slots, ahead of scheduled
   * requests in the slot queue, bypassing scheduler and dupefilter. A Request returned by a
   * middleware (a redirect) is downloaded in turn, as in Scrapy's engine.download.
   */
  async download(request: Request<any>): Promise<Response> {
    if (this.#state === 'closed') throw new DownloadError(request.url, `crawler.download(${String(request)}) called after the crawl closed`);
    this.#pending++;
    try {
      let current = request;
      for (;;) {
        const result = await this.#downloader.fetch(current, true);
        if (isRequest(result)) {
          current = result;
          continue;
        }
        return this.#received(current, result);
      }
    } finally {
      this.#pending--;
      this.wake();
    }
  }

  #afterEnqueue(request: Request<any>, accepted: boolean): boolean {
    if (accepted) this.wake();
    else safeEmit(this.crawler.events, this.#log, 'requestDropped', request, 'filtered by the scheduler');
    return accepted;
  }

  async #pump(): Promise<void> {
    try {
      do {
        this.#pumpAgain = false;
        await this.#pull();
      } while (this.#pumpAgain && this.#state === 'running');
    } catch (error) {
      this.#log.error(`Engine error while pulling requests: ${errorMessage(error)}`, { error });
      this.stop('shutdown');
    } finally {
      this.#pumping = false;
    }
    await this.#checkIdle();
  }

  #canPull(): boolean {
    return (
      this.#state === 'running' &&
      this.#downloader.active < this.#maxActive &&
      (this.#scraper?.activeSize ?? 0) <= this.#maxScraperBytes
    );
  }

  async #pull(): Promise<void> {
    while (this.#canPull()) {
      let request = this.#scheduler.next();
      if (isThenable(request)) request = await request;
      if (request) {
        void this.#crawl(request);
        continue;
      }
      if (this.#startDone) return;
      if (!(await this.#pullStart())) return;
    }
  }

  /** Takes one element from the start requests; false once they are exhausted. */
  async #pullStart(): Promise<boolean> {
    let step: IteratorResult<unknown>;
    try {
      const next = this.#start.next();
      step = isThenable(next) ? await next : next;
    } catch (error) {
      this.#log.error(`Error while obtaining start requests: ${errorMessage(error)}`, { error });
      this.#startDone = true;
      return false;
    }
    if (step.done) {
      this.#startDone = true;
      this.#scheduler.startProgress?.(true);
      return false;
    }
    if (this.#state !== 'running') return false;
    this.#pending++;
    try {
      await this.#scraper!.processStartOutput(step.value);
      if (!this.#aborted) this.#scheduler.startProgress?.(false);
    } finally {
      this.#pending--;
    }
    return true;
  }

  /**
   * One scheduled request: download, then scrape (or errback); tracked until fully processed.
   * One async function rather than a chain of promises: it is what each request in flight holds.
   */
  async #crawl(request: Request<any>): Promise<void> {
    this.#pending++;
    this.#crawled++;
    try {
      try {
        let result: Response | Request<any> | undefined;
        let done: void | Promise<void> = undefined;
        try {
          result = await this.#downloader.fetch(request);
        } catch (error) {
          done = this.#scraper!.scrapeFailure(request, error);
        }
        if (result !== undefined) done = this.#downloaded(request, result);
        if (isThenable(done)) await done;
      } catch (error) {
        this.#log.error(`Unexpected error processing ${String(request)}: ${errorMessage(error)}`, { error });
      }
      try {
        // After an abort the callback may not have run: the request stays pending for a resumed job.
        if (!this.#aborted && this.#scheduler.ack) {
          const acked = this.#scheduler.ack(request);
          if (isThenable(acked)) await acked;
        }
      } catch (error) {
        this.#log.error(`Scheduler error acknowledging ${String(request)}: ${errorMessage(error)}`, { error });
      }
    } finally {
      this.#pending--;
      this.wake();
    }
  }

  #downloaded(request: Request<any>, result: Response | Request<any>): void | Promise<void> {
    if (this.#aborted) return undefined;
    if (isRequest(result)) return this.scheduleFromSpider(result);
    return this.#scraper!.scrapeResponse(request, this.#received(request, result));
  }

  /** Ties the response to its request, counts it and announces it (Scrapy's _downloaded). */
  #received(request: Request<any>, result: Response): Response {
    const response = result.request ? result : result.replace({ request });
    const { stats, events } = this.crawler;
    const logger = this.#log;
    stats.inc('response_received_count');
    if (this.#debug) {
      const referer = request.headers.get('referer');
      const flags = response.flags.length > 0 ? ` [${response.flags.join(', ')}]` : '';
      logger.debug(`Crawled (${response.status}) ${String(request)} (referer: ${referer ?? 'None'})${flags}`);
    }
    safeEmit(events, logger, 'responseReceived', response, request);
    return response;
  }

  /** When nothing is under way: close if stopping, else announce idleness and close if nobody adds work. */
  async #checkIdle(): Promise<void> {
    if (this.#state === 'closed' || this.#pumping || this.#wakeQueued || this.#pending > 0 || this.#checkingIdle) return;
    if (this.#state === 'stopping') {
      this.#finish(this.#reason ?? 'shutdown');
      return;
    }
    if (!this.#startDone || this.#downloader.active > 0) return;
    this.#checkingIdle = true;
    const crawledBefore = this.#crawled;
    try {
      await this.#idle();
    } finally {
      this.#checkingIdle = false;
    }
    // Checks skipped while this one awaited: a stop() to complete, or work that was scheduled
    // and finished meanwhile (the spider is idle again and listeners get another spiderIdle).
    const state = this.#state as State;
    if (state === 'stopping' || (state === 'running' && this.#crawled !== crawledBefore)) await this.#checkIdle();
  }

  async #idle(): Promise<void> {
    if (!(await this.#schedulerEmpty())) return;
    const crawledBefore = this.#crawled;
    await safeEmitAsync(this.crawler.events, this.#log, 'spiderIdle');
    if (this.#pumping || this.#wakeQueued || this.#pending > 0 || this.#state !== 'running') return;
    if (this.#crawled !== crawledBefore) return;
    if (!(await this.#schedulerEmpty())) return;
    this.stop('finished');
  }

  /** True when the scheduler holds nothing; otherwise makes sure someone pulls again. */
  async #schedulerEmpty(): Promise<boolean> {
    let size = this.#scheduler.size();
    if (isThenable(size)) size = await size;
    if (size === 0) return true;
    // A scheduler that reports work it would not hand out (a shared frontier another process
    // drained): look again shortly rather than spin.
    setTimeout(() => this.wake(), 100).unref();
    return false;
  }

  #finish(reason: CloseReason): void {
    if (this.#state === 'closed') return;
    this.#state = 'closed';
    this.#reason = reason;
    this.#resolveDone(reason);
  }

  /** For crawler.schedule() before crawl() or after the close. */
  static notRunning(what: string): ConfigError {
    return new ConfigError(`${what}: the crawler is not running (call crawl() first; a closed crawl takes no more requests)`);
  }
}
