import { IgnoreRequest, NotConfigured, type CacheStorage, type Crawler, type DownloaderMiddleware, type Request, type Response, type ResponseInit } from '@crawl/core';
import { isDownloadException } from './error-recovery.js';
import { formatHttpDate } from './http-date.js';
import { resolveHttpCacheOptions, type HttpCacheOptions } from './options.js';

/**
 * Scrapy's HttpCacheMiddleware: serves responses from a CacheStorage as a CachePolicy allows,
 * and stores what comes from the network. Cache keys are the crawler's request fingerprints.
 *
 * processRequest: `meta.dontCache` or a request the policy will not cache → download. Not in
 * the cache → 'httpcache/miss' (with ignoreMissing also 'httpcache/ignore' and IgnoreRequest).
 * In the cache and fresh → the cached response, flagged 'cached' ('httpcache/hit'). Stale → the
 * download goes ahead (the RFC 2616 policy has added If-None-Match / If-Modified-Since) with the
 * cached response kept aside for processResponse.
 *
 * processResponse: a cached response passes. A response without a Date header gets one. No
 * cached response aside → 'httpcache/firsthand', then 'httpcache/store' or
 * 'httpcache/uncacheable' by the policy. One aside and the policy finds it still valid (304,
 * or 5xx for RFC 2616) → the cached response ('httpcache/revalidate'); else
 * 'httpcache/invalidate' and the new response is stored in its place.
 *
 * processException: a download failure (timeout, DNS, connection) of a stale request → the
 * cached response after all ('httpcache/errorrecovery').
 */
export function httpCache(options?: HttpCacheOptions): DownloaderMiddleware {
  const { disabled, ignoreMissing, order, storage: maybeStorage, policy } = resolveHttpCacheOptions(options);
  // open() refuses to start without a storage, so the hooks never run without one.
  const storage = maybeStorage as CacheStorage;
  // Per-request state kept outside meta, so none of it leaks into requests built from response.meta.
  const uncacheable = new WeakSet<Request<any>>();
  const staleCached = new WeakMap<Request<any>, Response>();

  return {
    name: '@crawl/middleware-http-cache',
    order,

    async open(crawler) {
      if (disabled !== undefined) throw new NotConfigured(disabled);
      await storage.open?.(crawler);
    },

    async close(crawler, reason) {
      await storage.close?.(crawler, reason);
    },

    processRequest(request, crawler) {
      if (request.meta.dontCache) return undefined;
      if (!policy.shouldCacheRequest(request)) {
        uncacheable.add(request);
        return undefined;
      }
      return lookup(request, crawler);
    },

    processResponse(request, response, crawler) {
      if (request.meta.dontCache) return response;
      if (response.flags.includes('cached') || uncacheable.delete(request)) return response;
      // RFC 2616 requires the origin server to send Date; freshness is computed from it.
      if (!response.headers.has('date')) response.headers.set('Date', formatHttpDate(Date.now()));
      const cached = staleCached.get(request);
      if (cached === undefined) {
        crawler.stats.inc('httpcache/firsthand');
        return cacheResponse(request, response, crawler);
      }
      staleCached.delete(request);
      if (policy.isCachedResponseValid(cached, response, request)) {
        crawler.stats.inc('httpcache/revalidate');
        return cached;
      }
      crawler.stats.inc('httpcache/invalidate');
      return cacheResponse(request, response, crawler);
    },

    processException(request, error, crawler) {
      const cached = staleCached.get(request);
      if (cached === undefined) return undefined;
      staleCached.delete(request);
      if (!isDownloadException(error)) return undefined;
      crawler.stats.inc('httpcache/errorrecovery');
      return cached;
    },
  };

  async function lookup(request: Request<any>, crawler: Crawler): Promise<Response | undefined> {
    const found = await storage.retrieve(request, crawler.fingerprint(request));
    if (found === undefined) {
      crawler.stats.inc('httpcache/miss');
      if (ignoreMissing) {
        crawler.stats.inc('httpcache/ignore');
        throw new IgnoreRequest(`Ignored request not in cache: ${String(request)}`);
      }
      return undefined;
    }
    const cached = flaggedCached(found, request);
    if (policy.isCachedResponseFresh(cached, request)) {
      crawler.stats.inc('httpcache/hit');
      return cached;
    }
    staleCached.set(request, cached);
    return undefined;
  }

  /** Stores the response if the policy allows; the response goes on once it is stored. */
  function cacheResponse(request: Request<any>, response: Response, crawler: Crawler): Response | Promise<Response> {
    // A streamed body (meta.streamBody) is never held whole, so there is nothing to store.
    if (response.bodyStream !== undefined || !policy.shouldCacheResponse(response, request)) {
      crawler.stats.inc('httpcache/uncacheable');
      return response;
    }
    crawler.stats.inc('httpcache/store');
    return storage.store(request, response, crawler.fingerprint(request)).then(() => response);
  }
}

/**
 * The stored response flagged 'cached' and tied to this request. Built with the response's own
 * class rather than replace(), which on a text response would decode the whole body only to
 * carry the encoding over; the spider decodes it once, later, if it reads the text.
 */
function flaggedCached(found: Response, request: Request<any>): Response {
  const Ctor = found.constructor as new (url: string, init: ResponseInit) => Response;
  return new Ctor(found.url, {
    status: found.status,
    headers: found.headers,
    body: found.body,
    flags: [...found.flags, 'cached'],
    request,
    ipAddress: found.ipAddress,
    protocol: found.protocol,
  });
}
