import type { Crawler, Response, SpiderMiddleware } from '@crawl/core';
import { sortByOrder } from './downloader/middleware-chain.js';
import { isThenable } from './util/thenable.js';

/** What processSpiderException returned when a middleware handled the error. */
export interface HandledException {
  readonly output: unknown;
}

/**
 * Spider-middleware hooks, sorted once, in Scrapy's directions: processSpiderInput ascending
 * (from the engine towards the spider), processSpiderOutput and processSpiderException descending
 * (from the spider back towards the engine). Each method stays synchronous until a hook returns a promise.
 */
export class SpiderMiddlewareChain {
  readonly middlewares: readonly SpiderMiddleware[];
  readonly #input: SpiderMiddleware[];
  readonly #output: SpiderMiddleware[];
  readonly #exception: SpiderMiddleware[];
  readonly #crawler: Crawler;

  constructor(middlewares: readonly SpiderMiddleware[], crawler: Crawler) {
    const sorted = sortByOrder(middlewares);
    this.middlewares = sorted;
    this.#crawler = crawler;
    this.#input = sorted.filter((m) => typeof m.processSpiderInput === 'function');
    this.#output = sorted.filter((m) => typeof m.processSpiderOutput === 'function').reverse();
    this.#exception = sorted.filter((m) => typeof m.processSpiderException === 'function').reverse();
  }

  /** Throws (or rejects) with the error of the first middleware that refuses the response. */
  processInput(response: Response, from = 0): void | Promise<void> {
    const list = this.#input;
    for (let i = from; i < list.length; i++) {
      const out = list[i]!.processSpiderInput!(response, this.#crawler);
      if (isThenable(out)) return Promise.resolve(out).then(() => this.processInput(response, i + 1));
    }
    return undefined;
  }

  /** One output element through every processSpiderOutput; null/undefined means dropped. */
  processOutput(result: unknown, response: Response | undefined, from = 0): unknown {
    const list = this.#output;
    let current = result;
    for (let i = from; i < list.length; i++) {
      const out = list[i]!.processSpiderOutput!(current, response, this.#crawler);
      if (isThenable(out)) {
        return Promise.resolve(out).then((value) => (value === undefined || value === null ? undefined : this.processOutput(value, response, i + 1)));
      }
      if (out === undefined || out === null) return undefined;
      current = out;
    }
    return current;
  }

  /** Asks each processSpiderException in turn; the first non-void answer is the replacement output. */
  async processException(response: Response, error: unknown): Promise<HandledException | undefined> {
    for (const mw of this.#exception) {
      let out: unknown = mw.processSpiderException!(response, error, this.#crawler);
      if (isThenable(out)) out = await out;
      if (out !== undefined) return { output: out };
    }
    return undefined;
  }
}
