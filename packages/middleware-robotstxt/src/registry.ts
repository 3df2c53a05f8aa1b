import { ConfigError, type Crawler } from '@crawl/core';
import type { CrawlerRobots } from './crawler-robots.js';

// Keyed by crawler and weakly held: nothing here is shared between crawlers or outlives one.
const open = new WeakMap<Crawler, CrawlerRobots>();

export function registerRobots(crawler: Crawler, robots: CrawlerRobots | undefined): void {
  if (robots === undefined) open.delete(crawler);
  else open.set(crawler, robots);
}

/**
 * The Sitemap URLs listed in the robots.txt of `origin` (an origin or any URL on it) that passed
 * the host check (advisory S19), fetching robots.txt through the crawler first if it has not been
 * yet. Needs a robotsTxt() middleware open in that crawler. Empty when robots.txt is missing,
 * unreachable or lists none.
 */
export async function robotsTxtSitemaps(crawler: Crawler, origin: string): Promise<readonly string[]> {
  const robots = open.get(crawler);
  if (robots === undefined) throw new ConfigError('robotsTxtSitemaps(): no robotsTxt() middleware is open in this crawler');
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    throw new ConfigError(`robotsTxtSitemaps(): ${JSON.stringify(origin)} is not an absolute URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ConfigError(`robotsTxtSitemaps(): ${JSON.stringify(origin)} is not an http(s) URL`);
  return robots.sitemaps(url.origin);
}
