import { ConfigError, Request, type Crawler, type Logger, type Response, type Spider, type SpiderOutput } from '@crawl/core';
import { asyncElements, isAsyncOutput, isSingleElement } from './output.js';

/** Hooks shared by the XML and CSV feed spiders (Scrapy's adapt_response and process_results). */
export interface FeedHooks {
  /** Replaces the response before parsing (Scrapy's adapt_response). */
  adaptResponse?: ((response: Response) => Response) | undefined;
  /** Post-processes the output of every node/row (Scrapy's process_results, per element here). */
  processResults?: ((response: Response, results: SpiderOutput<unknown>) => SpiderOutput<unknown>) | undefined;
}

/**
 * Runs `parseOne` for every unit (node or row) and yields its output, one unit at a time: the engine
 * pulls the next unit only once the previous outputs are handed over, so memory stays bounded
 * whatever the number of units. `units` is an iterable of units (a body held whole), or an async
 * iterable of batches (a streamed body: the units one chunk of text completed).
 */
export async function* feedOutput<U>(
  self: unknown,
  response: Response,
  units: Iterable<U> | AsyncIterable<Iterable<U>>,
  parseOne: (this: unknown, response: Response, unit: U) => SpiderOutput<unknown>,
  processResults: FeedHooks['processResults'],
): AsyncGenerator<unknown> {
  // A body held whole is one batch; `for await` over a one-element array costs one step.
  const batches = isAsyncOutput(units) ? (units as AsyncIterable<Iterable<U>>) : [units as Iterable<U>];
  for await (const batch of batches) {
    for (const unit of batch) {
      let out = parseOne.call(self, response, unit);
      if (processResults) out = processResults(response, out);
      // The common outputs (nothing, one item or request) skip asyncElements' generator: a feed
      // of a million rows pays for it a million times.
      if (out === undefined || out === null) continue;
      if (isSingleElement(out)) yield out;
      else yield* asyncElements(out);
    }
  }
}

/** Each batch through `map`, as it comes (the streamed-body counterpart of mapping a sync iterable). */
export async function* mapBatches<A, B>(batches: AsyncIterable<A>, map: (batch: A) => B): AsyncGenerator<B> {
  for await (const batch of batches) yield map(batch);
}

const FEED_COMPONENT = '@crawl/spiders:feed';

/** The feed spiders' default start(), and the open() that gives it a logger. */
export interface StreamingStart {
  open(crawler: Crawler): void;
  start(this: Spider<unknown> | undefined): Generator<Request<any>>;
}

/**
 * Start requests for a feed spider without its own start(): a GET for each startUrls entry, as the
 * engine makes them (dontFilter, the spider's parse as callback), that also asks for the body as a
 * stream (meta.streamBody), so a large feed is parsed as it downloads instead of held whole.
 * A bad URL is logged and skipped, as the engine does.
 */
export function streamingStart(startUrls: readonly string[] | undefined): StreamingStart {
  let log: Logger | undefined;
  return {
    open(crawler) {
      log = crawler.logger.child(FEED_COMPONENT);
    },
    *start() {
      // Read at start time, as the engine reads spider.startUrls (open() may have set them).
      for (const url of this?.startUrls ?? startUrls ?? []) {
        let request: Request<any>;
        try {
          request = new Request(url, { dontFilter: true, meta: { streamBody: true } });
        } catch (error) {
          if (log === undefined) throw error;
          log.error(`Skipping start URL of spider ${this?.name ?? '?'}: ${error instanceof Error ? error.message : String(error)}`, { error });
          continue;
        }
        yield request;
      }
    },
  };
}

export function checkChar(where: string, key: string, value: unknown, fallback: string): string {
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || value.length !== 1 || value === '\n' || value === '\r') {
    throw new ConfigError(`${where}: option ${key} must be one character (not a newline), got ${JSON.stringify(value)}`);
  }
  return value;
}
