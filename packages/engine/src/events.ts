import type { CrawlEventListener, CrawlEventMap, CrawlEventName, CrawlEvents } from '@crawl/core';
import { isThenable } from './util/thenable.js';

type AnyListener = (...args: unknown[]) => unknown;

/**
 * Typed event bus, one per crawler. Listener arrays are replaced on subscribe/unsubscribe
 * (copy-on-write), so emit iterates without copying and a listener may unsubscribe itself.
 */
export class EventBus implements CrawlEvents {
  readonly #listeners = new Map<CrawlEventName, AnyListener[]>();
  readonly #onAsyncError: (event: CrawlEventName, error: unknown) => void;

  /** `onAsyncError` receives rejections of async listeners called by the synchronous emit(). */
  constructor(onAsyncError: (event: CrawlEventName, error: unknown) => void = () => undefined) {
    this.#onAsyncError = onAsyncError;
  }

  on<E extends CrawlEventName>(event: E, listener: CrawlEventListener<E>): () => void {
    const list = this.#listeners.get(event);
    this.#listeners.set(event, list ? [...list, listener as AnyListener] : [listener as AnyListener]);
    return () => this.off(event, listener);
  }

  once<E extends CrawlEventName>(event: E, listener: CrawlEventListener<E>): () => void {
    const wrapper = ((...args: CrawlEventMap[E]) => {
      this.off(event, wrapper);
      return listener(...args);
    }) as CrawlEventListener<E>;
    return this.on(event, wrapper);
  }

  off<E extends CrawlEventName>(event: E, listener: CrawlEventListener<E>): void {
    const list = this.#listeners.get(event);
    if (!list) return;
    const i = list.indexOf(listener as AnyListener);
    if (i < 0) return;
    const next = list.slice(0, i).concat(list.slice(i + 1));
    if (next.length === 0) this.#listeners.delete(event);
    else this.#listeners.set(event, next);
  }

  /** Synchronous: the first listener error is rethrown to the emitter (StopDownload relies on it). */
  emit<E extends CrawlEventName>(event: E, ...args: CrawlEventMap[E]): void {
    const list = this.#listeners.get(event);
    if (!list) return;
    for (let i = 0; i < list.length; i++) {
      const out = list[i]!(...args);
      // Nobody awaits an async listener here: report its rejection instead of leaving it unhandled.
      if (isThenable(out)) out.then(undefined, (error: unknown) => this.#onAsyncError(event, error));
    }
  }

  /** Calls every listener and waits for the promises they return; rejects with the first error. */
  async emitAsync<E extends CrawlEventName>(event: E, ...args: CrawlEventMap[E]): Promise<void> {
    const list = this.#listeners.get(event);
    if (!list) return;
    let pending: PromiseLike<unknown>[] | undefined;
    let firstError: { error: unknown } | undefined;
    for (const listener of list) {
      try {
        const out = listener(...args);
        if (isThenable(out)) (pending ??= []).push(out);
      } catch (error) {
        firstError ??= { error };
      }
    }
    if (pending) {
      const results = await Promise.allSettled(pending);
      for (const r of results) if (r.status === 'rejected') firstError ??= { error: r.reason };
    }
    if (firstError) throw firstError.error;
  }

  listenerCount(event: CrawlEventName): number {
    return this.#listeners.get(event)?.length ?? 0;
  }
}
