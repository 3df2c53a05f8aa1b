/**
 * URL helpers shared by the engine and plugins: canonical form for fingerprints (w3lib's
 * canonicalize_url) and domain matching (Scrapy's url_is_from_any_domain).
 */

export { canonicalizeUrl, safeUrlString, type CanonicalizeUrlOptions } from './canonicalize-url.js';

/** Whether `host` is `domain` or one of its subdomains (case-insensitive, trailing dot ignored). */
export function hostMatchesDomain(host: string, domain: string): boolean {
  // Equal strings match whatever the normalisation below, without it: most links a crawl checks
  // stay on the host they came from, which is usually the allowed domain itself.
  if (host === domain) return true;
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
