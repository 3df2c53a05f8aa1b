import type { CookieInput, Logger, Request } from '@crawl/core';
import type { CookieJar } from 'tough-cookie';
import { cookieOrigin, storeCookie } from './store-cookie.js';

// RFC 6265 cookie-name is a token; values may not hold ';' or control characters, which would
// otherwise smuggle extra pairs or attributes into the Cookie header.
const NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
// eslint-disable-next-line no-control-regex
const BAD_VALUE = /[;\x00-\x1f\x7f]/;
// eslint-disable-next-line no-control-regex
const BAD_ATTRIBUTE = /[;\x00-\x1f\x7f]/;

interface Entry {
  name?: unknown;
  value?: unknown;
  domain?: unknown;
  path?: unknown;
  secure?: unknown;
}

function scalar(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

/** Scrapy's _format_cookie: the Set-Cookie line a server would have sent for this entry, or why it is invalid. */
function formatEntry(entry: Entry, secureByDefault: boolean): string | { invalid: string } {
  const name = scalar(entry.name);
  const value = scalar(entry.value);
  if (name === undefined || value === undefined) return { invalid: `'${name === undefined ? 'name' : 'value'}' is missing or not a string` };
  if (!NAME.test(name)) return { invalid: `invalid cookie name ${JSON.stringify(name)}` };
  if (BAD_VALUE.test(value)) return { invalid: `the value of ${name} contains ';' or a control character` };
  let line = `${name}=${value}`;
  for (const key of ['path', 'domain'] as const) {
    const attr = entry[key];
    if (attr === undefined || attr === null || attr === '') continue;
    if (typeof attr !== 'string' || BAD_ATTRIBUTE.test(attr)) return { invalid: `invalid ${key} ${JSON.stringify(attr)} for ${name}` };
    line += `; ${key === 'path' ? 'Path' : 'Domain'}=${attr}`;
  }
  if (entry.secure === undefined ? secureByDefault : entry.secure === true) line += '; Secure';
  return line;
}

function entries(cookies: CookieInput): Entry[] | undefined {
  if (Array.isArray(cookies)) return cookies as Entry[];
  if (typeof cookies === 'object' && cookies !== null) return Object.entries(cookies).map(([name, value]) => ({ name, value }));
  return undefined;
}

/**
 * Merges `request.cookies` into the jar for the request's URL, as if the request's host had set
 * them: a `domain` must domain-match that host (and not be a public suffix) or the cookie is
 * refused with a warning. Without `secure`, cookies given on an https request are Secure (Scrapy).
 */
export function mergeRequestCookies(jar: CookieJar, request: Request<any>, logger: Logger): void {
  const list = entries(request.cookies as CookieInput);
  if (list === undefined) {
    logger.warn(`Ignoring request.cookies of ${String(request)}: expected an object or an array of { name, value, domain?, path?, secure? }`);
    return;
  }
  if (list.length === 0) return;
  const origin = cookieOrigin(request.url, true);
  if (origin === undefined) return;
  for (const entry of list) {
    const line = typeof entry === 'object' && entry !== null ? formatEntry(entry, origin.secure) : { invalid: 'not an object' };
    if (typeof line !== 'string') {
      logger.warn(`Invalid cookie found in request ${String(request)}: ${line.invalid}`);
      continue;
    }
    const refused = storeCookie(jar, line, origin);
    if (refused !== undefined) logger.warn(`Cookie ${JSON.stringify(line)} given on ${String(request)} was refused: ${refused}`);
  }
}
