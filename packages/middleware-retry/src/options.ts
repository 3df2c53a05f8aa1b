import { ConfigError, type Crawler } from '@crawl/core';
import './declarations.js';
import { RETRY_EXCEPTIONS, type ErrorClass } from './exceptions.js';

export interface RetryAfterOptions {
  /** Honour `Retry-After` on 429 and 503 responses (default true). */
  enabled?: boolean;
  /**
   * Seconds: the longest wait accepted. A longer Retry-After gives up on that request (the
   * response goes on to the spider's errback) after pushing its slot back by this much.
   */
  maxDelay?: number;
}

export interface BackoffOptions {
  /** Wait before each retry, doubling per attempt (default false). */
  enabled?: boolean;
  /** Seconds before the first retry. */
  base?: number;
  /** Seconds: the longest wait. */
  max?: number;
  /** Wait a random 50–100 % of the computed delay, so failed requests do not return in lockstep. */
  jitter?: boolean;
}

export interface RetryOptions {
  /** Retries after the first download. Default: the `retryTimes` setting (Scrapy's RETRY_TIMES, 2). */
  times?: number;
  /** Response statuses to retry. Default: the `retryHttpCodes` setting (RETRY_HTTP_CODES). */
  httpCodes?: readonly number[];
  /** Errors to retry, matched with instanceof (Scrapy's RETRY_EXCEPTIONS). */
  exceptions?: readonly ErrorClass[];
  /** Added to the priority of a retried request. Default: the `retryPriorityAdjust` setting (-1). */
  priorityAdjust?: number;
  retryAfter?: RetryAfterOptions;
  backoff?: BackoffOptions;
  /** Position in the downloader-middleware chain (Scrapy: 550). */
  order?: number;
}

export interface RetryDefaults {
  readonly times: number;
  readonly httpCodes: readonly number[];
  readonly exceptions: readonly ErrorClass[];
  readonly priorityAdjust: number;
  readonly retryAfter: Readonly<Required<RetryAfterOptions>>;
  readonly backoff: Readonly<Required<BackoffOptions>>;
  readonly order: number;
}

/** Scrapy's retry defaults, plus Retry-After (on) and exponential backoff (off). */
export const RETRY_DEFAULTS: RetryDefaults = Object.freeze({
  times: 2,
  httpCodes: Object.freeze([500, 502, 503, 504, 522, 524, 408, 429]),
  exceptions: RETRY_EXCEPTIONS,
  priorityAdjust: -1,
  retryAfter: Object.freeze({ enabled: true, maxDelay: 60 }),
  backoff: Object.freeze({ enabled: false, base: 1, max: 60, jitter: true }),
  order: 550,
});

/** The settings this middleware declares (Scrapy's RETRY_TIMES, RETRY_HTTP_CODES, RETRY_PRIORITY_ADJUST). */
export const RETRY_SETTING_DEFAULTS: Readonly<Record<string, unknown>> = Object.freeze({
  retryTimes: RETRY_DEFAULTS.times,
  retryHttpCodes: RETRY_DEFAULTS.httpCodes,
  retryPriorityAdjust: RETRY_DEFAULTS.priorityAdjust,
});

/** Options checked at the factory call; the three with settings stay undefined when not given. */
export interface FactoryRetryOptions {
  readonly times: number | undefined;
  readonly httpCodes: readonly number[] | undefined;
  readonly priorityAdjust: number | undefined;
  readonly exceptions: readonly ErrorClass[];
  readonly retryAfter: Readonly<Required<RetryAfterOptions>>;
  readonly backoff: Readonly<Required<BackoffOptions>>;
  readonly order: number;
}

/** What the middleware uses for one crawl: options over settings over defaults. */
export interface CrawlRetryConfig {
  readonly times: number;
  readonly httpCodes: ReadonlySet<number>;
  readonly priorityAdjust: number;
}

const where = (key: string): string => `retry(): option "${key}"`;

function checkKeys(value: unknown, known: readonly string[], label: string): asserts value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ConfigError(`${label} must be an object, got ${show(value)}`);
  }
  for (const key of Object.keys(value)) {
    if (!known.includes(key)) throw new ConfigError(`${label}: unknown option "${key}" (known: ${known.join(', ')})`);
  }
}

function finite(value: unknown, label: string, min = -Infinity): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min) {
    throw new ConfigError(`${label} must be a finite number${min > -Infinity ? ` >= ${min}` : ''}, got ${show(value)}`);
  }
  return value;
}

function bool(value: unknown, label: string): boolean {
  if (typeof value !== 'boolean') throw new ConfigError(`${label} must be true or false, got ${show(value)}`);
  return value;
}

/** Retries allowed: a non-negative integer. */
export function checkRetryTimes(value: unknown, label: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw new ConfigError(`${label} must be an integer >= 0, got ${show(value)}`);
  }
  return value;
}

function statusCodes(value: unknown, label: string): readonly number[] {
  if (!Array.isArray(value) || !value.every((c) => Number.isInteger(c) && c >= 100 && c <= 999)) {
    throw new ConfigError(`${label} must be an array of HTTP status codes (100-999), got ${show(value)}`);
  }
  return Object.freeze([...(value as number[])]);
}

export function show(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'function') return `function ${value.name || '(anonymous)'}`;
  if (Array.isArray(value)) return `[${value.map(show).join(', ')}]`;
  if (typeof value === 'object') return 'an object';
  return String(value);
}

export function resolveRetryOptions(options: RetryOptions | undefined): FactoryRetryOptions {
  const o: RetryOptions = options === undefined ? {} : options;
  checkKeys(o, ['times', 'httpCodes', 'exceptions', 'priorityAdjust', 'retryAfter', 'backoff', 'order'], 'retry() options');
  const d = RETRY_DEFAULTS;
  const exceptions = o.exceptions === undefined ? d.exceptions : o.exceptions;
  if (!Array.isArray(exceptions)) throw new ConfigError(`${where('exceptions')} must be an array of error classes, got ${show(exceptions)}`);
  for (const e of exceptions) {
    if (typeof e !== 'function') throw new ConfigError(`${where('exceptions')} must contain error classes, got ${show(e)}`);
  }

  const ra = o.retryAfter === undefined ? {} : o.retryAfter;
  checkKeys(ra, ['enabled', 'maxDelay'], where('retryAfter'));
  const retryAfter = Object.freeze({
    enabled: ra.enabled === undefined ? d.retryAfter.enabled : bool(ra.enabled, where('retryAfter.enabled')),
    maxDelay: ra.maxDelay === undefined ? d.retryAfter.maxDelay : finite(ra.maxDelay, where('retryAfter.maxDelay'), 0),
  });

  const bo = o.backoff === undefined ? {} : o.backoff;
  checkKeys(bo, ['enabled', 'base', 'max', 'jitter'], where('backoff'));
  const backoff = Object.freeze({
    enabled: bo.enabled === undefined ? d.backoff.enabled : bool(bo.enabled, where('backoff.enabled')),
    base: bo.base === undefined ? d.backoff.base : finite(bo.base, where('backoff.base'), 0),
    max: bo.max === undefined ? d.backoff.max : finite(bo.max, where('backoff.max'), 0),
    jitter: bo.jitter === undefined ? d.backoff.jitter : bool(bo.jitter, where('backoff.jitter')),
  });

  return Object.freeze({
    times: o.times === undefined ? undefined : checkRetryTimes(o.times, where('times')),
    httpCodes: o.httpCodes === undefined ? undefined : statusCodes(o.httpCodes, where('httpCodes')),
    priorityAdjust: o.priorityAdjust === undefined ? undefined : finite(o.priorityAdjust, where('priorityAdjust')),
    exceptions: Object.freeze([...exceptions]),
    retryAfter,
    backoff,
    order: o.order === undefined ? d.order : finite(o.order, where('order')),
  });
}

/** The crawl's retry settings, checked; defaults where the crawl did not declare them. */
export function retrySettings(crawler: Crawler): { times: number; httpCodes: readonly number[]; priorityAdjust: number } {
  const s = crawler.settings;
  return {
    times: s.retryTimes === undefined ? RETRY_DEFAULTS.times : checkRetryTimes(s.retryTimes, 'Setting retryTimes'),
    httpCodes: s.retryHttpCodes === undefined ? RETRY_DEFAULTS.httpCodes : statusCodes(s.retryHttpCodes, 'Setting retryHttpCodes'),
    priorityAdjust: s.retryPriorityAdjust === undefined ? RETRY_DEFAULTS.priorityAdjust : finite(s.retryPriorityAdjust, 'Setting retryPriorityAdjust'),
  };
}

export function crawlRetryConfig(options: FactoryRetryOptions, crawler: Crawler): CrawlRetryConfig {
  const settings = options.times !== undefined && options.httpCodes !== undefined && options.priorityAdjust !== undefined ? undefined : retrySettings(crawler);
  return Object.freeze({
    times: options.times ?? settings!.times,
    httpCodes: new Set(options.httpCodes ?? settings!.httpCodes),
    priorityAdjust: options.priorityAdjust ?? settings!.priorityAdjust,
  });
}
