import { isIP } from 'node:net';
import { ConfigError } from '@crawl/core';

export type HttpAuthEncoding = 'latin1' | 'utf8';

export interface HttpAuthOptions {
  /** User name; the spider's `httpUser`/`httpPass` win over `user`/`password`. */
  user?: string;
  password?: string;
  /**
   * The domain whose hosts receive the credentials (subdomains included). Default: the host of
   * the first http(s) request the middleware sees. `null` = every host (explicit opt-in).
   * The spider's `httpAuthDomain` attribute wins over it.
   */
  domain?: string | null;
  /** Charset of `user:password` before base64 (w3lib's basic_auth_header uses ISO-8859-1). */
  encoding?: HttpAuthEncoding;
  /** Position in the downloader-middleware chain (Scrapy: 300). */
  order?: number;
}

export interface HttpAuthDefaults {
  readonly user: string;
  readonly password: string;
  /** undefined: the host of the first request. */
  readonly domain: undefined;
  readonly encoding: HttpAuthEncoding;
  readonly order: number;
}

export const HTTP_AUTH_DEFAULTS: HttpAuthDefaults = Object.freeze({
  user: '',
  password: '',
  domain: undefined,
  encoding: 'latin1',
  order: 300,
});

const KNOWN = new Set(['user', 'password', 'domain', 'encoding', 'order']);

export interface ResolvedHttpAuthOptions {
  readonly user: string;
  readonly password: string;
  /** Present only when the option was given (null included). */
  readonly domain?: string | null;
  readonly encoding: HttpAuthEncoding;
  readonly order: number;
}

export function resolveHttpAuthOptions(options: HttpAuthOptions | undefined): ResolvedHttpAuthOptions {
  if (options === undefined) options = {};
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new ConfigError(`httpAuth() options must be an object, got ${options === null ? 'null' : typeof options}`);
  }
  for (const key of Object.keys(options)) {
    if (!KNOWN.has(key)) throw new ConfigError(`httpAuth(): unknown option "${key}" (known: ${[...KNOWN].join(', ')})`);
  }
  const order = options.order === undefined ? HTTP_AUTH_DEFAULTS.order : options.order;
  if (typeof order !== 'number' || !Number.isFinite(order)) {
    throw new ConfigError(`httpAuth(): option "order" must be a finite number, got ${String(order)}`);
  }
  const encoding = options.encoding === undefined ? HTTP_AUTH_DEFAULTS.encoding : options.encoding;
  if (encoding !== 'latin1' && encoding !== 'utf8') {
    throw new ConfigError(`httpAuth(): option "encoding" must be 'latin1' or 'utf8', got ${JSON.stringify(encoding)}`);
  }
  const user = options.user === undefined ? HTTP_AUTH_DEFAULTS.user : options.user;
  const password = options.password === undefined ? HTTP_AUTH_DEFAULTS.password : options.password;
  checkCredential(user, 'httpAuth(): option "user"', encoding, true);
  checkCredential(password, 'httpAuth(): option "password"', encoding, false);
  const resolved: ResolvedHttpAuthOptions = { user, password, encoding, order };
  if (options.domain !== undefined) return { ...resolved, domain: normalizeDomain(options.domain, 'httpAuth(): option "domain"') };
  return resolved;
}

export function checkCredential(value: unknown, where: string, encoding: HttpAuthEncoding, isUser: boolean): asserts value is string {
  if (typeof value !== 'string') throw new ConfigError(`${where} must be a string, got ${value === null ? 'null' : typeof value}`);
  // RFC 7617: the user-id cannot contain a colon, or the server would split user:password elsewhere.
  if (isUser && value.includes(':')) throw new ConfigError(`${where} must not contain ':' (RFC 7617)`);
  if (/[\0-\x1f\x7f]/.test(value)) throw new ConfigError(`${where} must not contain control characters`);
  if (encoding === 'latin1' && /[^\0-\xff]/.test(value)) {
    throw new ConfigError(`${where} has characters outside ISO-8859-1; use encoding: 'utf8'`);
  }
}

/** A bare host name or IP literal, lower-cased, without surrounding dots or IPv6 brackets. */
export function normalizeDomain(value: unknown, where: string): string | null {
  if (value === null) return null;
  if (typeof value !== 'string') throw new ConfigError(`${where} must be a host name or null, got ${typeof value}`);
  let domain = value.trim().toLowerCase();
  if (domain.startsWith('[') && domain.endsWith(']')) domain = domain.slice(1, -1);
  else domain = domain.replace(/^\.+/, '').replace(/\.+$/, '');
  const ipv6 = isIP(domain) === 6;
  if (domain === '' || /[\s/@?#\\]/.test(domain) || (!ipv6 && domain.includes(':'))) {
    throw new ConfigError(`${where} must be a bare host name such as "example.com" (no scheme, port or path), got ${JSON.stringify(value)}`);
  }
  return domain;
}
