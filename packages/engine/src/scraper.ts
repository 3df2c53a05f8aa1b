import {
  CloseSpider,
  ConfigError,
  DropItem,
  IgnoreRequest,
  InvalidOutputError,
  isRequest,
  isResponse,
  type Crawler,
  type Failure,
  type ItemPipeline,
  type Logger,
  type Request,
  type Response,
} from '@crawl/core';
import { describe } from './downloader/middleware-chain.js';
import { ENGINE_COMPONENT } from './logger.js';
import { errorName } from './util/error-name.js';
import type { SpiderMiddlewareChain } from './spider-middleware-chain.js';
import { forEachOutput } from './spider-output.js';
import { ItemLimiter } from './util/item-limiter.js';
import { errorMessage, safeEmit, safeEmitAsync } from './util/safe-emit.js';
import { isThenable } from './util/thenable.js';

/** What the scraper needs from the engine. */
export interface ScraperHost {
  readonly crawler: Crawler;
  /** Schedules a request a callback produced (events, dupefilter, wake-up). */
  scheduleFromSpider(request: Request<any>): void | Promise<void>;
  /** Graceful close with a reason (CloseSpider from a callback). */
  closeSpider(reason: string): void;
  /** True after abort(): late results are dropped. */
  readonly aborted: boolean;
}

/** Elements an atomic-mode callback/errback yielded before it threw, discarded unprocessed. */
export const DISCARDED_OUTPUT_STAT = 'spider_exceptions/discarded_output_count';

const SCRAPER_COMPONENT = `${ENGINE_COMPONENT}/scraper`;

/** Scrapy's minimum size accounted per response in process (MIN_RESPONSE_SIZE). */
const MIN_RESPONSE_SIZE = 1024;

/**
 * Scraper: runs responses through spider middlewares and callbacks, failures through errbacks,
 * and every result through processSpiderOutput to the scheduler or the item pipelines.
 *
 * Stats: spider_exceptions/count, spider_exceptions/<ErrorName>, item_scraped_count,
 * item_dropped_count, item_dropped_reasons_count/<ErrorName>, item_error_count,
 * item_error_reasons_count/<ErrorName>, spider_exceptions/discarded_output_count (atomic mode).
 */
export class Scraper {
  /** Bytes of responses being processed (compared with scraperSlotMaxActiveSize). */
  activeSize = 0;
  readonly #host: ScraperHost;
  readonly #chain: SpiderMiddlewareChain;
  readonly #pipelines: readonly ItemPipeline<any, any>[];
  readonly #concurrentItems: number;
  readonly #debug: boolean;
  readonly #callbackOutput: 'stream' | 'atomic';
  readonly #log: Logger;

  constructor(host: ScraperHost, chain: SpiderMiddlewareChain, pipelines: readonly ItemPipeline<any, any>[]) {
    this.#host = host;
    this.#chain = chain;
    this.#pipelines = pipelines;
    this.#concurrentItems = host.crawler.settings.concurrentItems;
    this.#debug = host.crawler.settings.logLevel === 'debug';
    this.#callbackOutput = host.crawler.settings.callbackOutput;
    this.#log = host.crawler.logger.child(SCRAPER_COMPONENT);
  }

  /** Runs a downloaded response through processSpiderInput and the request's callback. */
  async scrapeResponse(request: Request<any>, response: Response): Promise<void> {
    const size = Math.max(response.body.byteLength, MIN_RESPONSE_SIZE);
    this.activeSize += size;
    try {
      try {
        const checked = this.#chain.processInput(response);
        if (isThenable(checked)) await checked;
      } catch (error) {
        await this.scrapeFailure(request, error, response);
        return;
      }
      if (this.#host.aborted) return;
      const { spider } = this.#host.crawler;
      const callback = request.callback ?? spider.parse;
      if (typeof callback !== 'function') {
        this.#reportSpiderError(new ConfigError(`Spider ${spider.name} has no parse() method and ${String(request)} has no callback`), request, response);
        return;
      }
      const source = callbackName(callback, spider.name);
      try {
        const output: unknown = callback.call(spider, response, request.cbKwargs as Record<string, unknown>);
        await this.#consume(output, request, response, source);
      } catch (error) {
        await this.#handleSpiderException(error, request, response, source);
      }
    } finally {
      this.activeSize -= size;
      // A streamed body the callback did not read to the end would hold its connection open.
      if (response.bodyStream !== undefined) response.bodyStream.destroy();
    }
  }

  /**
   * A failed download, an IgnoreRequest, or a response refused by processSpiderInput: the errback
   * gets a Failure; without one, the error is logged the way Scrapy does.
   */
  async scrapeFailure(request: Request<any>, error: unknown, response?: Response): Promise<void> {
    if (this.#host.aborted) return;
    const { spider } = this.#host.crawler;
    const logger = this.#log;
    const errback = request.errback;
    if (errback) {
      const failure: Failure = response ? { request, error, response } : { request, error };
      const source = callbackName(errback, spider.name);
      try {
        const output: unknown = errback.call(spider, failure);
        await this.#consume(output, request, response, source);
      } catch (thrown) {
        await this.#handleSpiderException(thrown, request, response, source);
      }
      return;
    }
    if (error instanceof CloseSpider) {
      this.#host.closeSpider(error.reason);
      return;
    }
    if (response) {
      // Scrapy: a processSpiderInput failure without errback goes to processSpiderException
      // (the httperror middleware answers there for HttpError).
      const handled = await this.#askMiddlewares(error, request, response);
      if (handled) return;
      if (error instanceof IgnoreRequest) {
        logger.info(`Ignoring response ${String(response)}: ${errorMessage(error)}`);
        return;
      }
      this.#reportSpiderError(error, request, response);
      return;
    }
    if (error instanceof IgnoreRequest) {
      logger.debug(`Ignored request ${String(request)}: ${errorMessage(error)}`);
      return;
    }
    logger.error(`Error downloading ${String(request)}: ${errorMessage(error)}`, { error });
  }

  /** A start request or item from spider.start(): through processSpiderOutput (response undefined). */
  async processStartOutput(element: unknown): Promise<void> {
    const limiter = new ItemLimiter(1);
    const started = this.#handleElement(element, undefined, undefined, 'start()', limiter);
    if (isThenable(started)) await started;
    const drained = limiter.drain();
    if (drained) await drained;
  }

  /** Runs an item through the pipelines in order, then reports it scraped, dropped or failed. */
  async processItem(item: unknown, response: Response | undefined): Promise<void> {
    const { crawler } = this.#host;
    let current = item;
    try {
      for (const pipeline of this.#pipelines) {
        let out: unknown = pipeline.processItem(current, crawler);
        if (isThenable(out)) out = await out;
        if (out === undefined) {
          throw new InvalidOutputError(`Item pipeline ${pipeline.name} processItem() returned undefined: return the item (or a replacement), or throw DropItem to drop it`);
        }
        current = out;
      }
    } catch (error) {
      if (this.#host.aborted) return;
      const label = errorName(error);
      if (error instanceof DropItem) {
        crawler.stats.inc('item_dropped_count');
        crawler.stats.inc(`item_dropped_reasons_count/${label}`);
        this.#log.warn(`Dropped: ${error.message}`, { item: current, ...(response ? { url: response.url } : {}) });
        await safeEmitAsync(crawler.events, this.#log, 'itemDropped', current, error, response);
        return;
      }
      crawler.stats.inc('item_error_count');
      crawler.stats.inc(`item_error_reasons_count/${label}`);
      this.#log.error(`Error processing item${response ? ` from ${String(response)}` : ''}: ${errorMessage(error)}`, { item: current, error });
      await safeEmitAsync(crawler.events, this.#log, 'itemError', current, error, response);
      return;
    }
    if (this.#host.aborted) return;
    crawler.stats.inc('item_scraped_count');
    if (this.#debug) this.#log.debug(`Scraped from ${response ? String(response) : 'start()'}`, { item: current });
    await safeEmitAsync(crawler.events, this.#log, 'itemScraped', current, response);
  }

  /**
   * Consumes callback/errback output; items still in the pipelines are awaited even if iteration throws.
   * In atomic mode the elements are held back until the output finished without throwing, so a
   * callback that fails half-way (and is retried) never exports part of its output.
   */
  async #consume(output: unknown, request: Request<any>, response: Response | undefined, source: string): Promise<void> {
    const limiter = new ItemLimiter(this.#concurrentItems);
    let failure: { error: unknown } | undefined;
    if (this.#outputMode(request) === 'atomic') {
      const buffered: unknown[] = [];
      try {
        await forEachOutput(output, (element) => {
          buffered.push(element);
        });
      } catch (error) {
        if (buffered.length > 0) this.#host.crawler.stats.inc(DISCARDED_OUTPUT_STAT, buffered.length);
        throw error;
      }
      for (const element of buffered) {
        const r = this.#handleElement(element, request, response, source, limiter);
        if (isThenable(r)) await r;
      }
    } else {
      try {
        await forEachOutput(output, (element) => this.#handleElement(element, request, response, source, limiter));
      } catch (error) {
        failure = { error };
      }
    }
    // The callback is done with the response: items still in the pipelines keep it, but not the
    // document parsed from it (re-parsed if a pipeline queries it), which would otherwise wait
    // with them and be promoted to the old generation.
    // (Optional call: a Response from an older @crawl/core has no releaseDocument.)
    response?.releaseDocument?.();
    const drained = limiter.drain();
    if (drained) await drained;
    if (failure) throw failure.error;
  }

  /** meta.callbackOutput, else the setting; a bad meta value is reported and the setting used. */
  #outputMode(request: Request<any>): 'stream' | 'atomic' {
    const mode: unknown = request.meta.callbackOutput;
    if (mode === undefined) return this.#callbackOutput;
    if (mode === 'stream' || mode === 'atomic') return mode;
    const error = new ConfigError(`Invalid meta.callbackOutput ${JSON.stringify(mode)} on ${String(request)} (expected 'stream' or 'atomic'); using the callbackOutput setting ('${this.#callbackOutput}')`);
    this.#log.error(error.message, { error });
    return this.#callbackOutput;
  }

  #handleElement(element: unknown, request: Request<any> | undefined, response: Response | undefined, source: string, limiter: ItemLimiter): void | Promise<void> {
    if (this.#host.aborted) return undefined;
    let processed: unknown;
    try {
      processed = this.#chain.processOutput(element, response);
    } catch (error) {
      return this.#outputHookFailed(error, request, response);
    }
    if (isThenable(processed)) {
      return Promise.resolve(processed).then(
        (value) => this.#dispatch(value, request, response, source, limiter),
        (error: unknown) => this.#outputHookFailed(error, request, response),
      );
    }
    return this.#dispatch(processed, request, response, source, limiter);
  }

  #dispatch(value: unknown, request: Request<any> | undefined, response: Response | undefined, source: string, limiter: ItemLimiter): void | Promise<void> {
    if (value === undefined || value === null) return undefined;
    if (isRequest(value)) {
      try {
        const scheduled = this.#host.scheduleFromSpider(value);
        if (isThenable(scheduled)) return Promise.resolve(scheduled).catch((error: unknown) => this.#scheduleFailed(error, value));
      } catch (error) {
        this.#scheduleFailed(error, value);
      }
      return undefined;
    }
    if (typeof value === 'object' && !isResponse(value)) {
      return limiter.run(() => this.processItem(value, response));
    }
    const where = request ? ` for ${String(request)}` : '';
    const error = new InvalidOutputError(
      `${source} produced ${describe(value)}${where}: expected a Request, an item object, or an iterable of them`,
    );
    this.#reportSpiderError(error, request, response);
    return undefined;
  }

  #scheduleFailed(error: unknown, request: Request<any>): void {
    this.#log.error(`Error scheduling ${String(request)}: ${errorMessage(error)}`, { error });
  }

  #outputHookFailed(error: unknown, request: Request<any> | undefined, response: Response | undefined): void {
    if (error instanceof CloseSpider) {
      this.#host.closeSpider(error.reason);
      return;
    }
    this.#reportSpiderError(error, request, response);
  }

  /** A callback or errback threw: processSpiderException may answer with output; else it is a spider error. */
  async #handleSpiderException(error: unknown, request: Request<any>, response: Response | undefined, source: string): Promise<void> {
    if (this.#host.aborted) return;
    if (error instanceof CloseSpider) {
      this.#host.closeSpider(error.reason);
      return;
    }
    if (response && (await this.#askMiddlewares(error, request, response, source))) return;
    this.#reportSpiderError(error, request, response);
  }

  /** True when a middleware's processSpiderException took over (its output is consumed here). */
  async #askMiddlewares(error: unknown, request: Request<any>, response: Response, source = 'processSpiderException()'): Promise<boolean> {
    let handled;
    try {
      handled = await this.#chain.processException(response, error);
    } catch (thrown) {
      this.#reportSpiderError(thrown, request, response);
      return true;
    }
    if (!handled) return false;
    try {
      await this.#consume(handled.output, request, response, source);
    } catch (thrown) {
      this.#reportSpiderError(thrown, request, response);
    }
    return true;
  }

  #reportSpiderError(error: unknown, request: Request<any> | undefined, response: Response | undefined): void {
    if (error instanceof CloseSpider) {
      this.#host.closeSpider(error.reason);
      return;
    }
    const { stats, events } = this.#host.crawler;
    const logger = this.#log;
    const referer = request?.headers.get('referer');
    const what = request ? String(request) : 'start requests';
    logger.error(`Spider error processing ${what} (referer: ${referer ?? 'None'}): ${errorMessage(error)}`, { error });
    stats.inc('spider_exceptions/count');
    stats.inc(`spider_exceptions/${errorName(error)}`);
    safeEmit(events, logger, 'spiderError', error, response);
  }
}

function callbackName(fn: (...args: never[]) => unknown, spiderName: string): string {
  const name = fn.name.replace(/^bound /, '');
  return `${spiderName}.${name || 'anonymous'}()`;
}
