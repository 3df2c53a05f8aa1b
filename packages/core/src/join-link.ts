/**
 * Resolving a page's plain links without the WHATWG parser. A page of a crawl links mostly to
 * paths like `002539.html`, `/p/001767.html` or `/#top`, and most of those links are duplicates
 * the dupefilter drops: parsing each one costs more than the rest of following it
 * (docs/performance.md, session 6). For a link made only of unreserved characters and slashes,
 * then optionally a query and a fragment of those and `=`, `&` (and `?` in the fragment), with no
 * `.` or `..` segment and not starting with `//`, the WHATWG result against an http(s) base is a
 * plain concatenation: nothing in it is percent-encoded, normalised or resolved. Anything else (a
 * scheme, `%`, whitespace, a backslash, a dot segment, an empty link) goes through `new URL`.
 */

/** What a response's links are resolved against, taken apart once per response. */
export interface LinkBase {
  /** Lower-cased, as WHATWG serialises it (brackets kept for IPv6). */
  readonly hostname: string;
  /** `scheme://[userinfo@]host[:port]`: what an absolute-path link follows. */
  readonly root: string;
  /** The base up to the last `/` of its path: what a relative-path link follows. */
  readonly dir: string;
  /** The base without its query and fragment: what a query-only link follows. */
  readonly path: string;
  /** The base without its fragment: what a fragment-only link follows. */
  readonly document: string;
}

/** The base taken apart, or null when links against it are not plain (not http(s), or invalid). */
export function linkBase(base: string): LinkBase | null {
  let url: URL;
  try {
    url = new URL(base);
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  const href = url.href;
  // A serialised http(s) href always has a path starting at the first `/` after `scheme://`.
  const pathStart = href.indexOf('/', url.protocol.length + 2);
  const fragment = href.indexOf('#', pathStart);
  const document = fragment === -1 ? href : href.slice(0, fragment);
  const query = document.indexOf('?', pathStart);
  const path = query === -1 ? document : document.slice(0, query);
  return { hostname: url.hostname, root: href.slice(0, pathStart), dir: path.slice(0, path.lastIndexOf('/') + 1), path, document };
}

const PLAIN_LINK = /^[A-Za-z0-9._~/-]*(?:\?[A-Za-z0-9._~/=&-]*)?(?:#[A-Za-z0-9._~/?=&-]*)?$/;
// A `.` or `..` segment; also matched inside a query or fragment, which only sends such a link
// the slow way.
const DOT_SEGMENT = /(?:^|\/)\.\.?(?:[/?#]|$)/;

/** `new URL(link, base).href` for a plain link; undefined for any other (use the WHATWG parser). */
export function joinPlainLink(base: LinkBase, link: string): string | undefined {
  if (link === '' || !PLAIN_LINK.test(link)) return undefined;
  const first = link.charCodeAt(0);
  if ((first === 0x2e || link.includes('/.')) && DOT_SEGMENT.test(link)) return undefined;
  let joined: string;
  if (first === 0x2f) {
    if (link.charCodeAt(1) === 0x2f) return undefined; // `//host/…`: scheme-relative
    joined = base.root + link;
  } else if (first === 0x23) joined = base.document + link;
  else if (first === 0x3f) joined = base.path + link;
  else joined = base.dir + link;
  // The link is, in V8, a slice of the page's whole text, and the concatenation a cons string
  // pointing to it: a pending request would keep the page alive. Reading a character flattens
  // the result into a string of its own (test/join-link.test.ts checks it in a child process).
  if (joined.charCodeAt(0) !== 0x68) throw new Error(`joinPlainLink: ${joined} does not start with http`);
  return joined;
}
