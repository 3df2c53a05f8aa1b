import { errorLabel, type Crawler, type Logger, type Request } from '@crawl/core';
import './declarations.js';
import type { ErrorClass } from './exceptions.js';
import { checkRetryTimes, retrySettings } from './options.js';

export type RetryReason = string | Error | ErrorClass;

export interface GetRetryRequestOptions {
  /** The crawl: its stats, its logger, its retry settings, and the options of its retry middleware. */
  crawler: Crawler;
  /** Why: a string, an error or an error class. Names the `<statsBaseKey>/reason_count/<reason>` stat. */
  reason?: RetryReason;
  /** Default: `meta.maxRetryTimes`, else the retry middleware's `times`, else the `retryTimes` setting (2). */
  maxRetryTimes?: number;
  /** Default: the retry middleware's `priorityAdjust`, else the `retryPriorityAdjust` setting (-1). */
  priorityAdjust?: number;
  /** Default: the crawl's '@crawl/middleware-retry' child of crawler.logger. */
  logger?: Pick<Logger, 'debug' | 'error'>;
  /** Default: 'retry'. */
  statsBaseKey?: string;
}

interface CrawlerRetryConfig {
  readonly times: number;
  readonly priorityAdjust: number;
  /** The retry middleware's logger for this crawl. */
  readonly log?: Logger;
}

/** The retry middleware's name, and the component its log lines carry. */
export const RETRY_COMPONENT = '@crawl/middleware-retry';

// Keyed by crawler, so getRetryRequest() in a callback follows the retry middleware installed in
// that crawl, whose options may differ from the settings (Scrapy only has the settings).
const configs = new WeakMap<Crawler, CrawlerRetryConfig>();

export function registerRetryConfig(crawler: Crawler, config: CrawlerRetryConfig): void {
  configs.set(crawler, config);
}

export function unregisterRetryConfig(crawler: Crawler): void {
  configs.delete(crawler);
}

/** The stats label and the log text of a reason. */
export function describeReason(reason: unknown): { label: string; text: string } {
  if (typeof reason === 'string') return { label: reason, text: reason };
  if (typeof reason === 'function') {
    const name = (reason as { name?: unknown }).name;
    const label = typeof name === 'string' && name !== '' ? name : 'Error';
    return { label, text: label };
  }
  const label = errorLabel(reason);
  return { label, text: reason instanceof Error && reason.message ? `${label}: ${reason.message}` : label };
}

/**
 * Scrapy's get_retry_request(): a copy of `request` to download again, or undefined once its
 * retries are used up. The copy has `dontFilter`, its priority moved by `priorityAdjust` and
 * `internal.retryTimes` one higher; stats and log lines are Scrapy's.
 *
 *     parse(response) {
 *       if (response.text === '') return getRetryRequest(response.request!, { reason: 'empty', crawler });
 *     }
 */
export function getRetryRequest<K extends object>(request: Request<K>, options: GetRetryRequestOptions): Request<K> | undefined {
  const { crawler } = options;
  const config: CrawlerRetryConfig = configs.get(crawler) ?? retrySettings(crawler);
  // Without the middleware in this crawl (rare: a callback calling this directly) a child is made per call.
  const logger = options.logger ?? config.log ?? crawler.logger.child(RETRY_COMPONENT);
  const statsBase = options.statsBaseKey ?? 'retry';
  const retryTimes = (request.internal.retryTimes ?? 0) + 1;
  let maxRetryTimes = options.maxRetryTimes;
  if (maxRetryTimes !== undefined) checkRetryTimes(maxRetryTimes, 'getRetryRequest(): option "maxRetryTimes"');
  else if (request.meta.maxRetryTimes !== undefined) maxRetryTimes = checkRetryTimes(request.meta.maxRetryTimes, `meta.maxRetryTimes of ${String(request)}`);
  else maxRetryTimes = config.times;
  const { label, text } = describeReason(options.reason ?? 'unspecified');
  if (retryTimes <= maxRetryTimes) {
    logger.debug(`Retrying ${String(request)} (failed ${retryTimes} times): ${text}`);
    const adjust = options.priorityAdjust ?? config.priorityAdjust;
    const retried = request.replace<K>({
      dontFilter: true,
      priority: request.priority + adjust,
      internal: { ...request.internal, retryTimes },
    });
    crawler.stats.inc(`${statsBase}/count`);
    crawler.stats.inc(`${statsBase}/reason_count/${label}`);
    return retried;
  }
  crawler.stats.inc(`${statsBase}/max_reached`);
  logger.error(`Gave up retrying ${String(request)} (failed ${retryTimes} times): ${text}`);
  return undefined;
}
