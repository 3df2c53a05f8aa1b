/**
 * w3lib's safe_url_string() and canonicalize_url() (w3lib 2.1), on top of Python's URL splitting
 * (python-url.ts), so that canonical URLs and therefore request fingerprints equal Scrapy's.
 */
import { domainToASCII } from 'node:url';
import { compareBytes, netlocParts, quote, quotePlus, safeSet, unquote, unquoteToBytes, urlparse, urlsplit, urlunparse } from './python-url.js';

// RFC 3986 reserved characters, plus '|' (w3lib's EXTRA_SAFE_CHARS) and '%' (escapes are kept).
const SAFE_CHARS = ":/?#[]@!$&'()*+,;=|%";
const SAFE = safeSet(SAFE_CHARS);
const PATH_SAFE = safeSet(SAFE_CHARS.replace('#', ''));
// safe_url_string's stricter sets: safe in the URL standard, RFC 3986 and RFC 2396 alike.
const PATH_SAFEST = safeSet(SAFE_CHARS.replace(/[#[\]|]/g, ''));
const SPECIAL_QUERY_SAFEST = safeSet(SAFE_CHARS.replace(/[#[\]|']/g, ''));
const USERINFO_SAFEST = safeSet("!$&'()*+,");
const SPECIAL_SCHEMES = new Set(['ftp', 'file', 'http', 'https', 'ws', 'wss']);

const C0_OR_SPACE_ENDS = /^[\u0000-\u0020]+|[\u0000-\u0020]+$/g;
const TAB_OR_NEWLINE = /[\t\n\r]/g;
const IDNA_DOTS = /[.\u3002\uff0e\uff61]/;
// eslint-disable-next-line no-control-regex
const ASCII = /^[\u0000-\u007f]*$/;

function strip(url: string): string {
  return url.replace(C0_OR_SPACE_ENDS, '').replace(TAB_OR_NEWLINE, '');
}

/**
 * Python's `str.encode('idna')` of a host (or whole netloc): ASCII passes through unchanged,
 * other labels become punycode. undefined when a label cannot be encoded (w3lib then keeps the
 * raw text). Node's domainToASCII implements UTS #46, which agrees with Python's IDNA 2003 codec
 * except for the few deviation characters (ß, ς, ZWJ, ZWNJ).
 */
function idna(host: string): string | undefined {
  if (ASCII.test(host)) return host;
  const labels = host.split(IDNA_DOTS);
  const out: string[] = [];
  for (const label of labels) {
    if (ASCII.test(label)) {
      out.push(label);
      continue;
    }
    const ascii = domainToASCII(label);
    if (ascii === '' || ascii.length > 63) return undefined;
    out.push(ascii);
  }
  return out.join('.');
}

/**
 * w3lib's safe_url_string(): the URL with every character that some browser, server or RFC
 * would reject percent-encoded, and the host IDNA-encoded. Scrapy applies it to every
 * Request URL; fingerprint() applies it before canonicalising so keys match Scrapy's.
 */
export function safeUrlString(url: string): string {
  const parts = urlsplit(strip(url));
  const { username, password, hostname, port } = netlocParts(parts.netloc);
  let netloc = '';
  if (username !== undefined || password !== undefined) {
    if (username !== undefined) netloc += quote(unquote(username), USERINFO_SAFEST);
    if (password !== undefined) netloc += `:${quote(unquote(password), USERINFO_SAFEST)}`;
    netloc += '@';
  }
  if (hostname !== undefined) netloc += idna(hostname) ?? hostname;
  // Python's SplitResult.port parses the digits as an int (so '080' becomes '80').
  if (port !== undefined && /^[0-9]+$/.test(port)) netloc += `:${Number.parseInt(port, 10)}`;
  return urlunparse({
    scheme: parts.scheme,
    netloc,
    path: quote(parts.path, PATH_SAFEST),
    params: '',
    query: quote(parts.query, SPECIAL_SCHEMES.has(parts.scheme) ? SPECIAL_QUERY_SAFEST : PATH_SAFEST),
    fragment: quote(parts.fragment, PATH_SAFEST),
  });
}

/** w3lib's parse_qsl_to_bytes(keep_blank_values=True): '&' and ';' separate arguments. */
function parseQueryToBytes(query: string): [Uint8Array, Uint8Array][] {
  const pairs: [Uint8Array, Uint8Array][] = [];
  for (const piece of query.split(/[&;]/)) {
    if (piece === '') continue;
    const eq = piece.indexOf('=');
    const name = eq < 0 ? piece : piece.slice(0, eq);
    const value = eq < 0 ? '' : piece.slice(eq + 1);
    pairs.push([unquoteToBytes(name.replace(/\+/g, ' ')), unquoteToBytes(value.replace(/\+/g, ' '))]);
  }
  return pairs;
}

/** Percent-decodes a path except %2F and %3F, which would change its meaning. */
function unquotePath(path: string): Uint8Array {
  return unquoteToBytes(path.replace(/%(2f|3f)/gi, (m) => `%25${m.slice(1).toUpperCase()}`));
}

export interface CanonicalizeUrlOptions {
  /** Keep the `#fragment` (default false). */
  keepFragments?: boolean;
}

/**
 * The canonical form of a URL, exactly as w3lib's canonicalize_url() (keep_blank_values=True)
 * computes it: query arguments split on `&` and `;`, decoded, sorted by key then value and
 * re-encoded (spaces as `+`); path escapes normalised (unreserved characters decoded, the rest
 * upper-cased, `%2F` and `%3F` kept), `;params` of the last segment kept as they are; the host
 * IDNA-encoded and the netloc lower-cased; an empty path becomes `/`; the fragment dropped
 * unless `keepFragments`. Like w3lib it does not resolve `..` segments or drop default ports.
 */
export function canonicalizeUrl(url: string, options: CanonicalizeUrlOptions = {}): string {
  const parts = urlparse(strip(url));
  const netloc = idna(parts.netloc) ?? parts.netloc;
  const pairs = parseQueryToBytes(quote(parts.query, SAFE));
  pairs.sort((x, y) => compareBytes(x[0], y[0]) || compareBytes(x[1], y[1]));
  const query = pairs.map(([k, v]) => `${quotePlus(k)}=${quotePlus(v)}`).join('&');
  const path = quote(unquotePath(quote(parts.path, PATH_SAFE)), PATH_SAFE) || '/';
  return urlunparse({
    scheme: parts.scheme,
    netloc: netloc.toLowerCase().replace(/:+$/, ''),
    path,
    params: quote(parts.params, SAFE),
    query,
    fragment: options.keepFragments ? quote(parts.fragment, SAFE) : '',
  });
}
