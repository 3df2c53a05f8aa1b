import { isRequest } from '@crawl/core';
import { isThenable } from './util/thenable.js';

/**
 * Calls `fn` for each element of a callback's output, whatever its shape: nothing, one Request or
 * item, an array or iterable, a promise of those, an async iterable, a (async) generator.
 * Elements that are promises are awaited. `fn` results are awaited only when they are promises,
 * so a sync iterable processed synchronously costs no microtask per element.
 * An error thrown while iterating (a generator that throws) rejects; elements before it were
 * already handed to `fn`.
 */
export async function forEachOutput(output: unknown, fn: (element: unknown) => void | PromiseLike<void>): Promise<void> {
  let out = output;
  if (isThenable(out)) out = await out;
  if (out === undefined || out === null) return;
  if (typeof out === 'object' && !isRequest(out)) {
    const asyncIter = (out as Partial<AsyncIterable<unknown>>)[Symbol.asyncIterator];
    if (typeof asyncIter === 'function') {
      for await (const element of out as AsyncIterable<unknown>) {
        const r = fn(element);
        if (isThenable(r)) await r;
      }
      return;
    }
    const iter = (out as Partial<Iterable<unknown>>)[Symbol.iterator];
    if (typeof iter === 'function') {
      for (let element of out as Iterable<unknown>) {
        if (isThenable(element)) element = await element;
        const r = fn(element);
        if (isThenable(r)) await r;
      }
      return;
    }
  }
  const r = fn(out);
  if (isThenable(r)) await r;
}
