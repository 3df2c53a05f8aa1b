/**
 * W3C Referrer Policy (https://www.w3.org/TR/referrer-policy/) plus Scrapy's
 * 'scrapy-default'. Policy names come from network data (the Referrer-Policy header), so
 * they are only ever looked up in this fixed table: a name never selects code by itself
 * (security-advisories.md S14).
 */
export const REFERRER_POLICY_NAMES = [
  'no-referrer',
  'no-referrer-when-downgrade',
  'same-origin',
  'origin',
  'strict-origin',
  'origin-when-cross-origin',
  'strict-origin-when-cross-origin',
  'unsafe-url',
  'scrapy-default',
] as const;

export type ReferrerPolicyName = (typeof REFERRER_POLICY_NAMES)[number];

/** Schemes whose URLs are never sent as a referrer (W3C "local schemes"). */
const LOCAL_SCHEMES: ReadonlySet<string> = new Set(['about', 'blob', 'data', 'filesystem']);
/** 'scrapy-default' also keeps storage URLs private: a page read from a bucket or disk. */
const SCRAPY_DEFAULT_NO_REFERRER_SCHEMES: ReadonlySet<string> = new Set([...LOCAL_SCHEMES, 'file', 's3', 'gs']);

/**
 * A URL for the policies, parsed once. A page yields many requests: its own URL is parsed and
 * stripped once (see `parse`), and each target's URL is only parsed when a policy compares origins.
 */
class ParsedUrl {
  readonly href: string;
  #scheme: string | undefined;
  #url: URL | undefined;
  // Only a page's own URL is stripped (then once); targets never are.
  #stripped: string | undefined;

  constructor(href: string, url?: URL) {
    this.href = href;
    this.#url = url;
  }

  get scheme(): string {
    return (this.#scheme ??= this.#url ? this.#url.protocol.slice(0, -1) : this.href.slice(0, this.href.indexOf(':')).toLowerCase());
  }

  get url(): URL {
    this.#url ??= new URL(this.href);
    return this.#url;
  }

  /** W3C "strip url for use as a referrer" without origin-only: no credentials, no fragment. */
  stripped(): string {
    if (this.#stripped === undefined) {
      const copy = new URL(this.url.href);
      copy.username = '';
      copy.password = '';
      copy.hash = '';
      this.#stripped = copy.href;
    }
    return this.#stripped;
  }
}

type PolicyFn = (from: ParsedUrl, to: ParsedUrl) => string | undefined;

const tlsProtected = (u: ParsedUrl): boolean => u.scheme === 'https' || u.scheme === 'ftps';
// Scrapy's simplification of "potentially trustworthy": TLS-protected and not data:.
const potentiallyTrustworthy = (u: ParsedUrl): boolean => u.scheme !== 'data' && tlsProtected(u);
const originOf = (u: ParsedUrl): string => `${u.url.protocol}//${u.url.host}`;

/** W3C "strip url for use as a referrer": no credentials, no fragment; origin-only keeps scheme://host[:port]/. */
function strip(u: ParsedUrl, originOnly: boolean, noReferrerSchemes: ReadonlySet<string>): string | undefined {
  if (noReferrerSchemes.has(u.scheme)) return undefined;
  if (originOnly) return `${originOf(u)}/`;
  return u.stripped();
}

const stripped = (u: ParsedUrl): string | undefined => strip(u, false, LOCAL_SCHEMES);
const origin = (u: ParsedUrl): string | undefined => strip(u, true, LOCAL_SCHEMES);
const sameOrigin = (a: ParsedUrl, b: ParsedUrl): boolean => originOf(a) === originOf(b);
const notDowngrade = (from: ParsedUrl, to: ParsedUrl): boolean => !tlsProtected(from) || potentiallyTrustworthy(to);

const POLICIES: ReadonlyMap<string, PolicyFn> = new Map<ReferrerPolicyName, PolicyFn>([
  ['no-referrer', () => undefined],
  ['no-referrer-when-downgrade', (from, to) => (!tlsProtected(from) || tlsProtected(to) ? stripped(from) : undefined)],
  ['same-origin', (from, to) => (sameOrigin(from, to) ? stripped(from) : undefined)],
  ['origin', (from) => origin(from)],
  ['strict-origin', (from, to) => (notDowngrade(from, to) ? origin(from) : undefined)],
  ['origin-when-cross-origin', (from, to) => (sameOrigin(from, to) ? stripped(from) : origin(from))],
  [
    'strict-origin-when-cross-origin',
    (from, to) => (sameOrigin(from, to) ? stripped(from) : notDowngrade(from, to) ? origin(from) : undefined),
  ],
  ['unsafe-url', (from) => stripped(from)],
  [
    'scrapy-default',
    (from, to) => (!tlsProtected(from) || tlsProtected(to) ? strip(from, false, SCRAPY_DEFAULT_NO_REFERRER_SCHEMES) : undefined),
  ],
]);

export function isReferrerPolicyName(value: unknown): value is ReferrerPolicyName {
  return typeof value === 'string' && POLICIES.has(value);
}

/**
 * W3C "parse a referrer policy from a Referrer-Policy header": the last token that names a
 * policy wins; unknown and empty tokens are skipped. Also used for meta values, which Scrapy
 * parses the same way. Returns undefined when no token is a policy name.
 */
export function parseReferrerPolicy(value: string): ReferrerPolicyName | undefined {
  const tokens = value.split(',');
  for (let i = tokens.length - 1; i >= 0; i--) {
    const token = tokens[i]!.trim().toLowerCase();
    if (isReferrerPolicyName(token)) return token;
  }
  return undefined;
}

// The page a run of requests comes from: the last one parsed is kept (one entry, no growth).
let lastFrom: ParsedUrl | undefined;

function parse(url: string): ParsedUrl | undefined {
  if (lastFrom !== undefined && lastFrom.href === url) return lastFrom;
  try {
    lastFrom = new ParsedUrl(url, new URL(url));
    return lastFrom;
  } catch {
    return undefined;
  }
}

/** Request URLs come from Request objects, already valid: parse lazily, only if a policy needs the origin. */
function parseTarget(url: string): ParsedUrl | undefined {
  return url.includes(':') ? new ParsedUrl(url) : undefined;
}

/** The Referer value a request to `requestUrl` gets from a page at `responseUrl`, or undefined for none. */
export function referrerFor(policy: ReferrerPolicyName, responseUrl: string, requestUrl: string): string | undefined {
  const fn = POLICIES.get(policy);
  if (fn === undefined) return undefined;
  const from = parse(responseUrl);
  const to = parseTarget(requestUrl);
  if (from === undefined || to === undefined) return undefined;
  try {
    return fn(from, to);
  } catch {
    // A target that only looked like a URL (its origin was needed and it does not parse).
    return undefined;
  }
}
