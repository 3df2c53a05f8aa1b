import { hash } from 'node:crypto';
import { canonicalizeUrl, safeUrlString } from './canonicalize-url.js';
import type { Request } from './request.js';

export interface FingerprintOptions {
  /** Header names whose values take part in the fingerprint (default: none). */
  includeHeaders?: readonly string[];
  /** Keep the URL fragment (default false). */
  keepFragments?: boolean;
}

export type RequestFingerprinter = (request: Request<any>) => string;

// Per request, per options key. Weak keys: a request that is gone takes its fingerprints with it.
const cache = new WeakMap<Request<any>, string | Map<string, string>>();
const PLAIN = '';

const utf8 = new TextEncoder();

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

/** The include-headers part of the cache key and of the hash: lower-cased, sorted, as Scrapy does. */
function headerNames(options: FingerprintOptions): string[] {
  const names = options.includeHeaders;
  if (names === undefined || names.length === 0) return [];
  return [...names].sort().map((h) => h.toLowerCase());
}

/**
 * Scrapy's request fingerprint (`scrapy.utils.request.fingerprint`, the 2.7+ implementation),
 * hex-encoded: SHA-1 over `json.dumps({method, url, body, headers}, sort_keys=True)` where url is
 * the canonical URL (w3lib's canonicalize_url of the safe_url_string form Scrapy gives every
 * request), body and header names/values are hex, and only `includeHeaders` count. Equals
 * `fingerprint(request).hex()` in Scrapy for the same method, URL, body and headers, so cache keys
 * and dupefilter state interoperate. Cached per request object (weakly) and options.
 */
export function fingerprint(request: Request<any>, options: FingerprintOptions = {}): string {
  // Bodiless requests without header or fragment options (every link a spider follows) are a pure
  // function of method and URL, memoised by those: no per-request cache entry is needed.
  if (options.keepFragments !== true && (options.includeHeaders === undefined || options.includeHeaders.length === 0) && request.body.byteLength === 0) {
    return plainDigest(request);
  }
  const names = headerNames(options);
  const keepFragments = options.keepFragments ?? false;
  const key = names.length === 0 && !keepFragments ? PLAIN : `${keepFragments ? 1 : 0}\n${names.join('\n')}`;
  const hit = cache.get(request);
  if (hit !== undefined) {
    if (typeof hit === 'string') {
      if (key === PLAIN) return hit;
    } else {
      const found = hit.get(key);
      if (found !== undefined) return found;
    }
  }
  const digest = key === PLAIN && request.body.byteLength === 0 ? plainDigest(request) : compute(request, names, keepFragments);
  if (key === PLAIN && hit === undefined) cache.set(request, digest);
  else {
    const map = hit === undefined ? new Map<string, string>() : typeof hit === 'string' ? new Map([[PLAIN, hit]]) : hit;
    map.set(key, digest);
    cache.set(request, map);
  }
  return digest;
}

function compute(request: Request<any>, names: readonly string[], keepFragments: boolean): string {
  const headers: string[] = [];
  for (const name of new Set(names)) {
    if (!request.headers.has(name)) continue;
    // Scrapy stores header values as UTF-8 bytes.
    const values = request.headers.getAll(name).map((v) => `"${hex(utf8.encode(v))}"`);
    headers.push(`"${hex(utf8.encode(name))}": [${values.join(', ')}]`);
  }
  headers.sort();
  const url = canonicalUrlOf(request.url, keepFragments);
  const json = `{"body": "${hex(request.body)}", "headers": {${headers.join(', ')}}, "method": ${pyString(request.method)}, "url": ${pyString(url)}}`;
  return hash('sha1', json, 'hex');
}

/**
 * Pages link to the same URLs over and over (navigation, related items), and every extracted link
 * is fingerprinted before the dupefilter drops it. The fingerprint is a pure function of method,
 * URL, body and chosen headers, so recent results are remembered: the digests of bodiless plain
 * requests by method + URL (without fragment), the canonical form of other URLs by URL. Bounded
 * memos, not crawl state.
 */
const MEMO_SIZE = 8192;
const canonicalCache = new Map<string, string>();
const plainCache = new Map<string, string>();

function remember(cache: Map<string, string>, key: string, value: string): string {
  if (cache.size >= MEMO_SIZE) cache.delete(cache.keys().next().value!);
  cache.set(key, value);
  return value;
}

/**
 * The memo key of a URL whose fragment does not count: the text before the first `#`. Pages link
 * to the same page under many anchors (`#top`, `#reviews`); keyed with them, the memo overflowed
 * and most links were canonicalised and hashed again. A Request URL is a WHATWG href, in which the
 * first `#` always starts the fragment, and urlsplit cuts there too, so dropping it cannot change
 * the canonical URL or the digest.
 */
function withoutFragment(url: string): string {
  const hash = url.indexOf('#');
  return hash < 0 ? url : url.slice(0, hash);
}

/**
 * http(s) URLs made of a lower-case host, an optional port and a path of unreserved characters and
 * slashes only (no userinfo, params, query, escapes): as a WHATWG href, safe_url_string and
 * canonicalize_url leave them exactly as they are, so they are their own canonical form.
 */
const CANONICAL_AS_IS = /^https?:\/\/[a-z0-9.-]+(?::[0-9]+)?\/[A-Za-z0-9\-._~/]*$/;

function canonicalUrlOf(url: string, keepFragments: boolean): string {
  if (!keepFragments) {
    const bare = withoutFragment(url);
    if (CANONICAL_AS_IS.test(bare)) return bare;
  }
  const key = keepFragments ? `#${url}` : withoutFragment(url);
  return canonicalCache.get(key) ?? remember(canonicalCache, key, canonicalizeUrl(safeUrlString(url), { keepFragments }));
}

/** Distinct pages a crawl links to, at most, before the digest memo starts over. */
const PLAIN_MEMO_SIZE = 16384;

function plainDigest(request: Request<any>): string {
  const bare = withoutFragment(request.url);
  // A URL has no spaces, so GET keys (the bare URL) cannot collide with `METHOD url` ones.
  const key = request.method === 'GET' ? bare : `${request.method} ${bare}`;
  let digest = plainCache.get(key);
  if (digest === undefined) {
    digest = compute(request, [], false);
    // Full: start over, which costs less per miss than evicting the oldest entry each time.
    if (plainCache.size >= PLAIN_MEMO_SIZE) plainCache.clear();
    plainCache.set(key, digest);
  }
  return digest;
}

/** A fingerprinter bound to options, for the crawler's setting. */
export function createFingerprinter(options: FingerprintOptions = {}): RequestFingerprinter {
  return (request) => fingerprint(request, options);
}

/** json.dumps(ensure_ascii=True) for a string. */
function pyString(s: string): string {
  return JSON.stringify(s).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
