/**
 * Resolution of relative links against http(s) pages, remembered across responses. A page's links
 * are mostly the site's navigation and cross-links, met again on page after page, and most of them
 * are duplicates the dupefilter drops; each cost a WHATWG parse and a URL object (1.3 µs, 3% of a
 * crawl's CPU on the benchmark shop).
 *
 * Against a serialized http(s) URL (what a Request's url is), a link that starts with one `/`
 * keeps only the part of the base before its path (scheme, credentials, host, port), and a
 * path-relative link (`p/2.html`, `../x?y`) only the part up to the last `/` of the path: the
 * result is the WHATWG resolution of their concatenation, so the memo is keyed by it. Serialized
 * matters: a base such as `http://h/a/..` has a different directory than its text shows, so each
 * base is checked once (one parse per page instead of one per link). Links that start with a
 * scheme, `//`, `?`, `#`, a space or control character, are empty, or hold a tab, newline or backslash (the
 * parser removes or rewrites those) are resolved by `new URL` every time.
 */

export interface ResolvedLink {
  readonly href: string;
  readonly hostname: string;
}

/** Entries kept; the memo is emptied when full (a site's recurring links come back at once). */
export const LINK_MEMO_MAX = 4096;

const memo = new Map<string, ResolvedLink>();
const REWRITTEN = /[\t\n\r\\]/;
const SCHEME_OR_END = /[:/?#]/;

interface BaseParts {
  /** Up to the path's first `/` (exclusive); undefined when the base is not a serialized http(s) URL. */
  readonly root: string | undefined;
  /** Up to the path's last `/` (inclusive). */
  readonly dir: string | undefined;
}

const NONE: BaseParts = { root: undefined, dir: undefined };
// Links of a page are resolved in a row against the same base: one entry is enough.
let lastBase = '';
let lastParts: BaseParts = NONE;

function partsOf(base: string): BaseParts {
  if (base === lastBase) return lastParts;
  let parts = NONE;
  const start = base.startsWith('https://') ? 8 : base.startsWith('http://') ? 7 : -1;
  if (start > 0 && URL.canParse(base) && new URL(base).href === base) {
    const pathStart = base.indexOf('/', start);
    let pathEnd = base.length;
    const query = base.indexOf('?', pathStart);
    if (query >= 0) pathEnd = query;
    const hash = base.indexOf('#', pathStart);
    if (hash >= 0 && hash < pathEnd) pathEnd = hash;
    parts = { root: base.slice(0, pathStart), dir: base.slice(0, base.lastIndexOf('/', pathEnd - 1) + 1) };
  }
  lastBase = base;
  lastParts = parts;
  return parts;
}

function keyOf(link: string, base: string): string | undefined {
  const first = link.charCodeAt(0);
  // An empty link is the base itself (NaN here).
  if (!(first > 32) || first === 63 /* ? */ || first === 35 /* # */ || REWRITTEN.test(link)) return undefined;
  if (first === 47 /* / */) {
    if (link.charCodeAt(1) === 47) return undefined;
    const { root } = partsOf(base);
    return root === undefined ? undefined : root + link;
  }
  const stop = link.search(SCHEME_OR_END);
  if (stop >= 0 && link.charCodeAt(stop) === 58 /* : */) return undefined;
  const { dir } = partsOf(base);
  return dir === undefined ? undefined : dir + link;
}

/** `new URL(link, base)`, from the memo for a relative link on a serialized http(s) base. Throws what `new URL` throws. */
export function resolveLink(link: string, base: string): ResolvedLink {
  const key = keyOf(link, base);
  if (key === undefined) return new URL(link, base);
  let resolved = memo.get(key);
  if (resolved === undefined) {
    const url = new URL(link, base);
    resolved = { href: url.href, hostname: url.hostname };
    if (memo.size >= LINK_MEMO_MAX) memo.clear();
    memo.set(key, resolved);
  }
  return resolved;
}
