import { STATUS_CODES } from 'node:http';
import { defineDownloaderMiddleware, type Crawler, type DownloaderMiddleware, type Logger, type Request } from '@crawl/core';
import { backoffDelayMs } from './backoff.js';
import './declarations.js';
import { getRetryRequest, registerRetryConfig, RETRY_COMPONENT, unregisterRetryConfig } from './get-retry-request.js';
import { RETRY_SETTING_DEFAULTS, checkRetryTimes, crawlRetryConfig, resolveRetryOptions, type CrawlRetryConfig, type RetryOptions } from './options.js';
import { parseRetryAfter } from './retry-after.js';

/** Statuses whose Retry-After means "come back later" (RFC 9110 §10.2.3, RFC 6585 §4). */
const RETRY_AFTER_STATUSES: ReadonlySet<number> = new Set([429, 503]);

/** Scrapy's response_status_message(): '503 Service Unavailable'. */
export function statusReason(status: number): string {
  return `${status} ${STATUS_CODES[status] ?? 'Unknown Status'}`;
}

const seconds = (ms: number): string => `${Number((ms / 1000).toFixed(3))} s`;

/**
 * Scrapy's RetryMiddleware: downloads again a request that failed with a retryable status or
 * network error, up to `times` retries. Beyond Scrapy it honours Retry-After on 429/503 and can
 * back off exponentially; both wait by pushing back the request's downloader slot, so other
 * sites keep being crawled meanwhile.
 */
export function retry(options?: RetryOptions): DownloaderMiddleware {
  const cfg = resolveRetryOptions(options);
  const exceptions = cfg.exceptions;
  const maxDelayMs = cfg.retryAfter.maxDelay * 1000;
  // The crawl's '@crawl/middleware-retry' logger lives with its config: made once per crawler.
  const configs = new WeakMap<Crawler, CrawlRetryConfig & { readonly log: Logger }>();
  const configFor = (crawler: Crawler): CrawlRetryConfig & { readonly log: Logger } => {
    let config = configs.get(crawler);
    if (config === undefined) {
      config = Object.freeze({ ...crawlRetryConfig(cfg, crawler), log: crawler.logger.child(RETRY_COMPONENT) });
      configs.set(crawler, config);
      registerRetryConfig(crawler, config);
    }
    return config;
  };

  const maxRetryTimes = (request: Request<any>, config: CrawlRetryConfig): number => {
    const fromMeta = request.meta.maxRetryTimes;
    return fromMeta === undefined ? config.times : checkRetryTimes(fromMeta, `meta.maxRetryTimes of ${String(request)}`);
  };

  const deferSlot = (request: Request<any>, crawler: Crawler, now: number, ms: number, why: string): void => {
    if (!(ms > 0)) return;
    const slot = crawler.downloader.slot(request);
    slot.deferUntil(now + ms);
    configFor(crawler).log.debug(`Delaying slot ${slot.key} by ${seconds(ms)} (${why}) after ${String(request)}`);
  };

  const retryRequest = (
    request: Request<any>,
    reason: string | Error,
    crawler: Crawler,
    now: number,
    waitMs: number,
    why: string,
  ): Request<any> | undefined => {
    const config = configFor(crawler);
    const retried = getRetryRequest(request, { crawler, reason, maxRetryTimes: maxRetryTimes(request, config), priorityAdjust: config.priorityAdjust, logger: config.log });
    if (retried && cfg.backoff.enabled) {
      const backoff = backoffDelayMs(retried.internal.retryTimes ?? 1, cfg.backoff);
      if (backoff > waitMs) {
        waitMs = backoff;
        why = 'backoff';
      }
    }
    // Even when giving up, a Retry-After still paces the slot's other requests.
    deferSlot(request, crawler, now, waitMs, why);
    return retried;
  };

  return defineDownloaderMiddleware({
    name: RETRY_COMPONENT,
    order: cfg.order,
    defaultSettings: RETRY_SETTING_DEFAULTS,

    open(crawler) {
      configFor(crawler);
    },

    processResponse(request, response, crawler) {
      if (request.meta.dontRetry || !configFor(crawler).httpCodes.has(response.status)) return response;
      const reason = statusReason(response.status);
      const now = Date.now();
      let waitMs = 0;
      let why = '';
      if (cfg.retryAfter.enabled && RETRY_AFTER_STATUSES.has(response.status)) {
        const header = response.headers.getFirst('retry-after');
        if (header !== undefined) {
          const ms = parseRetryAfter(header, now);
          if (ms === undefined) {
            configFor(crawler).log.debug(`Ignoring malformed Retry-After ${JSON.stringify(header)} from ${String(request)}`);
          } else if (ms > maxDelayMs) {
            deferSlot(request, crawler, now, maxDelayMs, `Retry-After: ${header}, capped by retryAfter.maxDelay`);
            crawler.stats.inc('retry/retry_after_too_long');
            const failed = (request.internal.retryTimes ?? 0) + 1;
            configFor(crawler).log.error(
              `Gave up retrying ${String(request)} (failed ${failed} times): ${reason}; ` +
                `Retry-After asks for ${seconds(ms)}, more than retryAfter.maxDelay (${cfg.retryAfter.maxDelay} s)`,
            );
            return response;
          } else {
            waitMs = ms;
            why = `Retry-After: ${header}`;
          }
        }
      }
      return retryRequest(request, reason, crawler, now, waitMs, why) ?? response;
    },

    processException(request, error, crawler) {
      // After an abort the "lost connection" is our own doing, and nothing would download a retry.
      if (request.meta.dontRetry || crawler.abortSignal.aborted) return undefined;
      let retryable = false;
      for (const E of exceptions) {
        if (error instanceof E) {
          retryable = true;
          break;
        }
      }
      if (!retryable) return undefined;
      return retryRequest(request, error as Error, crawler, Date.now(), 0, '');
    },

    close(crawler) {
      configs.delete(crawler);
      unregisterRetryConfig(crawler);
    },
  });
}
