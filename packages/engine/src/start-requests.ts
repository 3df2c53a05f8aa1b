import { Request, type Logger, type Spider } from '@crawl/core';
import { errorMessage } from './util/safe-emit.js';

/** A pull-based cursor over the spider's start output: sync steps stay sync. */
export interface StartCursor {
  next(): IteratorResult<unknown> | Promise<IteratorResult<unknown>>;
  /** Releases a generator left unfinished (stop/abort before the end). */
  return(): void;
}

/**
 * The spider's start requests, pulled one at a time so that a million start URLs never sit
 * in memory: spider.start() if defined, else a GET for each startUrls entry (dontFilter, and
 * callback undefined so spider.parse handles it). A bad start URL is logged and skipped.
 */
export function startRequests(spider: Spider<any>, logger: Logger): StartCursor {
  let source: unknown;
  try {
    source = typeof spider.start === 'function' ? spider.start() : defaultStart(spider, logger);
  } catch (error) {
    logger.error(`Error while obtaining start requests: ${errorMessage(error)}`, { error });
    return EMPTY;
  }
  if (source === undefined || source === null) return EMPTY;
  const asyncIter = (source as Partial<AsyncIterable<unknown>>)[Symbol.asyncIterator];
  if (typeof asyncIter === 'function') {
    const it = asyncIter.call(source) as AsyncIterator<unknown>;
    return {
      next: () => it.next(),
      return: () => {
        try {
          void it.return?.()?.then(undefined, () => undefined);
        } catch {
          // Already finished or running: nothing to release.
        }
      },
    };
  }
  const syncIter = (source as Partial<Iterable<unknown>>)[Symbol.iterator];
  if (typeof syncIter === 'function') {
    const it = syncIter.call(source) as Iterator<unknown>;
    return {
      next: () => it.next(),
      return: () => {
        try {
          it.return?.();
        } catch {
          // A generator that is running (stop() called from inside start()) cannot be returned.
        }
      },
    };
  }
  logger.error(`Spider ${spider.name}: start() must return an iterable or async iterable of requests, got ${typeof source}; no start requests`);
  return EMPTY;
}

const EMPTY: StartCursor = { next: () => ({ done: true, value: undefined }), return: () => undefined };

function* defaultStart(spider: Spider<any>, logger: Logger): Generator<Request<any>> {
  const urls = spider.startUrls ?? [];
  if (typeof urls === 'string' || !(Symbol.iterator in Object(urls))) {
    logger.error(`Spider ${spider.name}: startUrls must be an array of URLs, got ${typeof urls}; no start requests`);
    return;
  }
  for (const url of urls) {
    let request: Request<any>;
    try {
      request = new Request(url, { dontFilter: true });
    } catch (error) {
      logger.error(`Skipping start URL of spider ${spider.name}: ${errorMessage(error)}`);
      continue;
    }
    yield request;
  }
}
