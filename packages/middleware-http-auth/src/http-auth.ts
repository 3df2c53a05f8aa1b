import {
  NotConfigured,
  defineDownloaderMiddleware,
  hostMatchesDomain,
  type Crawler,
  type DownloaderMiddleware,
  type Logger,
} from '@crawl/core';
import './declarations.js';
import { checkCredential, normalizeDomain, resolveHttpAuthOptions, type HttpAuthOptions, type ResolvedHttpAuthOptions } from './options.js';

interface AuthState {
  readonly header: string;
  /** undefined until the first http(s) request binds it; null = every host. */
  domain: string | null | undefined;
  /** The crawl's '@crawl/middleware-http-auth' logger. */
  readonly log: Logger;
}

const COMPONENT = '@crawl/middleware-http-auth';

/**
 * Scrapy's HttpAuthMiddleware with its security fix (GHSA-jwqp-28gf-p498): Basic credentials go
 * only to one domain and its subdomains, never to other hosts, whether the request comes from a
 * callback, a redirect, a retry or a component such as a robots.txt fetch.
 */
export function httpAuth(options?: HttpAuthOptions): DownloaderMiddleware {
  const resolved = resolveHttpAuthOptions(options);
  // undefined = not computed yet, null = nothing configured for that crawl.
  const states = new WeakMap<Crawler, AuthState | null>();

  const stateFor = (crawler: Crawler): AuthState | null => {
    let state = states.get(crawler);
    if (state === undefined) {
      state = buildState(crawler, resolved);
      states.set(crawler, state);
    }
    return state;
  };

  return defineDownloaderMiddleware({
    name: COMPONENT,
    order: resolved.order,

    open(crawler) {
      const state = stateFor(crawler);
      if (state === null) {
        throw new NotConfigured('httpAuth: no credentials (set the spider\'s httpUser/httpPass or httpAuth({ user, password }))');
      }
      if (state.domain === undefined) {
        state.log.warn(
          'httpAuth: no domain set; the credentials will go only to the host of the first request and its subdomains. ' +
            'Set the spider\'s httpAuthDomain or httpAuth({ domain }) to choose it.',
        );
      } else if (state.domain === null) {
        state.log.warn('httpAuth: domain is null, so the credentials go to every host the crawl requests');
      }
    },

    processRequest(request, crawler) {
      const state = stateFor(crawler);
      if (state === null) return undefined;
      const http = request.scheme === 'http' || request.scheme === 'https';
      if (state.domain === undefined && http && request.hostname !== '') {
        state.domain = request.hostname;
        state.log.info(`httpAuth: credentials bound to ${state.domain} (the host of the first request, ${String(request)})`);
      }
      const allowed = http && state.domain !== undefined && (state.domain === null || hostMatchesDomain(request.hostname, state.domain));
      const headers = request.headers;
      if (headers.has('authorization')) {
        // A copy of a request we authorised (a redirect or retry built with replace()) now aims
        // at another host: take back our credentials. Someone else's header is left alone.
        if (!allowed && request.internal.httpAuthAdded === true && headers.get('authorization') === state.header) {
          headers.delete('authorization');
          delete request.internal.httpAuthAdded;
          state.log.debug(`httpAuth: removed the credentials for ${String(state.domain)} from ${String(request)}`);
        }
        return undefined;
      }
      if (allowed) {
        headers.set('Authorization', state.header);
        request.internal.httpAuthAdded = true;
      }
      return undefined;
    },

    close(crawler) {
      states.delete(crawler);
    },
  });
}

function buildState(crawler: Crawler, resolved: ResolvedHttpAuthOptions): AuthState | null {
  const spider = crawler.spider;
  const where = (attr: string): string => `spider ${spider.name}: attribute "${attr}"`;
  let user = resolved.user;
  let password = resolved.password;
  if (spider.httpUser !== undefined || spider.httpPass !== undefined) {
    user = spider.httpUser ?? '';
    password = spider.httpPass ?? '';
    checkCredential(user, where('httpUser'), resolved.encoding, true);
    checkCredential(password, where('httpPass'), resolved.encoding, false);
  }
  if (user === '' && password === '') return null;
  let domain: string | null | undefined;
  if ('httpAuthDomain' in spider && spider.httpAuthDomain !== undefined) domain = normalizeDomain(spider.httpAuthDomain, where('httpAuthDomain'));
  else if ('domain' in resolved) domain = resolved.domain;
  return { header: basicAuthHeader(user, password, resolved.encoding), domain, log: crawler.logger.child(COMPONENT) };
}

/** w3lib's basic_auth_header: 'Basic ' + base64(user:password) in the given charset. */
export function basicAuthHeader(user: string, password: string, encoding: 'latin1' | 'utf8' = 'latin1'): string {
  return `Basic ${Buffer.from(`${user}:${password}`, encoding).toString('base64')}`;
}

