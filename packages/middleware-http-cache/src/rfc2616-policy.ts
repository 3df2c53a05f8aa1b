import type { CachePolicy, Headers, Request, Response } from '@crawl/core';
import { parseCacheControl, parseIntLikePython, type CacheControl } from './cache-control.js';
import { parseHttpDate } from './http-date.js';
import { bool, checkKeys, directives, fail, schemes } from './validate.js';

/** Options of `rfc2616Policy()`. */
export interface Rfc2616PolicyOptions {
  /** Requests with these URL schemes are neither looked up nor stored (Scrapy's HTTPCACHE_IGNORE_SCHEMES). */
  ignoreSchemes?: readonly string[];
  /** Store every response whatever its freshness information; `no-store` is still obeyed (HTTPCACHE_ALWAYS_STORE). */
  alwaysStore?: boolean;
  /** Cache-Control directives of responses to act as if absent, e.g. ['no-store', 'no-cache'] (HTTPCACHE_IGNORE_RESPONSE_CACHE_CONTROLS). */
  ignoreResponseCacheControls?: readonly string[];
  /** The clock, in epoch milliseconds (default Date.now): tests pin it to check freshness numbers. */
  now?: () => number;
}

export interface Rfc2616PolicyDefaults {
  readonly ignoreSchemes: readonly string[];
  readonly alwaysStore: boolean;
  readonly ignoreResponseCacheControls: readonly string[];
}

export const RFC2616_POLICY_DEFAULTS: Rfc2616PolicyDefaults = Object.freeze({
  ignoreSchemes: Object.freeze(['file']),
  alwaysStore: false,
  ignoreResponseCacheControls: Object.freeze([]),
});

/** The policy, plus the two numbers its freshness decision compares (seconds), for inspection. */
export interface Rfc2616Policy extends CachePolicy {
  /** How long the response stays fresh: max-age, else Expires - Date, else 10% of Date - Last-Modified, else 1 year for 300/301/308, else 0. */
  freshnessLifetime(response: Response): number;
  /** How old the response is now: the larger of now - Date and the Age header. */
  currentAge(response: Response): number;
}

/** Firefox's lifetime for permanent redirects and 300 without freshness information: one year. */
const MAXAGE = 3600 * 24 * 365;

/**
 * Scrapy's RFC2616Policy, decision for decision (a port of Firefox's nsHttpResponseHead
 * freshness rules): stores what carries freshness or validator information, serves it while
 * fresh, then revalidates with If-None-Match / If-Modified-Since and turns a 304 (or a 5xx,
 * unless must-revalidate) into the cached response.
 */
export function rfc2616Policy(options?: Rfc2616PolicyOptions): Rfc2616Policy {
  const owner = 'rfc2616Policy';
  const o = checkKeys(owner, options, [...Object.keys(RFC2616_POLICY_DEFAULTS), 'now']);
  const ignoreSchemes = new Set(schemes(owner, 'ignoreSchemes', o['ignoreSchemes'] ?? RFC2616_POLICY_DEFAULTS.ignoreSchemes));
  const alwaysStore = bool(owner, 'alwaysStore', o['alwaysStore'] ?? RFC2616_POLICY_DEFAULTS.alwaysStore);
  const ignored = new Set(directives(owner, 'ignoreResponseCacheControls', o['ignoreResponseCacheControls'] ?? RFC2616_POLICY_DEFAULTS.ignoreResponseCacheControls));
  const clock = o['now'] ?? Date.now;
  if (typeof clock !== 'function') fail(owner, 'now', 'a function returning epoch milliseconds', clock);
  const nowSecs = (): number => (clock as () => number)() / 1000;

  // Parsed once per request/response object, as Scrapy's WeakKeyDictionary does.
  const parsed = new WeakMap<object, CacheControl>();
  const requestCc = (request: Request<any>): CacheControl => {
    let cc = parsed.get(request);
    if (cc === undefined) parsed.set(request, (cc = parseCacheControl(request.headers.get('cache-control'))));
    return cc;
  };
  const responseCc = (response: Response): CacheControl => {
    let cc = parsed.get(response);
    if (cc === undefined) parsed.set(response, (cc = parseCacheControl(response.headers.get('cache-control'), ignored)));
    return cc;
  };

  function freshnessLifetimeAt(response: Response, now: number): number {
    const maxAge = maxAgeOf(responseCc(response));
    if (maxAge !== undefined) return maxAge;
    // A missing or unparsable Date counts as now.
    const date = parseHttpDate(last(response.headers, 'date')) || now;
    if (response.headers.has('expires')) {
      const expires = parseHttpDate(last(response.headers, 'expires'));
      // RFC 2616 14.21: an invalid Expires means already expired.
      return expires ? Math.max(0, expires - date) : 0;
    }
    // Not in the RFC: Firefox's heuristic, 10% of the time since the last modification.
    const lastModified = parseHttpDate(last(response.headers, 'last-modified'));
    if (lastModified && lastModified <= date) return (date - lastModified) / 10;
    if (response.status === 300 || response.status === 301 || response.status === 308) return MAXAGE;
    return 0;
  }

  function currentAgeAt(response: Response, now: number): number {
    // Without a Date header, assume a fast connection and a clock in sync with the server.
    const date = parseHttpDate(last(response.headers, 'date')) || now;
    let age = now > date ? now - date : 0;
    const header = parseIntLikePython(last(response.headers, 'age'));
    if (header !== undefined) age = Math.max(age, header);
    return age;
  }

  return {
    shouldCacheRequest(request) {
      if (ignoreSchemes.has(request.scheme)) return false;
      // Obey the user agent's "Cache-Control: no-store".
      return !requestCc(request).has('no-store');
    },

    shouldCacheResponse(response) {
      const cc = responseCc(response);
      if (cc.has('no-store')) return false;
      if (response.status === 304) return false;
      if (alwaysStore) return true;
      // Any hint on expiration is good.
      if (cc.has('max-age') || response.headers.has('expires')) return true;
      // Firefox gives these a year when nothing else is set.
      if (response.status === 300 || response.status === 301 || response.status === 308) return true;
      // Other statuses without expiration need a validator to be worth storing.
      if (response.status === 200 || response.status === 203 || response.status === 401) {
        return response.headers.has('last-modified') || response.headers.has('etag');
      }
      return false;
    },

    isCachedResponseFresh(cached, request) {
      const cc = responseCc(cached);
      const ccreq = requestCc(request);
      if (cc.has('no-cache') || ccreq.has('no-cache')) return false;
      const now = nowSecs();
      let lifetime = freshnessLifetimeAt(cached, now);
      const age = currentAgeAt(cached, now);
      const requestMaxAge = maxAgeOf(ccreq);
      if (requestMaxAge !== undefined) lifetime = Math.min(lifetime, requestMaxAge);
      if (age < lifetime) return true;
      if (ccreq.has('max-stale') && !cc.has('must-revalidate')) {
        // RFC 2616 14.9.3: max-stale without a value accepts a stale response of any age; with
        // one, a response stale by no more than that many seconds.
        const staleValue = ccreq.get('max-stale');
        if (staleValue === undefined) return true;
        const stale = parseIntLikePython(staleValue);
        if (stale !== undefined && age < lifetime + Math.max(0, stale)) return true;
      }
      setConditionalValidators(request, cached);
      return false;
    },

    isCachedResponseValid(cached, response) {
      // A server error keeps the cached response unless it demanded revalidation.
      if (response.status >= 500 && !responseCc(cached).has('must-revalidate')) return true;
      return response.status === 304;
    },

    freshnessLifetime: (response) => freshnessLifetimeAt(response, nowSecs()),
    currentAge: (response) => currentAgeAt(response, nowSecs()),
  };
}

function maxAgeOf(cc: CacheControl): number | undefined {
  const value = parseIntLikePython(cc.get('max-age'));
  return value === undefined ? undefined : Math.max(0, value);
}

/** The last value of a header, as Scrapy's Headers.get returns. */
function last(headers: Headers, name: string): string | undefined {
  const values = headers.getAll(name);
  return values[values.length - 1];
}

function setConditionalValidators(request: Request<any>, cached: Response): void {
  const lastModified = last(cached.headers, 'last-modified');
  if (lastModified !== undefined) request.headers.set('If-Modified-Since', lastModified);
  const etag = last(cached.headers, 'etag');
  if (etag !== undefined) request.headers.set('If-None-Match', etag);
}
