import { NotConfigured, type Crawler, type Logger, type Plugin } from '@crawl/core';
import { holdLeanHeap } from './lean-heap.js';
import { MEMUSAGE_SETTING_DEFAULTS, memusageParams, resolveMemusageOptions, type MemusageOptions, type MemusageParams } from './options.js';

const NAME = '@crawl/memusage';
const MIB = 1024 * 1024;

/** Peak resident set size of the process so far, in bytes (Scrapy reads ru_maxrss too). */
export function peakRss(): number {
  return process.resourceUsage().maxRSS * 1024;
}

interface CrawlState {
  readonly params: MemusageParams;
  readonly log: Logger;
  timer: NodeJS.Timeout | undefined;
  unsubscribe: (() => void) | undefined;
  releaseHeap: (() => void) | undefined;
  warned: boolean;
  stopped: boolean;
}

/**
 * Scrapy's MemoryUsage extension: records the process's peak RSS when the engine starts (`memusage/startup`)
 * and every `checkIntervalSeconds` (`memusage/max`); above `warningMb` it logs a warning once
 * (`memusage/warning_reached`), above `limitMb` it logs an error and closes the crawl with reason
 * `memusage_exceeded` (`memusage/limit_reached`). Not carried over: MEMUSAGE_NOTIFY_MAIL.
 *
 * Beyond Scrapy, `leanHeap` keeps V8's heap small while the crawl runs (see lean-heap.ts): a
 * process-wide setting, undone when the last crawl holding it closes.
 */
export function memusage(options?: MemusageOptions): Plugin {
  const checked = resolveMemusageOptions(options);
  const states = new WeakMap<Crawler, CrawlState>();

  const check = (crawler: Crawler, state: CrawlState): void => {
    const { limitMb, warningMb } = state.params;
    const peak = peakRss();
    crawler.stats.max('memusage/max', peak);
    const mib = Math.round(peak / MIB);
    if (limitMb > 0 && peak > limitMb * MIB) {
      if (state.stopped) return;
      state.stopped = true;
      crawler.stats.set('memusage/limit_reached', 1);
      state.log.error(`Memory usage exceeded ${mib} MiB (limit ${limitMb} MiB). Closing the crawl.`);
      void crawler.stop('memusage_exceeded');
      return;
    }
    if (warningMb > 0 && !state.warned && peak > warningMb * MIB) {
      state.warned = true;
      crawler.stats.set('memusage/warning_reached', 1);
      state.log.warn(`Memory usage reached ${mib} MiB (warning at ${warningMb} MiB)`);
    }
  };

  return {
    name: NAME,
    defaultSettings: MEMUSAGE_SETTING_DEFAULTS,
    open(crawler) {
      const params = memusageParams(checked, crawler);
      if (!params.enabled && !params.leanHeap) throw new NotConfigured('memusageEnabled and memusageLeanHeap are both false');
      const state: CrawlState = { params, log: crawler.logger.child(NAME), timer: undefined, unsubscribe: undefined, releaseHeap: undefined, warned: false, stopped: false };
      states.set(crawler, state);
      if (params.leanHeap) state.releaseHeap = holdLeanHeap();
      if (!params.enabled) return;
      // As Scrapy: from engine_started, when the crawl can be stopped.
      state.unsubscribe = crawler.events.on('engineStarted', () => {
        crawler.stats.set('memusage/startup', peakRss());
        check(crawler, state);
        state.timer = setInterval(() => check(crawler, state), params.checkIntervalSeconds * 1000);
        state.timer.unref();
      });
    },
    close(crawler) {
      const state = states.get(crawler);
      if (state === undefined) return;
      states.delete(crawler);
      state.unsubscribe?.();
      if (state.timer !== undefined) clearInterval(state.timer);
      if (state.params.enabled) crawler.stats.max('memusage/max', peakRss());
      state.releaseHeap?.();
    },
  };
}
