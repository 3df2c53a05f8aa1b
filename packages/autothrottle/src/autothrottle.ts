import {
  defineDownloaderMiddleware,
  type Crawler,
  type DownloaderMiddleware,
  type DownloaderSlot,
  type Logger,
  type Request,
  type Response,
} from '@crawl/core';
import { nextDelay } from './adjust.js';
import {
  AUTOTHROTTLE_SETTING_DEFAULTS,
  resolveAutothrottleOptions,
  throttleParams,
  type AutothrottleOptions,
  type ThrottleParams,
} from './options.js';

interface CrawlState {
  readonly params: ThrottleParams;
  /** Slots given their start delay; a slot collected by the downloader and made again gets it anew. */
  readonly started: WeakSet<DownloaderSlot>;
  unsubscribe: (() => void) | undefined;
  /** The crawl's '@crawl/autothrottle' logger. */
  readonly log: Logger;
}

const COMPONENT = '@crawl/autothrottle';

/** Python's %Nd: truncated toward zero, right-aligned. */
const pad = (value: number, width: number): string => String(Math.trunc(value)).padStart(width);
const signed = (value: number): string => {
  const n = Math.trunc(value);
  return n < 0 ? String(n) : `+${n}`;
};

/**
 * Scrapy's AutoThrottle: each downloader slot starts at `startDelay` and then follows the
 * server's latency, aiming at `targetConcurrency` requests in flight per server, between the
 * crawl's downloadDelay and `maxDelay`. Beyond Scrapy, a 429 or 503 doubles the slot's delay.
 *
 * It is a downloader middleware so that it is wired with the others and can give a new slot its
 * start delay in processRequest, before the first request joins the slot. Delays are adjusted
 * on the `responseDownloaded` event (Scrapy's response_downloaded signal): it fires only for real
 * transfers, with a fresh `meta.downloadLatency`, never for cached or middleware-made responses.
 */
export function autothrottle(options?: AutothrottleOptions): DownloaderMiddleware {
  const checked = resolveAutothrottleOptions(options);
  const states = new WeakMap<Crawler, CrawlState>();
  const stateFor = (crawler: Crawler): CrawlState => {
    let state = states.get(crawler);
    if (state === undefined) {
      state = { params: throttleParams(checked, crawler), started: new WeakSet(), unsubscribe: undefined, log: crawler.logger.child(COMPONENT) };
      states.set(crawler, state);
    }
    return state;
  };

  const adjust = (crawler: Crawler, state: CrawlState, response: Response, request: Request<any>): void => {
    const latency = request.meta.downloadLatency;
    if (request.meta.autothrottleDontAdjustDelay === true || typeof latency !== 'number' || !(latency >= 0)) return;
    const slot = crawler.downloader.slot(request);
    const before = slot.delay;
    slot.delay = nextDelay(before, latency, response.status, state.params);
    if (state.params.debug) {
      state.log.info(
        `slot: ${slot.key} | conc:${pad(slot.active, 2)} | delay:${pad(slot.delay * 1000, 5)} ms (${signed((slot.delay - before) * 1000)}) | ` +
          `latency:${pad(latency * 1000, 5)} ms | size:${pad(response.body.length, 6)} bytes`,
      );
    }
  };

  return defineDownloaderMiddleware({
    name: COMPONENT,
    order: checked.order,
    defaultSettings: AUTOTHROTTLE_SETTING_DEFAULTS,

    open(crawler) {
      const state = stateFor(crawler);
      const { minDelay, maxDelay } = state.params;
      if (minDelay > maxDelay) {
        state.log.warn(`autothrottle: downloadDelay (${minDelay} s) is above maxDelay (${maxDelay} s); delays stay at downloadDelay`);
      }
      state.unsubscribe?.();
      state.unsubscribe = crawler.events.on('responseDownloaded', (response, request) => adjust(crawler, state, response, request));
    },

    processRequest(request, crawler) {
      const state = stateFor(crawler);
      const slot = crawler.downloader.slot(request);
      if (!state.started.has(slot)) {
        state.started.add(slot);
        // A delay someone else raised (a robots.txt Crawl-delay, say) is kept.
        if (slot.delay < state.params.startDelay) slot.delay = state.params.startDelay;
      }
      return undefined;
    },

    close(crawler) {
      const state = states.get(crawler);
      state?.unsubscribe?.();
      states.delete(crawler);
    },
  });
}
