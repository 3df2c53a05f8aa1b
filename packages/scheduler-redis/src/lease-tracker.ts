import { isRequest, isResponse, type Callback, type Errback, type Failure, type Response } from '@crawl/core';

type Method = (...args: never[]) => unknown;

interface Lease {
  readonly id: string;
  /** The callback or errback has been called: the download phase is over. */
  started: boolean;
  /** Its output has been consumed to the end without error. */
  finished: boolean;
  /** An error was thrown: what follows cannot be observed, so only the idle-time ack applies. */
  broken: boolean;
  /** Items handed out by the output, and items the pipelines have finished with. */
  seen: number;
  done: number;
  response: Response | undefined;
}

interface WrapperInfo {
  readonly lease: Lease;
  /** What the request stored: the method name, or null for "no callback" (spider.parse). */
  readonly name: string | null;
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}

/**
 * Tells when a leased request has been processed, through what the engine lets a plugin see:
 * the request's callback (errback) is a wrapper that counts the items its output hands out, and
 * the itemScraped/itemDropped/itemError events for the same response count them back. When the
 * output is exhausted and every item is back, the lease is acknowledged. A request a middleware
 * replaced before its callback ran (redirect, retry) is acknowledged once the replacement is
 * stored. What cannot be observed (a response refused by a spider middleware, a failed download
 * without errback, items a spider middleware swallowed) stays leased, renewed by the heartbeat,
 * until the engine is idle and `drain()` hands every remaining lease over for acknowledgement.
 */
export class LeaseTracker {
  readonly #leases = new Map<string, Lease>();
  readonly #byResponse = new Map<Response, Lease>();
  readonly #wrappers = new WeakMap<Method, WrapperInfo>();
  readonly #ack: (id: string) => void;

  constructor(ack: (id: string) => void) {
    this.#ack = ack;
  }

  get size(): number {
    return this.#leases.size;
  }

  /** Ids of leases not acknowledged yet. */
  ids(): string[] {
    return [...this.#leases.keys()];
  }

  /** Forgets every lease and returns their ids (the engine is idle: all of them are processed). */
  drain(): string[] {
    const ids = [...this.#leases.keys()];
    this.#leases.clear();
    this.#byResponse.clear();
    return ids;
  }

  /** Forgets one lease without acknowledging it (its data was refused). */
  forget(id: string): void {
    const lease = this.#leases.get(id);
    if (lease) this.#remove(lease);
  }

  /** A lease for a request just taken from the frontier. */
  take(id: string): Lease {
    const lease: Lease = { id, started: false, finished: false, broken: false, seen: 0, done: 0, response: undefined };
    this.#leases.set(id, lease);
    return lease;
  }

  /** The stored name of one of our wrappers (undefined when `fn` is not one). */
  storedName(fn: Method): string | null | undefined {
    return this.#wrappers.get(fn)?.name;
  }

  /** The lease a request derives from, if a middleware replaced it before its callback ran. */
  replacedBeforeCallback(callback: Method | undefined, errback: Method | undefined): string | undefined {
    const info = (callback && this.#wrappers.get(callback)) || (errback && this.#wrappers.get(errback)) || undefined;
    if (!info || info.lease.started || !this.#leases.has(info.lease.id)) return undefined;
    return info.lease.id;
  }

  /** Acknowledges a lease now (its replacement is stored). */
  acknowledge(id: string): void {
    const lease = this.#leases.get(id);
    if (!lease) return;
    this.#remove(lease);
    this.#ack(id);
  }

  /** An item of some response left the pipelines. */
  itemFinished(response: Response | undefined): void {
    if (!response) return;
    const lease = this.#byResponse.get(response);
    if (!lease) return;
    lease.done++;
    this.#check(lease);
  }

  wrapCallback(lease: Lease, name: string | null, method: Method): Callback<any> {
    const tracker = this;
    const wrapper = function (this: unknown, response: Response, cbKwargs: object): unknown {
      tracker.#start(lease, response);
      let output: unknown;
      try {
        output = (method as (...a: unknown[]) => unknown).call(this, response, cbKwargs);
      } catch (error) {
        lease.broken = true;
        throw error;
      }
      return tracker.#track(output, lease);
    };
    Object.defineProperty(wrapper, 'name', { value: name ?? method.name });
    this.#wrappers.set(wrapper as Method, { lease, name });
    return wrapper as unknown as Callback<any>;
  }

  wrapErrback(lease: Lease, name: string, method: Method): Errback<any> {
    const tracker = this;
    const wrapper = function (this: unknown, failure: Failure): unknown {
      tracker.#start(lease, failure.response);
      let output: unknown;
      try {
        output = (method as (...a: unknown[]) => unknown).call(this, failure);
      } catch (error) {
        lease.broken = true;
        throw error;
      }
      return tracker.#track(output, lease);
    };
    Object.defineProperty(wrapper, 'name', { value: name });
    this.#wrappers.set(wrapper as Method, { lease, name });
    return wrapper as unknown as Errback<any>;
  }

  #start(lease: Lease, response: Response | undefined): void {
    lease.started = true;
    if (response && this.#leases.has(lease.id)) {
      lease.response = response;
      this.#byResponse.set(response, lease);
    }
  }

  #count(element: unknown, lease: Lease): void {
    if (typeof element === 'object' && element !== null && !isRequest(element) && !isResponse(element)) lease.seen++;
  }

  /** The callback's output, element by element as the engine would read it, counting items. */
  async *#track(output: unknown, lease: Lease): AsyncGenerator<unknown, void, undefined> {
    try {
      let out = output;
      if (isThenable(out)) out = await out;
      if (out !== undefined && out !== null) {
        const iterable = typeof out === 'object' && !isRequest(out);
        if (iterable && typeof (out as Partial<AsyncIterable<unknown>>)[Symbol.asyncIterator] === 'function') {
          for await (const element of out as AsyncIterable<unknown>) {
            this.#count(element, lease);
            yield element;
          }
        } else if (iterable && typeof (out as Partial<Iterable<unknown>>)[Symbol.iterator] === 'function') {
          for (let element of out as Iterable<unknown>) {
            if (isThenable(element)) element = await element;
            this.#count(element, lease);
            yield element;
          }
        } else {
          this.#count(out, lease);
          yield out;
        }
      }
      lease.finished = true;
    } catch (error) {
      lease.broken = true;
      throw error;
    } finally {
      this.#check(lease);
    }
  }

  #check(lease: Lease): void {
    if (!lease.finished || lease.broken || lease.done < lease.seen) return;
    if (!this.#leases.has(lease.id)) return;
    // Items still on their way through the pipelines report back through itemFinished().
    this.#remove(lease);
    this.#ack(lease.id);
  }

  #remove(lease: Lease): void {
    this.#leases.delete(lease.id);
    if (lease.response) this.#byResponse.delete(lease.response);
  }
}
