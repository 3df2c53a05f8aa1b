const DEFAULT_PORTS: Record<string, string> = { 'http:': '80', 'https:': '443' };

function effectivePort(url: URL): string {
  return url.port || DEFAULT_PORTS[url.protocol] || '';
}

/**
 * Whether a Sitemap URL listed in a robots.txt stays on that robots.txt's host (advisory S19): the
 * same host name and port, except that an http robots.txt may point at the https sitemap on the
 * default port. Anything else could aim the crawler at another site or an internal service.
 */
function sameHost(sitemap: URL, robots: URL): boolean {
  if (sitemap.hostname !== robots.hostname) return false;
  const sitemapPort = effectivePort(sitemap);
  if (sitemapPort === effectivePort(robots)) return true;
  return robots.protocol === 'http:' && robots.port === '' && sitemap.protocol === 'https:' && sitemap.port === '';
}

/**
 * The Sitemap URLs of a robots.txt that may be exposed: resolved against the robots.txt URL,
 * http(s) only, and on the same host unless cross-host sitemaps are allowed. `onRejected` hears
 * about the others.
 */
export function acceptedSitemaps(listed: readonly string[], robotsUrl: string, allowCrossHost: boolean, onRejected: (sitemap: string, reason: string) => void): string[] {
  const robots = new URL(robotsUrl);
  const out: string[] = [];
  for (const raw of listed) {
    let url: URL;
    try {
      url = new URL(raw, robots);
    } catch {
      onRejected(raw, 'not a URL');
      continue;
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') onRejected(raw, `scheme ${url.protocol} is not http(s)`);
    else if (!allowCrossHost && !sameHost(url, robots)) onRejected(raw, `not on ${robots.host} (allowCrossHostSitemaps is off)`);
    else if (!out.includes(url.href)) out.push(url.href);
  }
  return out;
}
