import type { DownloaderSlot, Request, Response } from '@crawl/core';
import { PriorityQueue } from '../scheduler/priority-queue.js';

/** A request waiting in a slot, with the promise to settle when its download ends. */
export interface SlotEntry {
  readonly request: Request<any>;
  readonly resolve: (response: Response) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * One downloader slot (per domain by default): how many requests may be in transfer and how
 * far apart they leave. Requests from crawler.download() (media pipelines) jump the queue.
 */
export class Slot implements DownloaderSlot {
  readonly key: string;
  concurrency: number;
  delay: number;
  readonly randomizeDelay: boolean;
  /** Requests in transfer. */
  active = 0;
  /** Epoch ms when the last request left the slot (0 = never). */
  lastSeen = 0;
  /** When the slot became idle (for garbage collection); 0 while busy. */
  idleSince: number;
  timer: NodeJS.Timeout | undefined;
  timerAt = 0;
  readonly #urgent: SlotEntry[] = [];
  readonly #queue = new PriorityQueue<SlotEntry>('fifo');
  #factor = 1;
  #deferredUntil = 0;

  constructor(key: string, concurrency: number, delay: number, randomizeDelay: boolean, now: number) {
    this.key = key;
    this.concurrency = concurrency;
    this.delay = delay;
    this.randomizeDelay = randomizeDelay;
    this.idleSince = now;
  }

  get queued(): number {
    return this.#urgent.length + this.#queue.size;
  }

  /** The earliest time the next request may leave: the delay since the last one, or a deferral. */
  get nextAllowedAt(): number {
    const byDelay = this.delay > 0 && this.lastSeen > 0 ? this.lastSeen + this.delay * this.#factor * 1000 : 0;
    return byDelay > this.#deferredUntil ? byDelay : this.#deferredUntil;
  }

  deferUntil(epochMs: number): void {
    if (Number.isFinite(epochMs) && epochMs > this.#deferredUntil) this.#deferredUntil = epochMs;
  }

  push(entry: SlotEntry, urgent: boolean): void {
    if (urgent) this.#urgent.push(entry);
    else this.#queue.push(entry, entry.request.priority);
    this.idleSince = 0;
  }

  shift(): SlotEntry | undefined {
    return this.#urgent.length > 0 ? this.#urgent.shift() : this.#queue.pop();
  }

  /** Records a departure and draws the randomised factor for the next gap (Scrapy: 0.5x–1.5x). */
  markLeft(now: number): void {
    this.lastSeen = now;
    this.#factor = this.randomizeDelay ? 0.5 + Math.random() : 1;
  }

  /** With a delay, at most one request leaves per delay window, whatever the concurrency. */
  get freeTransferSlots(): number {
    return this.concurrency - this.active;
  }

  isIdle(): boolean {
    return this.active === 0 && this.queued === 0;
  }

  /** Everything still queued, for cancellation at close. */
  drain(): SlotEntry[] {
    const out = this.#urgent.splice(0);
    for (let e = this.#queue.pop(); e; e = this.#queue.pop()) out.push(e);
    return out;
  }

  clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.timerAt = 0;
  }
}
