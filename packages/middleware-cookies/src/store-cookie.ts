import { canonicalDomain, Cookie, getPublicSuffix, type CookieJar } from 'tough-cookie';

/** Where a cookie comes from, for the checks that depend on it. */
export interface CookieOrigin {
  /** The URL the cookie is stored for (the response URL, or the request URL for request cookies). */
  readonly url: string;
  /** Canonical host of that URL (lower-case, punycode, no brackets). */
  readonly host: string;
  readonly secure: boolean;
  /** Request cookies come from the spider's own code; Set-Cookie headers come from the network. */
  readonly trusted: boolean;
}

/** The origin of an http(s) URL; undefined for other schemes (cookies are an HTTP matter) or a bad URL. */
export function cookieOrigin(url: string, trusted: boolean): CookieOrigin | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  const secure = parsed.protocol === 'https:';
  if (!secure && parsed.protocol !== 'http:') return undefined;
  return { url, host: canonicalDomain(parsed.hostname) ?? parsed.hostname, secure, trusted };
}

/** A domain that is itself a public suffix ("co.uk", "github.io") or an IP address. */
function isPublicSuffix(domain: string): boolean {
  try {
    return getPublicSuffix(domain, { allowSpecialUseDomain: true }) == null;
  } catch {
    // getPublicSuffix throws for the special-use TLDs themselves ("test", "localhost"): suffixes too.
    return true;
  }
}

/**
 * Stores one cookie if RFC 6265 allows it; returns why it was refused, or undefined when stored.
 * The jar (tough-cookie with rejectPublicSuffixes) refuses a Domain that does not domain-match the
 * host or that is a public suffix (advisory S5). Two rules are added on top:
 * - Scrapy's `_is_public_domain` exception: `Domain=` a public suffix (or IP) that *equals* the
 *   host becomes a host-only cookie instead of being refused.
 * - RFC 6265bis: a Set-Cookie from a plain-http response cannot create a Secure cookie (a
 *   man-in-the-middle could otherwise plant cookies that https pages trust).
 */
export function storeCookie(jar: CookieJar, cookie: Cookie | string, origin: CookieOrigin): string | undefined {
  const parsed = typeof cookie === 'string' ? Cookie.parse(cookie) : cookie;
  if (parsed === undefined) return 'unparsable cookie';
  if (parsed.secure && !origin.secure && !origin.trusted) return 'Secure cookie set by a non-https URL';
  if (parsed.domain) {
    const domain = parsed.cdomain();
    if (domain === origin.host && isPublicSuffix(domain)) parsed.domain = null;
  }
  try {
    jar.setCookieSync(parsed, origin.url);
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}
