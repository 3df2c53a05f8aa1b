import { ConfigError } from '@crawl/core';
import { isIP } from 'node:net';

/** A proxy from `meta.proxy`, parsed once per distinct value. */
export interface ProxyTarget {
  /** `scheme://host[:port]` without credentials or path: the identity of the proxy and its undici origin. */
  readonly href: string;
  readonly secure: boolean;
  /** `Basic …` from credentials in the URL, used only when the request has no Proxy-Authorization header. */
  readonly auth: string | undefined;
  /**
   * TLS server name for an https:// proxy named by host name (undefined for an IP address, which
   * SNI does not carry). undici would otherwise take it from the Host header, the target's name.
   */
  readonly servername: string | undefined;
}

const MAX_CACHED = 256;

/** The URL with its password (or whole userinfo) replaced, for messages and logs. */
export function maskProxy(value: string): string {
  return value.replace(/\/\/[^/@]*@/, '//***@');
}

function decode(part: string, value: string, url: string): string {
  try {
    return decodeURIComponent(part);
  } catch (cause) {
    throw new ConfigError(`meta.proxy has badly percent-encoded credentials: ${maskProxy(value)} (${url})`, { cause });
  }
}

function parse(value: string, url: string): ProxyTarget {
  const text = value.trim();
  // A bare host:port means an http proxy, as curl and most tools read it.
  const scheme = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//.exec(text);
  const authority = scheme === null ? text : text.slice(scheme[0].length);
  // WHATWG URL would read `http:///var/run/x.sock` as host "var"; a proxy needs a real authority.
  if (authority === '' || authority.startsWith('/')) {
    throw new ConfigError(`meta.proxy needs a host, got ${JSON.stringify(maskProxy(text))} (${url})`);
  }
  const withScheme = scheme === null ? `http://${text}` : text;
  let parsed: URL;
  try {
    parsed = new URL(withScheme);
  } catch (cause) {
    throw new ConfigError(`meta.proxy is not a valid proxy URL: ${JSON.stringify(maskProxy(text))} (${url})`, { cause });
  }
  const { protocol } = parsed;
  if ((protocol !== 'http:' && protocol !== 'https:') || parsed.hostname === '') {
    throw new ConfigError(`meta.proxy must be an http:// or https:// proxy URL, got ${JSON.stringify(maskProxy(text))} (${url})`);
  }
  let auth: string | undefined;
  if (parsed.username !== '' || parsed.password !== '') {
    const credentials = `${decode(parsed.username, text, url)}:${decode(parsed.password, text, url)}`;
    auth = `Basic ${Buffer.from(credentials, 'utf8').toString('base64')}`;
  }
  const secure = protocol === 'https:';
  const host = parsed.hostname.replace(/^\[|\]$/g, '');
  return { href: `${protocol}//${parsed.host}`, secure, auth, servername: secure && isIP(host) === 0 ? host : undefined };
}

export type ProxyParser = (value: string, url: string) => ProxyTarget;

/**
 * Parses `meta.proxy` values (ConfigError naming the request when malformed). Each handler has its
 * own parser, so repeated values hit a small cache without any state shared between crawlers.
 */
export function createProxyParser(): ProxyParser {
  const cache = new Map<string, ProxyTarget>();
  return (value, url) => {
    let target = cache.get(value);
    if (target === undefined) {
      target = parse(value, url);
      // Distinct proxies are few; a crawl rotating through more simply starts the cache over.
      if (cache.size >= MAX_CACHED) cache.clear();
      cache.set(value, target);
    }
    return target;
  };
}
