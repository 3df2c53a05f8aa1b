import { ConfigError } from '@crawl/core';

/** Encodings for `user:pass` in Proxy-Authorization (Scrapy's HTTPPROXY_AUTH_ENCODING, default latin-1). */
export type ProxyAuthEncoding = 'latin1' | 'utf8' | 'ascii';

export interface ProxyOptions {
  /**
   * Proxies by URL scheme, used for requests without meta.proxy. When given, http_proxy / https_proxy
   * are not read at all; a missing, null or '' entry means no proxy for that scheme.
   */
  proxies?: { http?: string | null; https?: string | null };
  /**
   * Hosts that bypass the scheme proxies, like no_proxy: host names, domain suffixes (`example.com`
   * and `.example.com` both cover subdomains), `host:port`, or `*` for all. When given, no_proxy is not read.
   */
  noProxy?: string | readonly string[];
  /** Encoding of the credentials in Proxy-Authorization. Accepts `latin-1`, `iso-8859-1` and `utf-8` too. */
  authEncoding?: ProxyAuthEncoding | 'latin-1' | 'iso-8859-1' | 'utf-8';
  /** Position in the downloader-middleware chain (Scrapy: 750). */
  order?: number;
  /** The environment read at open() for the values not given as options. Default: `process.env`. */
  env?: Readonly<Record<string, string | undefined>>;
}

export interface ProxyDefaults {
  readonly authEncoding: ProxyAuthEncoding;
  readonly order: number;
}

export const PROXY_DEFAULTS: ProxyDefaults = Object.freeze({ authEncoding: 'latin1', order: 750 });

export interface ResolvedProxyOptions {
  readonly proxies: { readonly http: string | undefined; readonly https: string | undefined } | undefined;
  readonly noProxy: readonly string[] | undefined;
  readonly authEncoding: ProxyAuthEncoding;
  readonly order: number;
  readonly env: Readonly<Record<string, string | undefined>> | undefined;
}

const KNOWN = ['proxies', 'noProxy', 'authEncoding', 'order', 'env'];
const ENCODINGS: Record<string, ProxyAuthEncoding> = {
  latin1: 'latin1',
  'latin-1': 'latin1',
  'iso-8859-1': 'latin1',
  utf8: 'utf8',
  'utf-8': 'utf8',
  ascii: 'ascii',
};

function fail(key: string, expected: string, value: unknown): never {
  const shown = typeof value === 'string' ? JSON.stringify(value) : value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value;
  throw new ConfigError(`proxy(): option "${key}" must be ${expected}, got ${shown}`);
}

function schemeProxy(key: 'http' | 'https', value: unknown): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') fail(`proxies.${key}`, 'a proxy URL string or null', value);
  return value;
}

/** Validates options (unknown keys are a ConfigError naming them) and applies defaults. */
export function resolveProxyOptions(options: ProxyOptions | undefined): ResolvedProxyOptions {
  if (options === undefined) options = {};
  if (typeof options !== 'object' || options === null || Array.isArray(options)) fail('options', 'an object', options);
  for (const key of Object.keys(options)) {
    if (!KNOWN.includes(key)) throw new ConfigError(`proxy(): unknown option "${key}" (known: ${KNOWN.join(', ')})`);
  }
  const { proxies, noProxy, env } = options;
  let resolvedProxies: ResolvedProxyOptions['proxies'];
  if (proxies !== undefined) {
    if (typeof proxies !== 'object' || proxies === null || Array.isArray(proxies)) fail('proxies', 'an object like { http, https }', proxies);
    for (const key of Object.keys(proxies)) {
      if (key !== 'http' && key !== 'https') throw new ConfigError(`proxy(): unknown scheme "${key}" in option "proxies" (known: http, https)`);
    }
    resolvedProxies = { http: schemeProxy('http', proxies.http), https: schemeProxy('https', proxies.https) };
  }
  let resolvedNoProxy: string[] | undefined;
  if (noProxy !== undefined) {
    if (typeof noProxy === 'string') resolvedNoProxy = [noProxy];
    else if (Array.isArray(noProxy) && noProxy.every((entry) => typeof entry === 'string')) resolvedNoProxy = [...noProxy];
    else fail('noProxy', 'a string or an array of strings', noProxy);
  }
  const encoding = options.authEncoding ?? PROXY_DEFAULTS.authEncoding;
  const authEncoding = typeof encoding === 'string' ? ENCODINGS[encoding.toLowerCase()] : undefined;
  if (authEncoding === undefined) fail('authEncoding', `one of ${Object.keys(ENCODINGS).join(', ')}`, encoding);
  const order = options.order ?? PROXY_DEFAULTS.order;
  if (typeof order !== 'number' || !Number.isFinite(order)) fail('order', 'a finite number', order);
  if (env !== undefined && (typeof env !== 'object' || env === null || Array.isArray(env))) fail('env', 'an object of environment variables', env);
  return { proxies: resolvedProxies, noProxy: resolvedNoProxy, authEncoding, order, env };
}
