import { ConfigError, defineDownloaderMiddleware, type Crawler, type DownloaderMiddleware, type Request } from '@crawl/core';
import { readProxyEnvironment } from './environment.js';
import './meta.js';
import { bypassesProxy, NO_BYPASS, parseNoProxy, type NoProxy } from './no-proxy.js';
import { resolveProxyOptions, type ProxyAuthEncoding, type ProxyOptions } from './options.js';
import { maskProxy, parseProxyUrl, type ParsedProxy } from './proxy-url.js';

const PROXY_AUTHORIZATION = 'Proxy-Authorization';
const MAX_PARSED = 256;
const PROXY_COMPONENT = '@crawl/middleware-proxy';
const MAX_DERIVED = 4096;

/** The scheme proxies and no_proxy rules in force for one crawler. */
interface SchemeProxies {
  readonly http: ParsedProxy | undefined;
  readonly https: ParsedProxy | undefined;
  readonly noProxy: NoProxy;
}

function describe(proxies: SchemeProxies): string {
  const parts: string[] = [];
  if (proxies.http) parts.push(`http → ${proxies.http.url}${proxies.http.auth ? ' (with credentials)' : ''}`);
  if (proxies.https) parts.push(`https → ${proxies.https.url}${proxies.https.auth ? ' (with credentials)' : ''}`);
  if (proxies.noProxy.all) parts.push('no_proxy: *');
  else if (proxies.noProxy.names.length > 0) parts.push(`no_proxy: ${proxies.noProxy.names.join(',')}`);
  return parts.join('; ');
}

/** `host[:port]` of a request, from its origin (no URL parsing on the hot path). */
function hostPort(request: Request<any>): string {
  return request.origin.slice(request.scheme.length + 3);
}

/**
 * Scrapy's HttpProxyMiddleware: sends requests through the proxy in `meta.proxy`, or through the
 * http_proxy / https_proxy of the URL's scheme (unless no_proxy matches the host). Credentials in a
 * proxy URL become `Proxy-Authorization` and are stripped from meta.proxy. The header is bound to
 * the proxy it was made for (`request.internal.proxyAuthFor`): when meta.proxy changes (a retry
 * through another proxy, a redirect to another scheme) or is removed, a stale header is dropped and
 * only the current proxy's credentials are sent (GHSA-9x8m-2xpf-crp3, GHSA-jm3v-qxmh-hxwv).
 */
export function proxy(options?: ProxyOptions): DownloaderMiddleware {
  const resolved = resolveProxyOptions(options);
  const encoding: ProxyAuthEncoding = resolved.authEncoding;
  // Option proxies are checked now, so a typo fails at construction; environment ones at open().
  const optionProxies =
    resolved.proxies === undefined
      ? undefined
      : {
          http: resolved.proxies.http === undefined ? undefined : parseProxyUrl(resolved.proxies.http, encoding, 'proxy(): option "proxies.http"'),
          https: resolved.proxies.https === undefined ? undefined : parseProxyUrl(resolved.proxies.https, encoding, 'proxy(): option "proxies.https"'),
        };
  const optionNoProxy = resolved.noProxy === undefined ? undefined : parseNoProxy(resolved.noProxy);

  const byCrawler = new WeakMap<Crawler, SchemeProxies>();
  /** meta.proxy values already parsed. */
  const parsedMeta = new Map<string, ParsedProxy>();
  /**
   * Every Proxy-Authorization value derived from a proxy URL, with that proxy. A request rebuilt
   * from another's headers loses `internal`, but the value still tells whose credential it is.
   */
  const derived = new Map<string, string>();

  const resolveFor = (crawler: Crawler): SchemeProxies => {
    let proxies = byCrawler.get(crawler);
    if (proxies !== undefined) return proxies;
    const log = crawler.logger.child(PROXY_COMPONENT);
    const env = readProxyEnvironment(resolved.env ?? process.env);
    const fromEnv = (value: string | undefined, name: string): ParsedProxy | undefined => {
      if (value === undefined) return undefined;
      try {
        return parseProxyUrl(value, encoding, `environment variable ${name}`);
      } catch (error) {
        // The environment is not the crawl's to fix (Scrapy skips values it cannot parse too).
        log.warn(`Ignoring ${name}: ${(error as Error).message}`, { variable: name });
        return undefined;
      }
    };
    proxies = {
      http: optionProxies ? optionProxies.http : fromEnv(env.http, 'http_proxy'),
      https: optionProxies ? optionProxies.https : fromEnv(env.https, 'https_proxy'),
      noProxy: optionNoProxy ?? (env.noProxy === undefined ? NO_BYPASS : parseNoProxy([env.noProxy])),
    };
    byCrawler.set(crawler, proxies);
    if (proxies.http || proxies.https) log.info(`Proxies: ${describe(proxies)}`);
    return proxies;
  };

  const parseMeta = (value: string, request: Request<any>): ParsedProxy => {
    let parsed = parsedMeta.get(value);
    if (parsed === undefined) {
      parsed = parseProxyUrl(value, encoding, `meta.proxy of ${request.url}`);
      if (parsedMeta.size >= MAX_PARSED) parsedMeta.clear();
      parsedMeta.set(value, parsed);
    }
    return parsed;
  };

  /** The scheme proxy for a request, or undefined when there is none or no_proxy matches. */
  const schemeProxyFor = (request: Request<any>, proxies: SchemeProxies): ParsedProxy | undefined => {
    const scheme = request.scheme;
    const candidate = scheme === 'http' ? proxies.http : scheme === 'https' ? proxies.https : undefined;
    if (candidate === undefined || bypassesProxy(proxies.noProxy, request.hostname, hostPort(request))) return undefined;
    return candidate;
  };

  const remember = (auth: string, proxyUrl: string): void => {
    if (derived.get(auth) === proxyUrl) return;
    if (derived.size >= MAX_DERIVED) derived.delete(derived.keys().next().value as string);
    derived.set(auth, proxyUrl);
  };

  return defineDownloaderMiddleware({
    name: PROXY_COMPONENT,
    order: resolved.order,

    open(crawler) {
      resolveFor(crawler);
    },

    processRequest(request, crawler) {
      const { meta, internal, headers } = request;
      const proxies = resolveFor(crawler);
      let chosen: ParsedProxy | undefined;
      let fromEnv = false;
      const explicit = meta.proxy;
      if (explicit === undefined) {
        chosen = schemeProxyFor(request, proxies);
        fromEnv = chosen !== undefined;
      } else if (explicit !== null && explicit !== '') {
        if (typeof explicit !== 'string') {
          throw new ConfigError(`meta.proxy of ${request.url} must be a proxy URL string or null, got ${typeof explicit}`);
        }
        chosen = parseMeta(explicit, request);
        if (internal._proxyFromEnv === true && (chosen.url === proxies.http?.url || chosen.url === proxies.https?.url)) {
          // Still the scheme proxy set on an earlier hop, carried over (by a redirect, say): resolve it
          // again for this URL's scheme, so an http proxy never follows a request to https.
          chosen = schemeProxyFor(request, proxies);
          fromEnv = chosen !== undefined;
        }
      }
      if (fromEnv) internal._proxyFromEnv = true;
      else delete internal._proxyFromEnv;

      const proxyUrl = chosen?.url;
      if (proxyUrl !== undefined) meta.proxy = proxyUrl;
      else if (explicit != null) meta.proxy = null;

      // Scrapy's _set_proxy_and_creds, with the bound proxy in `internal` rather than meta.
      const auth = chosen?.auth;
      if (auth !== undefined) {
        headers.set(PROXY_AUTHORIZATION, auth);
        internal.proxyAuthFor = proxyUrl!;
        remember(auth, proxyUrl!);
      } else if (internal.proxyAuthFor !== undefined) {
        if (proxyUrl !== internal.proxyAuthFor) {
          headers.delete(PROXY_AUTHORIZATION);
          delete internal.proxyAuthFor;
        }
      } else {
        const manual = headers.getFirst(PROXY_AUTHORIZATION);
        if (manual !== undefined) {
          const madeFor = derived.get(manual);
          if (proxyUrl === undefined || (madeFor !== undefined && madeFor !== proxyUrl)) headers.delete(PROXY_AUTHORIZATION);
          // A header set by hand belongs to the proxy it is first seen with.
          else internal.proxyAuthFor = proxyUrl;
        }
      }
      return undefined;
    },

    close(crawler) {
      byCrawler.delete(crawler);
    },
  });
}

