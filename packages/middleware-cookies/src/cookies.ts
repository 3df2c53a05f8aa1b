import { NotConfigured, type Crawler, type DownloaderMiddleware, type Logger, type Request, type Response } from '@crawl/core';
import { CookieJar, MemoryCookieStore } from 'tough-cookie';
import { mergeCookieHeader } from './cookie-header.js';
import type { CookieHeaderRecord, CookieJarKey } from './meta.js';
import { COOKIES_DEFAULTS, validateCookiesOptions, type CookiesOptions } from './options.js';
import { mergeRequestCookies } from './request-cookies.js';
import { cookieOrigin, storeCookie } from './store-cookie.js';

export interface CookiesMiddleware extends DownloaderMiddleware {
  readonly name: '@crawl/middleware-cookies';
  readonly defaultSettings: { readonly cookiesEnabled: boolean; readonly cookiesDebug: boolean };
  /**
   * The jar a crawler uses for `key` (`meta.cookiejar`; omit it for the default jar), to inspect,
   * pre-fill or (after the crawl, too) export cookies. Undefined until a request used that jar
   * (or, for the default jar, before the crawler opened the middleware). Held weakly by crawler.
   */
  jar(crawler: Crawler, key?: CookieJarKey): CookieJar | undefined;
  open(crawler: Crawler): void;
  processRequest(request: Request<any>, crawler: Crawler): void;
  processResponse(request: Request<any>, response: Response, crawler: Crawler): Response;
}

const COMPONENT = '@crawl/middleware-cookies';

/** One crawler's jars: never shared between crawlers, created when the crawler opens the middleware. */
class CrawlerCookies {
  readonly debug: boolean;
  /** The crawler's '@crawl/middleware-cookies' logger. */
  readonly log: Logger;
  readonly #jars = new Map<CookieJarKey | undefined, CookieJar>();
  /** Each jar's store, to tell an empty jar without asking it (see isEmpty). */
  readonly #stores = new WeakMap<CookieJar, MemoryCookieStore>();

  constructor(debug: boolean, crawler: Crawler) {
    this.debug = debug;
    this.log = crawler.logger.child(COMPONENT);
  }

  get(key: CookieJarKey | undefined): CookieJar | undefined {
    return this.#jars.get(key);
  }

  jar(key: CookieJarKey | undefined): CookieJar {
    let jar = this.#jars.get(key);
    if (jar === undefined) {
      // rejectPublicSuffixes (tough-cookie's default, spelled out) refuses Domain=co.uk (advisory S5).
      const store = new MemoryCookieStore();
      jar = new CookieJar(store, { rejectPublicSuffixes: true, looseMode: false, prefixSecurity: 'silent' });
      this.#stores.set(jar, store);
      this.#jars.set(key, jar);
    }
    return jar;
  }

  /**
   * True when the jar holds no cookie at all, whoever filled it (responses, request.cookies, or a
   * user through jar()): then it has nothing to send and the lookup (URL parsing, domain
   * permutations, a store walk per request) is skipped. Reads the store's index, which
   * MemoryCookieStore keeps as a null-prototype object keyed by domain.
   */
  isEmpty(jar: CookieJar): boolean {
    const store = this.#stores.get(jar);
    if (store === undefined) return false;
    for (const _domain in store.idx) return false;
    return true;
  }
}

function isWebScheme(scheme: string): boolean {
  return scheme === 'http' || scheme === 'https';
}

interface HandSet {
  readonly value: string;
  readonly host: string;
  readonly secure: boolean;
}

/**
 * The hand-set part of the Cookie header the request carries, if any: what a user (or another
 * middleware) set, as opposed to what this middleware wrote on an earlier hop. A hand-set part is
 * bound to the host it was first seen on: it is dropped when a later hop (a redirect or retry
 * built with replace()) goes to another host or from https to http (advisory S4), even if a
 * redirect middleware kept the header.
 */
function handSetPart(request: Request<any>, log: Logger): HandSet | undefined {
  const headers = request.headers;
  if (!headers.has('cookie')) return undefined;
  const lines = headers.getAll('cookie');
  const current = lines.length === 1 ? lines[0]! : lines.join('; ');
  const secure = request.scheme === 'https';
  const record = request.internal.cookieHeader;
  if (record === undefined || record.sent !== current) return { value: current, host: request.hostname, secure };
  if (record.handSet === undefined) return undefined;
  if (record.host !== request.hostname || (record.secure && !secure)) {
    log.debug(`Dropping the hand-set Cookie header of ${String(request)}: it was set for ${record.secure ? 'https' : 'http'}://${record.host}`);
    return undefined;
  }
  return { value: record.handSet, host: record.host, secure: record.secure };
}

/**
 * Scrapy's CookiesMiddleware on tough-cookie: stores Set-Cookie headers from every response in a
 * per-crawler jar (several jars by `meta.cookiejar`) and sends back the cookies that RFC 6265 allows
 * for each request's URL, hop by hop.
 */
export function cookies(options?: CookiesOptions): CookiesMiddleware {
  const opts = validateCookiesOptions(options);
  const perCrawler = new WeakMap<Crawler, CrawlerCookies>();

  const stateOf = (crawler: Crawler): CrawlerCookies => {
    let state = perCrawler.get(crawler);
    if (state === undefined) {
      state = new CrawlerCookies(opts.debug ?? crawler.settings.cookiesDebug ?? COOKIES_DEFAULTS.debug, crawler);
      perCrawler.set(crawler, state);
    }
    return state;
  };

  return {
    name: COMPONENT,
    order: opts.order ?? COOKIES_DEFAULTS.order,
    defaultSettings: { cookiesEnabled: COOKIES_DEFAULTS.enabled, cookiesDebug: COOKIES_DEFAULTS.debug },

    open(crawler) {
      const enabled = opts.enabled ?? crawler.settings.cookiesEnabled ?? COOKIES_DEFAULTS.enabled;
      if (!enabled) throw new NotConfigured('cookies are disabled (cookiesEnabled is false)');
      const state = new CrawlerCookies(opts.debug ?? crawler.settings.cookiesDebug ?? COOKIES_DEFAULTS.debug, crawler);
      state.jar(undefined);
      perCrawler.set(crawler, state);
    },

    jar(crawler, key) {
      return perCrawler.get(crawler)?.get(key);
    },

    processRequest(request, crawler) {
      const meta = request.meta;
      if (meta.dontMergeCookies === true || !isWebScheme(request.scheme)) return;
      const state = stateOf(crawler);
      const jar = state.jar(meta.cookiejar);
      const given = request.cookies;
      if (given !== undefined && request.internal.cookiesMerged !== given) {
        mergeRequestCookies(jar, request, state.log);
        request.internal.cookiesMerged = given;
      }

      const handSet = handSetPart(request, state.log);
      const stored = state.isEmpty(jar) ? undefined : jar;
      const value =
        handSet === undefined
          ? (stored?.getCookieStringSync(request.url) ?? '')
          : mergeCookieHeader(handSet.value, stored?.getCookiesSync(request.url) ?? []);
      const headers = request.headers;
      if (value === '') {
        headers.delete('cookie');
        delete request.internal.cookieHeader;
        return;
      }
      headers.set('Cookie', value);
      const record: CookieHeaderRecord =
        handSet === undefined
          ? { sent: value, handSet: undefined, host: request.hostname, secure: request.scheme === 'https' }
          : { sent: value, handSet: handSet.value, host: handSet.host, secure: handSet.secure };
      request.internal.cookieHeader = record;
      if (state.debug) state.log.debug(`Sending cookies to: ${String(request)}\nCookie: ${value}\n`);
    },

    processResponse(request, response, crawler) {
      if (request.meta.dontMergeCookies === true || !response.headers.has('set-cookie')) return response;
      const origin = cookieOrigin(response.url, false);
      if (origin === undefined) return response;
      const state = stateOf(crawler);
      const jar = state.jar(request.meta.cookiejar);
      const lines = response.headers.getAll('set-cookie');
      for (const line of lines) {
        const refused = storeCookie(jar, line, origin);
        if (refused !== undefined) state.log.debug(`Ignored cookie from ${String(response)}: ${refused}\nSet-Cookie: ${line}`);
      }
      if (state.debug) state.log.debug(`Received cookies from: ${String(response)}\n${lines.map((l) => `Set-Cookie: ${l}\n`).join('\n')}`);
      return response;
    },
  };
}
