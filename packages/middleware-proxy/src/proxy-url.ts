import { ConfigError } from '@crawl/core';
import type { ProxyAuthEncoding } from './options.js';

/** A proxy URL split into where to connect and what to authenticate with. */
export interface ParsedProxy {
  /** `scheme://host[:port]`, no credentials, no path: what goes in meta.proxy and identifies the proxy. */
  readonly url: string;
  /** `Basic …` when the URL carried credentials. */
  readonly auth: string | undefined;
}

/** The URL with its userinfo hidden, for messages and logs. */
export function maskProxy(value: string): string {
  return value.replace(/\/\/[^/@]*@/, '//***@');
}

const LIMIT: Record<ProxyAuthEncoding, number> = { latin1: 0xff, ascii: 0x7f, utf8: 0x10ffff };

function decode(part: string, value: string, where: string): string {
  try {
    return decodeURIComponent(part);
  } catch (cause) {
    throw new ConfigError(`${where}: badly percent-encoded credentials in ${maskProxy(value)}`, { cause });
  }
}

/** `Basic base64(user:pass)` with the credentials percent-decoded, then encoded as `encoding` (Scrapy's `_basic_auth_header`). */
export function basicAuth(user: string, pass: string, encoding: ProxyAuthEncoding, where: string): string {
  const credentials = `${user}:${pass}`;
  const limit = LIMIT[encoding];
  for (let i = 0; i < credentials.length; i++) {
    // Buffer.from would silently mangle what the encoding cannot hold, sending a wrong credential.
    if (credentials.charCodeAt(i) > limit) {
      throw new ConfigError(`${where}: the proxy credentials contain characters that ${encoding} cannot encode; set the authEncoding option to 'utf8'`);
    }
  }
  return `Basic ${Buffer.from(credentials, encoding).toString('base64')}`;
}

/**
 * Parses a proxy URL: `http://[user:pass@]host:port` or `https://…`; a bare `host:port` is an http
 * proxy. Anything else is a ConfigError that names `where` and never shows the password.
 */
export function parseProxyUrl(value: string, encoding: ProxyAuthEncoding, where: string): ParsedProxy {
  const text = value.trim();
  const scheme = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//.exec(text);
  const authority = scheme === null ? text : text.slice(scheme[0].length);
  // WHATWG URL would read `http:///var/run/x.sock` as host "var"; a proxy needs a real authority.
  if (authority === '' || authority.startsWith('/')) {
    throw new ConfigError(`${where}: a proxy URL needs a host, got ${JSON.stringify(maskProxy(text))}`);
  }
  const withScheme = scheme === null ? `http://${text}` : text;
  let parsed: URL;
  try {
    parsed = new URL(withScheme);
  } catch (cause) {
    throw new ConfigError(`${where}: not a valid proxy URL: ${JSON.stringify(maskProxy(text))}`, { cause });
  }
  const { protocol } = parsed;
  if ((protocol !== 'http:' && protocol !== 'https:') || parsed.hostname === '') {
    throw new ConfigError(`${where}: a proxy must be an http:// or https:// URL, got ${JSON.stringify(maskProxy(text))}`);
  }
  // As Scrapy: a user name makes credentials (an empty password is allowed), a password alone does not.
  const auth =
    parsed.username === '' ? undefined : basicAuth(decode(parsed.username, text, where), decode(parsed.password, text, where), encoding, where);
  return { url: `${protocol}//${parsed.host}`, auth };
}
