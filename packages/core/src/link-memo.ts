/**
 * Resolution of relative links against http(s) pages, remembered across responses. A page's links
 * are mostly the site's navigation and cross-links, met again on page after page, and most of them
 * are duplicates the dupefilter drops; each cost a WHATWG parse and a URL object (1.3 µs, 3% of a
 * crawl's CPU on the benchmark shop).
 *
 * Against a serialized http(s) URL (what a Request's url is), a link that starts with one `/`
 * depends only on the part of the base before its path (scheme, credentials, host, port), and a
 * path-relative link (`p/2.html`, `../x?y`) only on the part up to the last `/` of the path. So
 * the memo is keyed by that part, then by the link (two levels: hashing a new concatenated string
 * per link cost as much as the parse). Serialized matters: a base such as `http://h/a/..` has
 * another directory than its text shows, so each base is checked once (one parse per page instead
 * of one per link). Links that are empty, start with a scheme, `//`, `?`, `#`, a space or a
 * control character, or hold a tab, newline or backslash (the parser removes or rewrites those)
 * are resolved by `new URL` every time.
 */

export interface ResolvedLink {
  readonly href: string;
  readonly hostname: string;
}

/** Links kept (~130 bytes each); the memo is emptied when full (a site's recurring links come back at once). */
export const LINK_MEMO_MAX = 8192;

interface Part {
  /** The hostname of every link resolved against this part: the base's own. */
  readonly hostname: string;
  /** Link → href. */
  readonly links: Map<string, string>;
}

/** Base part (root or directory) → its links. */
const memo = new Map<string, Part>();
let entries = 0;
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

function serialized(base: string): boolean {
  try {
    return new URL(base).href === base;
  } catch {
    return false;
  }
}

function partsOf(base: string): BaseParts {
  if (base === lastBase) return lastParts;
  let parts = NONE;
  const start = base.startsWith('https://') ? 8 : base.startsWith('http://') ? 7 : -1;
  if (start > 0 && serialized(base)) {
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

/** A string that shares no storage with `text` (concatenating flattens into a new string). */
function copyOf(text: string): string {
  return ` ${text}`.slice(1);
}

/** The base part the link's resolution depends on alone, or undefined when it is not memoised. */
function partFor(link: string, base: string): string | undefined {
  const first = link.charCodeAt(0);
  // An empty link is the base itself (NaN here).
  if (!(first > 32) || first === 63 /* ? */ || first === 35 /* # */ || REWRITTEN.test(link)) return undefined;
  if (first === 47 /* / */) {
    if (link.charCodeAt(1) === 47) return undefined;
    return partsOf(base).root;
  }
  const stop = link.search(SCHEME_OR_END);
  if (stop >= 0 && link.charCodeAt(stop) === 58 /* : */) return undefined;
  return partsOf(base).dir;
}

/** `new URL(link, base)`, from the memo for a relative link on a serialized http(s) base. Throws what `new URL` throws. */
export function resolveLink(link: string, base: string): ResolvedLink {
  const key = partFor(link, base);
  if (key === undefined) return new URL(link, base);
  let part = memo.get(key);
  const href = part?.links.get(link);
  if (href !== undefined) return { href, hostname: part!.hostname };
  const url = new URL(link, base);
  if (entries >= LINK_MEMO_MAX) {
    memo.clear();
    entries = 0;
    part = undefined;
  }
  if (part === undefined) memo.set(key, (part = { hostname: url.hostname, links: new Map() }));
  // A link read from a page is a slice of the page's whole text in V8, and a slice keeps its
  // parent alive: the key is copied so that the memo does not hold on to thousands of pages.
  part.links.set(copyOf(link), url.href);
  entries++;
  return url;
}
