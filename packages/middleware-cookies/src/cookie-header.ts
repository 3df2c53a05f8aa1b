import type { Cookie } from 'tough-cookie';

function pairName(pair: string): string {
  const eq = pair.indexOf('=');
  return (eq < 0 ? pair : pair.slice(0, eq)).trim();
}

/**
 * Joins a hand-set Cookie header with the jar's cookies for the URL into one header value, each
 * name from one source only. A name in both takes the jar's cookies, at the hand-set pair's
 * position: the jar holds what the server set since and what `request.cookies` just gave (the
 * behaviour Scrapy's own test_keep_cookie_header expects). Other hand-set pairs are kept as given.
 */
export function mergeCookieHeader(handSet: string, jarCookies: readonly Cookie[]): string {
  if (jarCookies.length === 0) return handSet;
  // RFC 6265 sends every matching cookie, so one name can have several (different paths).
  const fromJar = new Map<string, string[]>();
  for (const c of jarCookies) {
    const list = fromJar.get(c.key);
    if (list) list.push(c.cookieString());
    else fromJar.set(c.key, [c.cookieString()]);
  }
  const out: string[] = [];
  const replaced = new Set<string>();
  for (const raw of handSet.split(';')) {
    const pair = raw.trim();
    if (pair === '') continue;
    const name = pairName(pair);
    if (replaced.has(name)) continue;
    const fromJarPairs = fromJar.get(name);
    if (fromJarPairs === undefined) {
      out.push(pair);
      continue;
    }
    out.push(...fromJarPairs);
    fromJar.delete(name);
    replaced.add(name);
  }
  for (const pairs of fromJar.values()) out.push(...pairs);
  return out.join('; ');
}
