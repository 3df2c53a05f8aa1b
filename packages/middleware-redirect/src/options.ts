import { ConfigError, type Crawler, type Logger } from '@crawl/core';

/** The middlewares' names, and the components their log lines carry. */
export const REDIRECT_COMPONENT = '@crawl/middleware-redirect';
export const META_REFRESH_COMPONENT = '@crawl/middleware-redirect/metaRefresh';

/** Options of `redirect()`. Each one falls back to its crawl setting, then to REDIRECT_DEFAULTS. */
export interface RedirectOptions {
  /** Redirects followed per request at most; more ends the request with IgnoreRequest. Setting: `redirectMaxTimes`. */
  maxTimes?: number;
  /** Added to the priority of each redirected request. Setting: `redirectPriorityAdjust`. */
  priorityAdjust?: number;
  /** Position in the downloader-middleware chain. */
  order?: number;
}

/** Options of `metaRefresh()`. Each one falls back to its crawl setting, then to META_REFRESH_DEFAULTS. */
export interface MetaRefreshOptions extends RedirectOptions {
  /** Longest refresh delay followed, in seconds. Setting: `metaRefreshMaxDelay`. */
  maxDelay?: number;
  /** `<meta http-equiv="refresh">` inside these elements is ignored. Setting: `metaRefreshIgnoreTags`. */
  ignoreTags?: readonly string[];
}

/** The shape of REDIRECT_DEFAULTS. */
export interface RedirectDefaults {
  readonly order: number;
  readonly maxTimes: number;
  readonly priorityAdjust: number;
}

/** The shape of META_REFRESH_DEFAULTS. */
export interface MetaRefreshDefaults extends RedirectDefaults {
  readonly maxDelay: number;
  readonly ignoreTags: readonly string[];
}

/** Scrapy's defaults: RedirectMiddleware at 600, REDIRECT_MAX_TIMES 20, REDIRECT_PRIORITY_ADJUST +2. */
export const REDIRECT_DEFAULTS: RedirectDefaults = Object.freeze({ order: 600, maxTimes: 20, priorityAdjust: 2 });

/** Scrapy's defaults: MetaRefreshMiddleware at 580, METAREFRESH_MAXDELAY 100 s, METAREFRESH_IGNORE_TAGS ['noscript']. */
export const META_REFRESH_DEFAULTS: MetaRefreshDefaults = Object.freeze({
  order: 580,
  maxTimes: REDIRECT_DEFAULTS.maxTimes,
  priorityAdjust: REDIRECT_DEFAULTS.priorityAdjust,
  maxDelay: 100,
  ignoreTags: Object.freeze(['noscript']),
});

/**
 * Setting keys and their defaults, declared by both middlewares. The values are shared
 * constants: the engine refuses a second declaration of a key with a different default.
 */
export const REDIRECT_SETTING_DEFAULTS: Readonly<Record<string, unknown>> = Object.freeze({
  redirectMaxTimes: REDIRECT_DEFAULTS.maxTimes,
  redirectPriorityAdjust: REDIRECT_DEFAULTS.priorityAdjust,
});

export const META_REFRESH_SETTING_DEFAULTS: Readonly<Record<string, unknown>> = Object.freeze({
  ...REDIRECT_SETTING_DEFAULTS,
  metaRefreshMaxDelay: META_REFRESH_DEFAULTS.maxDelay,
  metaRefreshIgnoreTags: META_REFRESH_DEFAULTS.ignoreTags,
});

/** What a middleware reads per response, resolved once per crawler. */
export interface HopConfig {
  readonly maxTimes: number;
  readonly priorityAdjust: number;
  /** The crawl's logger for this middleware, made with the config (once per crawler). */
  readonly log: Logger;
}

export interface MetaRefreshConfig extends HopConfig {
  readonly maxDelay: number;
  readonly ignoreTags: ReadonlySet<string>;
}

const TAG_NAME = /^[a-z][a-z0-9-]*$/i;

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(describe).join(', ')}]`;
  return value === null || typeof value !== 'object' ? String(value) : typeof value;
}

function checkKeys(factory: string, options: object, known: readonly string[]): void {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new ConfigError(`${factory}() options must be an object, got ${describe(options)}`);
  }
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) {
      throw new ConfigError(`Unknown ${factory}() option ${JSON.stringify(key)}; known options: ${known.join(', ')}`);
    }
  }
}

function nonNegativeInt(where: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw new ConfigError(`${where} must be an integer >= 0, got ${describe(value)}`);
  }
  return value;
}

function finite(where: string, value: unknown, min?: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || (min !== undefined && value < min)) {
    throw new ConfigError(`${where} must be a finite number${min === undefined ? '' : ` >= ${min}`}, got ${describe(value)}`);
  }
  return value;
}

function tagList(where: string, value: unknown): ReadonlySet<string> {
  if (!Array.isArray(value) || !value.every((t) => typeof t === 'string' && TAG_NAME.test(t))) {
    throw new ConfigError(`${where} must be an array of HTML tag names, got ${describe(value)}`);
  }
  return new Set(value.map((t: string) => t.toLowerCase()));
}

/** Validates `redirect()` options at the factory call, so a typo fails before the crawl starts. */
export function checkRedirectOptions(options: RedirectOptions): number {
  checkKeys('redirect', options, ['maxTimes', 'priorityAdjust', 'order']);
  if (options.maxTimes !== undefined) nonNegativeInt('redirect() option maxTimes', options.maxTimes);
  if (options.priorityAdjust !== undefined) finite('redirect() option priorityAdjust', options.priorityAdjust);
  return finite('redirect() option order', options.order ?? REDIRECT_DEFAULTS.order);
}

export function checkMetaRefreshOptions(options: MetaRefreshOptions): number {
  checkKeys('metaRefresh', options, ['maxDelay', 'ignoreTags', 'maxTimes', 'priorityAdjust', 'order']);
  if (options.maxTimes !== undefined) nonNegativeInt('metaRefresh() option maxTimes', options.maxTimes);
  if (options.priorityAdjust !== undefined) finite('metaRefresh() option priorityAdjust', options.priorityAdjust);
  if (options.maxDelay !== undefined) finite('metaRefresh() option maxDelay', options.maxDelay, 0);
  if (options.ignoreTags !== undefined) tagList('metaRefresh() option ignoreTags', options.ignoreTags);
  return finite('metaRefresh() option order', options.order ?? META_REFRESH_DEFAULTS.order);
}

/**
 * An option given to the factory wins; else the crawl setting (project, spider or -s); else the
 * default. Returns the value and where it came from, for the error message.
 */
function pick(
  factory: string,
  name: string,
  option: unknown,
  crawler: Crawler,
  setting: string,
  fallback: unknown,
): [value: unknown, where: string] {
  if (option !== undefined) return [option, `${factory}() option ${name}`];
  const fromSettings = (crawler.settings as unknown as Record<string, unknown>)[setting];
  return fromSettings === undefined ? [fallback, `${factory}() default ${name}`] : [fromSettings, `Setting ${setting}`];
}

export function resolveHopConfig(factory: string, options: RedirectOptions, crawler: Crawler, defaults: RedirectDefaults): HopConfig {
  const [maxTimes, timesWhere] = pick(factory, 'maxTimes', options.maxTimes, crawler, 'redirectMaxTimes', defaults.maxTimes);
  const [adjust, adjustWhere] = pick(factory, 'priorityAdjust', options.priorityAdjust, crawler, 'redirectPriorityAdjust', defaults.priorityAdjust);
  return {
    maxTimes: nonNegativeInt(timesWhere, maxTimes),
    priorityAdjust: finite(adjustWhere, adjust),
    log: crawler.logger.child(factory === 'redirect' ? REDIRECT_COMPONENT : META_REFRESH_COMPONENT),
  };
}

export function resolveMetaRefreshConfig(options: MetaRefreshOptions, crawler: Crawler): MetaRefreshConfig {
  const [maxDelay, delayWhere] = pick('metaRefresh', 'maxDelay', options.maxDelay, crawler, 'metaRefreshMaxDelay', META_REFRESH_DEFAULTS.maxDelay);
  const [tags, tagsWhere] = pick('metaRefresh', 'ignoreTags', options.ignoreTags, crawler, 'metaRefreshIgnoreTags', META_REFRESH_DEFAULTS.ignoreTags);
  return {
    ...resolveHopConfig('metaRefresh', options, crawler, META_REFRESH_DEFAULTS),
    maxDelay: finite(delayWhere, maxDelay, 0),
    ignoreTags: tagList(tagsWhere, tags),
  };
}
