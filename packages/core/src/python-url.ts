/**
 * Python's urllib.parse splitting, quoting and unquoting, reproduced byte for byte (CPython 3.11).
 * canonicalizeUrl() has to split a URL exactly where Python does (w3lib works on urlparse() parts,
 * `;params` included) for fingerprints to equal Scrapy's; WHATWG's URL parser splits and
 * normalises differently, so it cannot be used for this.
 */

export interface UrlParts {
  scheme: string;
  netloc: string;
  path: string;
  /** Only set by urlparse() (the last path segment's `;params`); urlsplit() leaves it ''. */
  params: string;
  query: string;
  fragment: string;
}

const SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*$/;
// Python strips only leading C0/space here; w3lib strips both ends before calling.
const LEADING_C0_OR_SPACE = /^[\u0000-\u0020]+/;
const TAB_OR_NEWLINE = /[\t\n\r]/g;

const USES_NETLOC = new Set(['', 'ftp', 'http', 'gopher', 'nntp', 'telnet', 'imap', 'wais', 'file', 'mms', 'https', 'shttp', 'snews', 'prospero', 'rtsp', 'rtspu', 'rsync', 'svn', 'svn+ssh', 'sftp', 'nfs', 'git', 'git+ssh', 'ws', 'wss']);
const USES_PARAMS = new Set(['', 'ftp', 'hdl', 'prospero', 'http', 'imap', 'https', 'shttp', 'rtsp', 'rtspu', 'sip', 'sips', 'mms', 'sftp', 'tel']);

/** urllib.parse.urlsplit */
export function urlsplit(input: string): UrlParts {
  let url = input.replace(LEADING_C0_OR_SPACE, '').replace(TAB_OR_NEWLINE, '');
  let scheme = '';
  let netloc = '';
  let query = '';
  let fragment = '';
  const colon = url.indexOf(':');
  if (colon > 0 && SCHEME.test(url.slice(0, colon))) {
    scheme = url.slice(0, colon).toLowerCase();
    url = url.slice(colon + 1);
  }
  if (url.startsWith('//')) {
    let end = url.length;
    for (const c of '/?#') {
      const at = url.indexOf(c, 2);
      if (at >= 0 && at < end) end = at;
    }
    netloc = url.slice(2, end);
    url = url.slice(end);
  }
  const hash = url.indexOf('#');
  if (hash >= 0) {
    fragment = url.slice(hash + 1);
    url = url.slice(0, hash);
  }
  const question = url.indexOf('?');
  if (question >= 0) {
    query = url.slice(question + 1);
    url = url.slice(0, question);
  }
  return { scheme, netloc, path: url, params: '', query, fragment };
}

/** urllib.parse.urlparse: urlsplit plus the `;params` of the last path segment. */
export function urlparse(input: string): UrlParts {
  const parts = urlsplit(input);
  if (USES_PARAMS.has(parts.scheme) && parts.path.includes(';')) {
    const path = parts.path;
    const slash = path.lastIndexOf('/');
    const semi = slash >= 0 ? path.indexOf(';', slash) : path.indexOf(';');
    if (semi >= 0) {
      parts.params = path.slice(semi + 1);
      parts.path = path.slice(0, semi);
    }
  }
  return parts;
}

/** urllib.parse.urlunparse (urlunsplit when params is ''). */
export function urlunparse(parts: UrlParts): string {
  let url = parts.params ? `${parts.path};${parts.params}` : parts.path;
  if (parts.netloc || (parts.scheme && USES_NETLOC.has(parts.scheme) && !url.startsWith('//'))) {
    if (url && !url.startsWith('/')) url = `/${url}`;
    url = `//${parts.netloc}${url}`;
  }
  if (parts.scheme) url = `${parts.scheme}:${url}`;
  if (parts.query) url = `${url}?${parts.query}`;
  if (parts.fragment) url = `${url}#${parts.fragment}`;
  return url;
}

/** The userinfo, hostname and port views Python's SplitResult gives of a netloc. */
export function netlocParts(netloc: string): { username: string | undefined; password: string | undefined; hostname: string | undefined; port: string | undefined } {
  const at = netloc.lastIndexOf('@');
  let username: string | undefined;
  let password: string | undefined;
  if (at >= 0) {
    const userinfo = netloc.slice(0, at);
    const colon = userinfo.indexOf(':');
    username = colon >= 0 ? userinfo.slice(0, colon) : userinfo;
    if (colon >= 0) password = userinfo.slice(colon + 1);
  }
  const hostinfo = at >= 0 ? netloc.slice(at + 1) : netloc;
  let host: string;
  let port: string;
  const bracket = hostinfo.indexOf('[');
  if (bracket >= 0) {
    const bracketed = hostinfo.slice(bracket + 1);
    const close = bracketed.indexOf(']');
    host = close >= 0 ? bracketed.slice(0, close) : bracketed;
    const rest = close >= 0 ? bracketed.slice(close + 1) : '';
    const colon = rest.indexOf(':');
    port = colon >= 0 ? rest.slice(colon + 1) : '';
  } else {
    const colon = hostinfo.indexOf(':');
    host = colon >= 0 ? hostinfo.slice(0, colon) : hostinfo;
    port = colon >= 0 ? hostinfo.slice(colon + 1) : '';
  }
  let hostname: string | undefined;
  if (host) {
    // Python lower-cases the host but not an IPv6 zone id after '%'.
    const pct = host.indexOf('%');
    hostname = pct >= 0 ? host.slice(0, pct).toLowerCase() + host.slice(pct) : host.toLowerCase();
  }
  return { username, password, hostname, port: port === '' ? undefined : port };
}

const ALWAYS_SAFE = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-~';
const HEX = Array.from({ length: 256 }, (_, b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`);

/** A lookup table for quote(): ASCII bytes that stay literal. */
export type SafeSet = readonly boolean[];

export function safeSet(extra: string): SafeSet {
  const table = new Array<boolean>(128).fill(false);
  for (const c of ALWAYS_SAFE + extra) table[c.charCodeAt(0)] = true;
  return table;
}

const utf8 = new TextEncoder();

/** urllib.parse.quote over UTF-8 bytes (strings are encoded first). */
export function quote(input: string | Uint8Array, safe: SafeSet): string {
  const bytes = typeof input === 'string' ? utf8.encode(input) : input;
  let out = '';
  for (const b of bytes) out += b < 128 && safe[b] ? String.fromCharCode(b) : HEX[b]!;
  return out;
}

const PLUS_SAFE = safeSet(' ');

/** urllib.parse.quote_plus(bytes, safe=''): what urlencode() does to each key and value. */
export function quotePlus(bytes: Uint8Array): string {
  return quote(bytes, PLUS_SAFE).replace(/ /g, '+');
}

function hexValue(b: number | undefined): number {
  if (b === undefined) return -1;
  if (b >= 0x30 && b <= 0x39) return b - 0x30;
  if (b >= 0x41 && b <= 0x46) return b - 0x37;
  if (b >= 0x61 && b <= 0x66) return b - 0x57;
  return -1;
}

/** urllib.parse.unquote_to_bytes: %XX escapes become bytes, anything else stays (as UTF-8). */
export function unquoteToBytes(input: string): Uint8Array {
  const bytes = utf8.encode(input);
  if (!input.includes('%')) return bytes;
  const out = new Uint8Array(bytes.length);
  let n = 0;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b === 0x25) {
      const hi = hexValue(bytes[i + 1]);
      const lo = hexValue(bytes[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out[n++] = hi * 16 + lo;
        i += 2;
        continue;
      }
    }
    out[n++] = b;
  }
  return out.subarray(0, n);
}

const utf8Lenient = new TextDecoder('utf-8');

/** urllib.parse.unquote (UTF-8, undecodable bytes replaced). */
export function unquote(input: string): string {
  return input.includes('%') ? utf8Lenient.decode(unquoteToBytes(input)) : input;
}

export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}
