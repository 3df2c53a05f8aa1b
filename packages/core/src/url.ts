/**
 * URL helpers shared by the engine and plugins: canonical form for fingerprints (w3lib's
 * canonicalize_url) and domain matching (Scrapy's url_is_from_any_domain).
 */

const UNRESERVED = /[A-Za-z0-9\-._~]/;

function percentDecodeToBytes(s: string): number[] {
  const bytes: number[] = [];
  const utf8 = Buffer.from(s.replace(/\+/g, ' '), 'utf8');
  for (let i = 0; i < utf8.length; i++) {
    const b = utf8[i]!;
    if (b === 0x25 && i + 2 < utf8.length + 0 && isHex(utf8[i + 1]) && isHex(utf8[i + 2])) {
      bytes.push(parseInt(String.fromCharCode(utf8[i + 1]!, utf8[i + 2]!), 16));
      i += 2;
    } else bytes.push(b);
  }
  return bytes;
}

function isHex(b: number | undefined): boolean {
  return b !== undefined && ((b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x46) || (b >= 0x61 && b <= 0x66));
}

/** Python's quote_plus over bytes: unreserved kept, space as '+', the rest %XX upper-case. */
function quotePlus(bytes: number[]): string {
  let out = '';
  for (const b of bytes) {
    const ch = String.fromCharCode(b);
    if (b < 0x80 && UNRESERVED.test(ch)) out += ch;
    else if (b === 0x20) out += '+';
    else out += `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

function compareBytes(a: number[], b: number[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

/** Sorted, re-encoded query string, as parse_qsl(keep_blank_values=True) + sort + urlencode. */
function canonicalQuery(search: string): string {
  if (search === '' || search === '?') return '';
  const pairs: [number[], number[]][] = [];
  for (const piece of search.slice(1).split('&')) {
    if (piece === '') continue;
    const eq = piece.indexOf('=');
    const key = eq < 0 ? piece : piece.slice(0, eq);
    const value = eq < 0 ? '' : piece.slice(eq + 1);
    pairs.push([percentDecodeToBytes(key), percentDecodeToBytes(value)]);
  }
  pairs.sort((x, y) => compareBytes(x[0], y[0]) || compareBytes(x[1], y[1]));
  return pairs.map(([k, v]) => `${quotePlus(k)}=${quotePlus(v)}`).join('&');
}

/** Upper-cases percent escapes and decodes the ones that stand for unreserved characters. */
function canonicalPath(pathname: string): string {
  return pathname.replace(/%([0-9A-Fa-f]{2})/g, (_m, hex: string) => {
    const ch = String.fromCharCode(parseInt(hex, 16));
    return UNRESERVED.test(ch) ? ch : `%${hex.toUpperCase()}`;
  });
}

/**
 * The canonical form of a URL: query arguments sorted, escapes normalised, fragment dropped
 * (unless keepFragments), host lower-cased. Two URLs that name the same resource for a
 * crawler get the same string.
 */
export function canonicalizeUrl(url: string, options: { keepFragments?: boolean } = {}): string {
  const u = new URL(url);
  if (u.protocol !== 'http:' && u.protocol !== 'https:') {
    return options.keepFragments ? u.href : u.href.split('#', 1)[0]!;
  }
  const query = canonicalQuery(u.search);
  const fragment = options.keepFragments && u.hash ? u.hash : '';
  const auth = u.username ? `${u.username}${u.password ? `:${u.password}` : ''}@` : '';
  return `${u.protocol}//${auth}${u.host}${canonicalPath(u.pathname)}${query ? `?${query}` : ''}${fragment}`;
}

/** Whether `host` is `domain` or one of its subdomains (case-insensitive, trailing dot ignored). */
export function hostMatchesDomain(host: string, domain: string): boolean {
  const h = host.toLowerCase().replace(/\.$/, '');
  const d = domain.toLowerCase().replace(/^\./, '').replace(/\.$/, '');
  return h === d || h.endsWith(`.${d}`);
}

/** Scrapy's url_is_from_any_domain. */
export function urlIsFromAnyDomain(url: string, domains: Iterable<string>): boolean {
  let host: string;
  try {
    host = new URL(url).hostname;
  } catch {
    return false;
  }
  for (const d of domains) if (hostMatchesDomain(host, d)) return true;
  return false;
}
