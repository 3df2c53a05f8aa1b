import { isRequest, type SpiderOutput } from '@crawl/core';

type Out = SpiderOutput<unknown>;

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (typeof value === 'object' || typeof value === 'function') && value !== null && typeof (value as { then?: unknown }).then === 'function';
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as { [Symbol.asyncIterator]?: unknown })[Symbol.asyncIterator] === 'function';
}

/** An iterable of output elements (not a Request or item, which are single elements). */
function isOutputIterable(value: unknown): value is Iterable<unknown> {
  return typeof value === 'object' && value !== null && !isRequest(value) && typeof (value as { [Symbol.iterator]?: unknown })[Symbol.iterator] === 'function';
}

/** True when consuming `output` needs await (a promise or an async iterable). */
export function isAsyncOutput(output: unknown): boolean {
  return isThenable(output) || isAsyncIterable(output);
}

/** True for one output element as it is (an item or a Request): nothing to await, unpack or skip. */
export function isSingleElement(output: unknown): boolean {
  return output !== undefined && output !== null && !isAsyncOutput(output) && !isOutputIterable(output);
}

/** Elements of a synchronous output, whatever its shape (nothing, one element, an iterable). */
export function* syncElements(output: unknown): Generator<unknown> {
  if (output === undefined || output === null) return;
  if (isOutputIterable(output)) yield* output;
  else yield output;
}

/** Elements of any callback output, awaiting what needs it. */
export async function* asyncElements(output: unknown): AsyncGenerator<unknown> {
  let out = output;
  if (isThenable(out)) out = await out;
  if (out === undefined || out === null) return;
  if (isAsyncIterable(out)) {
    yield* out;
    return;
  }
  if (isOutputIterable(out)) {
    for (const element of out) yield isThenable(element) ? await element : element;
    return;
  }
  yield out;
}

/**
 * `first`'s elements, then those of `rest()` (computed only once `first` is exhausted, as Scrapy's
 * CrawlSpider extracts links after the callback's output). Stays synchronous when `first` is, so a
 * sync callback costs no microtask per element.
 */
export function concatOutput(first: unknown, rest: () => Iterable<unknown>): Out {
  if (isAsyncOutput(first)) {
    return (async function* () {
      yield* asyncElements(first);
      yield* rest();
    })();
  }
  return (function* () {
    yield* syncElements(first);
    yield* rest();
  })();
}
