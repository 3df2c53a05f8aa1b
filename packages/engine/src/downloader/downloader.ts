import {
  DownloadError,
  InvalidOutputError,
  UnsupportedSchemeError,
  isResponse,
  type BodyStream,
  type CrawlSettings,
  type Crawler,
  type DownloadHandler,
  type DownloaderControl,
  type Logger,
  type Request,
  type Response,
} from '@crawl/core';
import { ENGINE_COMPONENT } from '../logger.js';
import { safeEmit } from '../util/safe-emit.js';
import { describe, type DownloaderMiddlewareChain } from './middleware-chain.js';
import { Slot, type SlotEntry } from './slot.js';

/** Idle slots older than this are dropped (Scrapy's slot GC age). */
const SLOT_IDLE_MS = 60_000;
/** Above this many slots, idle ones are collected at once instead of waiting for the timer. */
const MAX_SLOTS = 10_000;

/**
 * The downloader: runs requests through the middleware chain, queues them per slot, enforces
 * slot concurrency and delay, and calls the download handler for the request's scheme.
 * `active` counts requests anywhere inside it (middlewares, slot queues, transfer), like
 * Scrapy's Downloader.active, which the engine compares with concurrentRequests.
 */
export class Downloader implements DownloaderControl {
  readonly #crawler: Crawler;
  /** Set by use(): requests only arrive after it. */
  #log!: Logger;
  #chain: DownloaderMiddlewareChain | undefined;
  readonly #handlers = new Map<string, DownloadHandler>();
  readonly #slots = new Map<string, Slot>();
  readonly #concurrency: number;
  readonly #delay: number;
  readonly #randomize: boolean;
  readonly #enqueueNormal = (request: Request<any>): Promise<Response> => this.#enqueue(request, false);
  readonly #enqueueUrgent = (request: Request<any>): Promise<Response> => this.#enqueue(request, true);
  readonly #leftOk = <T>(result: T): T => {
    this.#active--;
    return result;
  };
  readonly #leftFailed = (error: unknown): never => {
    this.#active--;
    throw error;
  };
  #active = 0;
  #gcTimer: NodeJS.Timeout | undefined;
  #closed = false;

  /** Created before the plugins open (they may look at slots); wired with use() once they have. */
  constructor(crawler: Crawler, settings: CrawlSettings) {
    this.#crawler = crawler;
    // Per-IP slots are keyed by hostname (no DNS resolution here); only their concurrency differs.
    this.#concurrency = settings.concurrentRequestsPerIp > 0 ? settings.concurrentRequestsPerIp : settings.concurrentRequestsPerDomain;
    this.#delay = settings.downloadDelay;
    this.#randomize = settings.randomizeDownloadDelay;
  }

  /** Sets the middleware chain and the enabled download handlers. */
  use(chain: DownloaderMiddlewareChain, handlers: readonly DownloadHandler[]): void {
    this.#chain = chain;
    this.#log = this.#crawler.logger.child(`${ENGINE_COMPONENT}/downloader`);
    // Earlier handlers win for a scheme they share with later ones.
    for (const handler of handlers) {
      for (const scheme of handler.schemes) {
        const key = scheme.toLowerCase();
        if (!this.#handlers.has(key)) this.#handlers.set(key, handler);
      }
    }
  }

  get active(): number {
    return this.#active;
  }

  /** Number of slots currently tracked. */
  get slotCount(): number {
    return this.#slots.size;
  }

  slotKey(request: Request<any>): string {
    const key = request.meta.downloadSlot;
    return typeof key === 'string' && key !== '' ? key : request.hostname;
  }

  slot(keyOrRequest: string | Request<any>): Slot {
    const key = typeof keyOrRequest === 'string' ? keyOrRequest : this.slotKey(keyOrRequest);
    let slot = this.#slots.get(key);
    if (!slot) {
      if (this.#slots.size >= MAX_SLOTS) this.#collect(0);
      slot = new Slot(key, this.#concurrency, this.#delay, this.#randomize, Date.now());
      this.#slots.set(key, slot);
      if (!this.#gcTimer && !this.#closed) {
        this.#gcTimer = setInterval(() => this.#collect(SLOT_IDLE_MS), SLOT_IDLE_MS);
        this.#gcTimer.unref();
      }
    }
    return slot;
  }

  /**
   * Downloads a request through the middlewares. Resolves to a Response, or to a Request that a
   * middleware returned instead (the caller reschedules or downloads it). `urgent` requests
   * (crawler.download) go to the front of their slot's queue.
   */
  fetch(request: Request<any>, urgent = false): Promise<Response | Request<any>> {
    if (!this.#chain) return Promise.reject(new DownloadError(request.url, `Download of ${String(request)} before the crawl started`));
    this.#active++;
    // Shared callbacks rather than an async function: one promise, no frame, per request in flight.
    return this.#chain.download(request, urgent ? this.#enqueueUrgent : this.#enqueueNormal).then(this.#leftOk, this.#leftFailed);
  }

  /** Stops timers; queued requests (only left behind by an abort) fail with `error`. */
  close(error?: unknown): void {
    this.#closed = true;
    if (this.#gcTimer) clearInterval(this.#gcTimer);
    this.#gcTimer = undefined;
    for (const slot of this.#slots.values()) {
      slot.clearTimer();
      for (const entry of slot.drain()) {
        entry.reject(error ?? new DownloadError(entry.request.url, `Download of ${String(entry.request)} cancelled: the crawler closed`));
      }
    }
  }

  #enqueue(request: Request<any>, urgent: boolean): Promise<Response> {
    if (!this.#handlers.has(request.scheme)) {
      return Promise.reject(
        new UnsupportedSchemeError(request.url, `Unsupported URL scheme '${request.scheme}' for ${String(request)}: no download handler is enabled for it`),
      );
    }
    if (this.#closed) return Promise.reject(new DownloadError(request.url, `Download of ${String(request)} refused: the crawler closed`));
    const slot = this.slot(request);
    safeEmit(this.#crawler.events, this.#log, 'requestReachedDownloader', request);
    return new Promise<Response>((resolve, reject) => {
      slot.push({ request, resolve, reject }, urgent);
      this.#process(slot);
    });
  }

  /** Scrapy's _process_queue: start what concurrency and delay allow, else wait on the slot's timer. */
  #process(slot: Slot): void {
    if (this.#closed || slot.queued === 0) return;
    const now = Date.now();
    const allowedAt = slot.nextAllowedAt;
    if (allowedAt > now) {
      this.#arm(slot, allowedAt, now);
      return;
    }
    while (slot.queued > 0 && slot.freeTransferSlots > 0) {
      const entry = slot.shift()!;
      slot.markLeft(now);
      void this.#transfer(slot, entry);
      if (slot.delay > 0) {
        if (slot.queued > 0) this.#arm(slot, slot.nextAllowedAt, now);
        break;
      }
    }
  }

  /** One timer per slot; an earlier pending timer is kept (it re-arms itself when it fires). */
  #arm(slot: Slot, at: number, now: number): void {
    if (slot.timer && slot.timerAt <= at) return;
    slot.clearTimer();
    slot.timerAt = at;
    slot.timer = setTimeout(() => {
      slot.timer = undefined;
      slot.timerAt = 0;
      this.#process(slot);
    }, Math.max(0, at - now));
    slot.timer.unref();
  }

  /**
   * One download on the handler. The slot is left before the response goes back up the
   * middleware chain (as in Scrapy's finish_transferring), so the next queued request starts
   * while this one is processed; a streamed body keeps its place until the stream ends.
   */
  async #transfer(slot: Slot, entry: SlotEntry): Promise<void> {
    const { request } = entry;
    const crawler = this.#crawler;
    const handler = this.#handlers.get(request.scheme)!;
    slot.active++;
    const latencyBefore = request.meta.downloadLatency;
    const started = performance.now();
    let response: Response;
    try {
      response = await handler.download(request, crawler);
    } catch (error) {
      safeEmit(crawler.events, this.#log, 'downloadError', error, request);
      entry.reject(error);
      this.#leave(slot, request);
      return;
    }
    if (!isResponse(response)) {
      entry.reject(new InvalidOutputError(`Download handler ${handler.name} download() must resolve to a Response, got ${describe(response)} (${String(request)})`));
      this.#leave(slot, request);
      return;
    }
    if (request.meta.downloadLatency === latencyBefore) request.meta.downloadLatency = (performance.now() - started) / 1000;
    safeEmit(crawler.events, this.#log, 'responseDownloaded', response, request);
    entry.resolve(response);
    const streamed = response.bodyStream;
    if (streamed !== undefined && whenClosed(streamed, () => this.#leave(slot, request))) return;
    this.#leave(slot, request);
  }

  #leave(slot: Slot, request: Request<any>): void {
    slot.active--;
    if (slot.isIdle()) slot.idleSince = Date.now();
    safeEmit(this.#crawler.events, this.#log, 'requestLeftDownloader', request);
    this.#process(slot);
  }

  #collect(maxIdleMs: number): void {
    const cutoff = Date.now() - maxIdleMs;
    for (const [key, slot] of this.#slots) {
      if (slot.isIdle() && !slot.timer && slot.idleSince > 0 && slot.idleSince <= cutoff && slot.nextAllowedAt <= cutoff) {
        this.#slots.delete(key);
      }
    }
  }
}

/** Runs `then` once a stream that emits 'close' (a Node Readable) has closed; false when it can't tell. */
function whenClosed(stream: BodyStream, then: () => void): boolean {
  const emitter = stream as BodyStream & { once?: unknown; closed?: unknown };
  if (typeof emitter.once !== 'function') return false;
  if (emitter.closed === true) return false;
  (emitter.once as (event: string, listener: () => void) => void).call(stream, 'close', then);
  return true;
}
