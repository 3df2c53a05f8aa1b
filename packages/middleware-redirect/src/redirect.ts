import type { Crawler, DownloaderMiddleware, Request, Response } from '@crawl/core';
import { followRedirect } from './hop.js';
import { isFollowableScheme, resolveLocation } from './location.js';
import {
  checkRedirectOptions,
  REDIRECT_COMPONENT,
  REDIRECT_DEFAULTS,
  REDIRECT_SETTING_DEFAULTS,
  resolveHopConfig,
  type HopConfig,
  type RedirectOptions,
} from './options.js';

const REDIRECT_STATUSES: ReadonlySet<number> = new Set([301, 302, 303, 307, 308]);

/** Statuses the spider or the request asked to see itself (meta.handleHttpstatusList/All, spider.handleHttpstatusList). */
function handlesStatus(request: Request<any>, status: number, crawler: Crawler): boolean {
  const meta = request.meta as Record<string, unknown>;
  if (meta['handleHttpstatusAll']) return true;
  const list = meta['handleHttpstatusList'];
  if (Array.isArray(list) && list.includes(status)) return true;
  const spiderList = (crawler.spider as { handleHttpstatusList?: unknown }).handleHttpstatusList;
  return Array.isArray(spiderList) && spiderList.includes(status);
}

/**
 * 301/302 turn POST into GET; 303 turns everything but GET and HEAD into GET (RFC 9110 and
 * browsers). 307/308 keep the method and the body.
 */
function becomesGet(status: number, method: string): boolean {
  if (status === 301 || status === 302) return method === 'POST';
  return status === 303 && method !== 'GET' && method !== 'HEAD';
}

/**
 * Scrapy's RedirectMiddleware: follows 301/302/303/307/308 responses to their `Location`, within
 * `maxTimes` hops, only to http/https, removing credentials that must not follow the request
 * to another origin. Returns the response unchanged when the redirect is not to be followed.
 */
export function redirect(options: RedirectOptions = {}): DownloaderMiddleware {
  const order = checkRedirectOptions(options);
  const configs = new WeakMap<Crawler, HopConfig>();
  const configFor = (crawler: Crawler): HopConfig => {
    let config = configs.get(crawler);
    if (config === undefined) configs.set(crawler, (config = resolveHopConfig('redirect', options, crawler, REDIRECT_DEFAULTS)));
    return config;
  };

  return {
    name: REDIRECT_COMPONENT,
    order,
    defaultSettings: REDIRECT_SETTING_DEFAULTS,

    open(crawler) {
      configs.set(crawler, resolveHopConfig('redirect', options, crawler, REDIRECT_DEFAULTS));
    },

    processResponse(request, response: Response, crawler) {
      const status = response.status;
      if (!REDIRECT_STATUSES.has(status) || request.meta.dontRedirect || handlesStatus(request, status, crawler)) return response;
      const location = response.headers.getFirst('location');
      if (location === undefined) return response;
      const target = resolveLocation(location, response.url);
      if (target === undefined) {
        configFor(crawler).log.warn(`Not following redirect (${status}) from ${response.url}: unusable Location ${JSON.stringify(location)}`, {
          url: response.url,
          location,
        });
        return response;
      }
      if (!isFollowableScheme(target)) {
        configFor(crawler).log.debug(`Not following redirect (${status}) from ${response.url} to ${target.protocol} URL ${target.href}: only http and https are followed`, {
          url: response.url,
          location: target.href,
        });
        return response;
      }
      return followRedirect(request, target, becomesGet(status, request.method), status, configFor(crawler), crawler);
    },
  };
}
