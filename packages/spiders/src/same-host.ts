const DEFAULT_PORTS: Readonly<Record<string, string>> = { 'http:': '80', 'https:': '443' };

/** http(s) only: the one scheme allowlist for every URL a sitemap or robots.txt names (S19). */
export function isHttpUrl(url: URL): boolean {
  return url.protocol === 'http:' || url.protocol === 'https:';
}

function effectivePort(url: URL): string {
  return url.port === '' ? (DEFAULT_PORTS[url.protocol] ?? '') : url.port;
}

/**
 * The sitemaps protocol's same-host rule: the same hostname, and the same port unless both use
 * their scheme's default port (a sitemap on http://a.test may list https://a.test/ pages, but not
 * http://a.test:6379/).
 */
export function sameHost(url: URL, origin: URL): boolean {
  if (url.hostname !== origin.hostname) return false;
  if (effectivePort(url) === effectivePort(origin)) return true;
  return url.port === '' && origin.port === '';
}
