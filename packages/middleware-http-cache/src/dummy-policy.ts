import type { CachePolicy } from '@crawl/core';
import { checkKeys, schemes, statusCodes } from './validate.js';

/** Options of `dummyPolicy()`. */
export interface DummyPolicyOptions {
  /** Requests with these URL schemes are neither looked up nor stored (Scrapy's HTTPCACHE_IGNORE_SCHEMES). */
  ignoreSchemes?: readonly string[];
  /** Responses with these statuses are not stored (Scrapy's HTTPCACHE_IGNORE_HTTP_CODES). */
  ignoreHttpCodes?: readonly number[];
}

export interface DummyPolicyDefaults {
  readonly ignoreSchemes: readonly string[];
  readonly ignoreHttpCodes: readonly number[];
}

export const DUMMY_POLICY_DEFAULTS: DummyPolicyDefaults = Object.freeze({
  ignoreSchemes: Object.freeze(['file']),
  ignoreHttpCodes: Object.freeze([]),
});


/**
 * Scrapy's DummyPolicy: stores every response (except ignored schemes and statuses) and serves
 * it again forever, never revalidating, whatever Cache-Control says. A second run of a spider
 * replays the first without touching the network.
 */
export function dummyPolicy(options?: DummyPolicyOptions): CachePolicy {
  const o = checkKeys('dummyPolicy', options, Object.keys(DUMMY_POLICY_DEFAULTS));
  const ignoreSchemes = new Set(schemes('dummyPolicy', 'ignoreSchemes', o['ignoreSchemes'] ?? DUMMY_POLICY_DEFAULTS.ignoreSchemes));
  const ignoreHttpCodes = new Set(statusCodes('dummyPolicy', 'ignoreHttpCodes', o['ignoreHttpCodes'] ?? DUMMY_POLICY_DEFAULTS.ignoreHttpCodes));
  return {
    shouldCacheRequest: (request) => !ignoreSchemes.has(request.scheme),
    shouldCacheResponse: (response) => !ignoreHttpCodes.has(response.status),
    isCachedResponseFresh: () => true,
    isCachedResponseValid: () => true,
  };
}
