import type { Request } from '@crawl/core';

/** Headers that describe a body: meaningless, and possibly secret, once the body is dropped (S17). */
const BODY_HEADERS = ['Content-Type', 'Content-Length', 'Content-Encoding', 'Content-Language', 'Content-Location'] as const;

/**
 * `request.internal` keys of @crawl/middleware-proxy. `_proxyFromEnv`: meta.proxy came from
 * http_proxy / https_proxy, so it was chosen for the old URL's scheme only. `proxyAuthFor`: the
 * proxy the Proxy-Authorization header was made for.
 */
const PROXY_INTERNAL_KEYS = { fromEnv: '_proxyFromEnv', authFor: 'proxyAuthFor' } as const;

const EMPTY_BODY = new Uint8Array(0);

/**
 * The request for the next hop of a redirect (Scrapy's _build_redirect_request, with the fixes of
 * security advisories S2, S3, S4, S6, S7 and S17):
 * - `toGet`: method GET, no body, no Content-* headers (301/302 POST, 303 non-GET/HEAD, meta refresh);
 * - `Authorization` only to the same scheme, host and port (default ports normalised);
 * - `Cookie` only to the same host, and never from https to http; `request.cookies` never
 *   (the cookies middleware's jar decides per hop);
 * - `Proxy-Authorization` never across a scheme change (the proxy may change with it), nor to
 *   another origin when no proxy is in use (then the header goes to the origin server itself);
 * - an environment-derived `meta.proxy` is dropped on a scheme change, for the proxy middleware
 *   to resolve it again from the new URL;
 * - a hand-set `Host` only to the same host and port.
 * Everything else (meta, callback, cbKwargs, flags, dontFilter, other headers) is copied; the
 * hop gets `priority`.
 */
export function buildRedirectRequest(source: Request<any>, target: URL, toGet: boolean, priority: number): Request<any> {
  const redirected = source.replace({
    url: target.href,
    priority,
    cookies: undefined,
    ...(toGet ? { method: 'GET', body: EMPTY_BODY } : {}),
  });
  const headers = redirected.headers;
  if (toGet) for (const name of BODY_HEADERS) headers.delete(name);

  const from = new URL(source.url);
  // URL.origin omits default ports, so https://h:443 and https://h are the same origin.
  const sameOrigin = from.origin === target.origin;
  const sameHost = from.hostname === target.hostname;
  const schemeChanged = from.protocol !== target.protocol;

  if (!sameOrigin) headers.delete('Authorization');
  if (!sameHost || (schemeChanged && target.protocol !== 'https:')) headers.delete('Cookie');
  // A Host header set by hand names the old server; sending it to the new one misroutes the request.
  if (from.host !== target.host) headers.delete('Host');

  const meta = redirected.meta as Record<string, unknown>;
  const internal = redirected.internal as Record<string, unknown>;
  const usesProxy = typeof meta['proxy'] === 'string' && meta['proxy'] !== '';
  if (schemeChanged || (!usesProxy && !sameOrigin)) {
    headers.delete('Proxy-Authorization');
    delete internal[PROXY_INTERNAL_KEYS.authFor];
  }
  if (schemeChanged && internal[PROXY_INTERNAL_KEYS.fromEnv] === true) {
    delete meta['proxy'];
    delete internal[PROXY_INTERNAL_KEYS.fromEnv];
  }
  return redirected;
}
