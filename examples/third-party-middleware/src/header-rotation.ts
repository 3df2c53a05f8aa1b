import { ConfigError, NotConfigured, defineDownloaderMiddleware, type Crawler, type DownloaderMiddleware, type Request } from '@crawl/core';
import { describe, resolveHeaderRotationOptions, type HeaderRotationOptions } from './options.js';
import { stableIndex } from './stable-index.js';
import './meta.js';

/** Stats keys, Scrapy style (`<component>/<what>`). */
export const HEADER_ROTATION_STATS = Object.freeze({
  /** Followed by `/<index>`: requests that got that profile. */
  profile: 'headerrotation/profile_count',
  /** Requests left alone because of `meta.headerProfile: false`. */
  bypassed: 'headerrotation/bypassed',
});

/**
 * Gives each request the headers of one of several profiles (User-Agent and the headers that go
 * with it), round-robin or at random per request, or one fixed profile per site.
 *
 * @example
 * headerRotation({ profiles: [{ 'User-Agent': 'A/1.0' }, { 'User-Agent': 'B/2.0' }], scope: 'slot' })
 */
export function headerRotation(options: HeaderRotationOptions): DownloaderMiddleware {
  const { profiles, strategy, scope, override, order } = resolveHeaderRotationOptions(options);
  const count = profiles.length;
  // Built once: the hot path increments these without building strings.
  const statKeys = profiles.map((_, i) => `${HEADER_ROTATION_STATS.profile}/${i}`);
  // Round-robin position per crawler: one middleware object may serve two crawls.
  const cursors = new WeakMap<Crawler, { next: number }>();

  const pick = (request: Request<any>, crawler: Crawler): number => {
    if (scope === 'slot') return stableIndex(crawler.downloader.slotKey(request), count);
    if (strategy === 'random') return Math.floor(Math.random() * count);
    let cursor = cursors.get(crawler);
    if (!cursor) cursors.set(crawler, (cursor = { next: 0 }));
    const index = cursor.next;
    cursor.next = index + 1 === count ? 0 : index + 1;
    return index;
  };

  return defineDownloaderMiddleware({
    name: 'crawl-header-rotation',
    order,
    defaultSettings: { headerRotationEnabled: true },
    open(crawler) {
      // Only an explicit false: a host that does not register defaultSettings leaves the key unset.
      if (crawler.settings.headerRotationEnabled === false) throw new NotConfigured('the headerRotationEnabled setting is false');
    },
    processRequest(request, crawler) {
      const pinned = request.meta.headerProfile;
      if (pinned === false) {
        crawler.stats.inc(HEADER_ROTATION_STATS.bypassed);
        return undefined;
      }
      let index: number;
      if (pinned === undefined) index = pick(request, crawler);
      else if (Number.isInteger(pinned) && pinned >= 0 && pinned < count) index = pinned;
      else {
        // Thrown from processRequest, this fails only this request (to its errback); the crawl goes on.
        throw new ConfigError(
          `meta.headerProfile of ${String(request)} must be false or a profile index from 0 to ${count - 1}, got ${describe(pinned)}`,
        );
      }
      const headers = request.headers;
      for (const [name, value] of profiles[index]!) {
        if (override) headers.set(name, value);
        else headers.setDefault(name, value);
      }
      crawler.stats.inc(statKeys[index]!);
      return undefined;
    },
    close(crawler) {
      cursors.delete(crawler);
    },
  });
}
