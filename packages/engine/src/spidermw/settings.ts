import { ConfigError, type Crawler } from '@crawl/core';
import type { FeedsSetting } from '../feeds/options.js';
import type { ReferrerPolicyName } from '@crawl/core';

/**
 * The crawl settings the built-in spider middlewares and feed exports read. The engine
 * declares them on CrawlSettings (src/settings.ts); this local view lets these modules
 * compile and be tested on their own, and supplies Scrapy's defaults when a key is absent.
 */
export interface EngineSpiderSettings {
  /** Maximum depth to follow; 0 = unlimited (DEPTH_LIMIT). */
  depthLimit: number;
  /** Priority adjustment per depth level: priority -= depth * depthPriority (DEPTH_PRIORITY). */
  depthPriority: number;
  /** Count requests per depth in 'request_depth_count/<n>' (DEPTH_STATS_VERBOSE). */
  depthStatsVerbose: boolean;
  /** Non-2xx statuses passed to callbacks (HTTPERROR_ALLOWED_CODES). */
  httpErrorAllowedCodes: readonly number[];
  /** Pass every response to callbacks whatever its status (HTTPERROR_ALLOW_ALL). */
  httpErrorAllowAll: boolean;
  /** Set the Referer header on followed requests (REFERER_ENABLED). */
  refererEnabled: boolean;
  /** Default referrer policy (REFERRER_POLICY). */
  referrerPolicy: ReferrerPolicyName | (string & {});
  /** Longest URL followed; 0 disables the check (URLLENGTH_LIMIT). */
  urlLengthLimit: number;
  /** Feed exports by target path or URI (FEEDS). */
  feeds: FeedsSetting;
}

export const SPIDER_SETTINGS_DEFAULTS: Readonly<EngineSpiderSettings> = Object.freeze({
  depthLimit: 0,
  depthPriority: 0,
  depthStatsVerbose: false,
  httpErrorAllowedCodes: Object.freeze([]) as readonly number[],
  httpErrorAllowAll: false,
  refererEnabled: true,
  referrerPolicy: 'scrapy-default',
  urlLengthLimit: 2083,
  feeds: Object.freeze({}) as FeedsSetting,
});

/** A setting's value, or its default when the crawler's settings do not carry it (yet). */
export function spiderSetting<K extends keyof EngineSpiderSettings>(crawler: Crawler, key: K): EngineSpiderSettings[K] {
  const value = (crawler.settings as unknown as Partial<EngineSpiderSettings>)[key];
  return value === undefined ? SPIDER_SETTINGS_DEFAULTS[key] : (value as EngineSpiderSettings[K]);
}

export function intSetting(crawler: Crawler, key: 'depthLimit' | 'urlLengthLimit'): number {
  const value = spiderSetting(crawler, key);
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw new ConfigError(`Setting ${key} must be a non-negative integer, got ${JSON.stringify(value)}`);
  }
  return value;
}

export function numberSetting(crawler: Crawler, key: 'depthPriority'): number {
  const value = spiderSetting(crawler, key);
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new ConfigError(`Setting ${key} must be a finite number, got ${JSON.stringify(value)}`);
  }
  return value;
}

export function boolSetting(crawler: Crawler, key: 'depthStatsVerbose' | 'httpErrorAllowAll' | 'refererEnabled'): boolean {
  const value = spiderSetting(crawler, key);
  if (typeof value !== 'boolean') throw new ConfigError(`Setting ${key} must be a boolean, got ${JSON.stringify(value)}`);
  return value;
}

export function statusListSetting(crawler: Crawler, key: 'httpErrorAllowedCodes'): readonly number[] {
  const value = spiderSetting(crawler, key);
  if (!isStatusList(value)) throw new ConfigError(`Setting ${key} must be an array of HTTP status codes, got ${JSON.stringify(value)}`);
  return value;
}

export function isStatusList(value: unknown): value is readonly number[] {
  return Array.isArray(value) && value.every((v) => Number.isInteger(v));
}
