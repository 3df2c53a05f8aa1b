import { ConfigError, type Crawler } from '@crawl/core';
import './declarations.js';

export interface AutothrottleOptions {
  /** Seconds: the delay of a slot before its first response. Default: the `autothrottleStartDelay` setting (5). */
  startDelay?: number;
  /** Seconds: the highest delay. Default: the `autothrottleMaxDelay` setting (60). */
  maxDelay?: number;
  /** Average requests in flight per remote server. Default: the `autothrottleTargetConcurrency` setting (1). */
  targetConcurrency?: number;
  /** Log each adjustment at info level, like AUTOTHROTTLE_DEBUG. Default: the `autothrottleDebug` setting (false). */
  debug?: boolean;
  /** Statuses that double the slot's delay instead of the usual adjustment (not in Scrapy). */
  backoffStatuses?: readonly number[];
  /** Position in the downloader-middleware chain; its processRequest sets each new slot's start delay. */
  order?: number;
}

export interface AutothrottleDefaults {
  readonly startDelay: number;
  readonly maxDelay: number;
  readonly targetConcurrency: number;
  readonly debug: boolean;
  readonly backoffStatuses: readonly number[];
  readonly order: number;
}

/**
 * Scrapy's AUTOTHROTTLE_* defaults. Order 990: last in processRequest, after anything that
 * picks a request's slot (meta.downloadSlot) and after the HTTP cache (900), whose hits never
 * reach a slot.
 */
export const AUTOTHROTTLE_DEFAULTS: AutothrottleDefaults = Object.freeze({
  startDelay: 5,
  maxDelay: 60,
  targetConcurrency: 1,
  debug: false,
  backoffStatuses: Object.freeze([429, 503]),
  order: 990,
});

/** The settings autothrottle declares. */
export const AUTOTHROTTLE_SETTING_DEFAULTS: Readonly<Record<string, unknown>> = Object.freeze({
  autothrottleStartDelay: AUTOTHROTTLE_DEFAULTS.startDelay,
  autothrottleMaxDelay: AUTOTHROTTLE_DEFAULTS.maxDelay,
  autothrottleTargetConcurrency: AUTOTHROTTLE_DEFAULTS.targetConcurrency,
  autothrottleDebug: AUTOTHROTTLE_DEFAULTS.debug,
});

/** What one crawl uses, in seconds. */
export interface ThrottleParams {
  /** The floor: the crawl's downloadDelay. */
  readonly minDelay: number;
  /** The start delay within [minDelay, maxDelay] (Scrapy only applies the floor). */
  readonly startDelay: number;
  readonly maxDelay: number;
  readonly targetConcurrency: number;
  readonly backoffStatuses: ReadonlySet<number>;
  readonly debug: boolean;
}

type Checked = Partial<Omit<AutothrottleDefaults, 'order' | 'backoffStatuses'>> & {
  readonly backoffStatuses: readonly number[];
  readonly order: number;
};

const KNOWN = ['startDelay', 'maxDelay', 'targetConcurrency', 'debug', 'backoffStatuses', 'order'];

function show(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(show).join(', ')}]`;
  return typeof value === 'object' ? 'an object' : String(value);
}

function seconds(value: unknown, where: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new ConfigError(`${where} must be a finite number of seconds >= 0, got ${show(value)}`);
  }
  return value;
}

function concurrency(value: unknown, where: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new ConfigError(`${where} must be a finite number > 0, got ${show(value)}`);
  }
  return value;
}

function bool(value: unknown, where: string): boolean {
  if (typeof value !== 'boolean') throw new ConfigError(`${where} must be true or false, got ${show(value)}`);
  return value;
}

export function resolveAutothrottleOptions(options: AutothrottleOptions | undefined): Checked {
  const o: AutothrottleOptions = options === undefined ? {} : options;
  if (typeof o !== 'object' || o === null || Array.isArray(o)) throw new ConfigError(`autothrottle() options must be an object, got ${show(o)}`);
  for (const key of Object.keys(o)) {
    if (!KNOWN.includes(key)) throw new ConfigError(`autothrottle(): unknown option "${key}" (known: ${KNOWN.join(', ')})`);
  }
  const where = (key: string): string => `autothrottle(): option "${key}"`;
  const statuses = o.backoffStatuses === undefined ? AUTOTHROTTLE_DEFAULTS.backoffStatuses : o.backoffStatuses;
  if (!Array.isArray(statuses) || !statuses.every((c) => Number.isInteger(c) && c >= 100 && c <= 999)) {
    throw new ConfigError(`${where('backoffStatuses')} must be an array of HTTP status codes (100-999), got ${show(statuses)}`);
  }
  const order = o.order === undefined ? AUTOTHROTTLE_DEFAULTS.order : o.order;
  if (typeof order !== 'number' || !Number.isFinite(order)) throw new ConfigError(`${where('order')} must be a finite number, got ${show(order)}`);
  const checked: { -readonly [K in keyof Checked]: Checked[K] } = { backoffStatuses: Object.freeze([...statuses]), order };
  if (o.startDelay !== undefined) checked.startDelay = seconds(o.startDelay, where('startDelay'));
  if (o.maxDelay !== undefined) checked.maxDelay = seconds(o.maxDelay, where('maxDelay'));
  if (o.targetConcurrency !== undefined) checked.targetConcurrency = concurrency(o.targetConcurrency, where('targetConcurrency'));
  if (o.debug !== undefined) checked.debug = bool(o.debug, where('debug'));
  return Object.freeze(checked);
}

/** Options over the crawl's settings over the defaults; the floor is the crawl's downloadDelay. */
export function throttleParams(options: Checked, crawler: Crawler): ThrottleParams {
  const s = crawler.settings;
  const pick = <T>(option: T | undefined, setting: unknown, name: string, check: (v: unknown, where: string) => T, fallback: T): T =>
    option !== undefined ? option : setting !== undefined ? check(setting, `Setting ${name}`) : fallback;
  const minDelay = s.downloadDelay;
  const startDelay = pick(options.startDelay, s.autothrottleStartDelay, 'autothrottleStartDelay', seconds, AUTOTHROTTLE_DEFAULTS.startDelay);
  const maxDelay = pick(options.maxDelay, s.autothrottleMaxDelay, 'autothrottleMaxDelay', seconds, AUTOTHROTTLE_DEFAULTS.maxDelay);
  return Object.freeze({
    minDelay,
    startDelay: Math.max(minDelay, Math.min(maxDelay, startDelay)),
    maxDelay,
    targetConcurrency: pick(
      options.targetConcurrency,
      s.autothrottleTargetConcurrency,
      'autothrottleTargetConcurrency',
      concurrency,
      AUTOTHROTTLE_DEFAULTS.targetConcurrency,
    ),
    debug: pick(options.debug, s.autothrottleDebug, 'autothrottleDebug', bool, AUTOTHROTTLE_DEFAULTS.debug),
    backoffStatuses: new Set(options.backoffStatuses),
  });
}
