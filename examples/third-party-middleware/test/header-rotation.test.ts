import { ConfigError, NotConfigured, Request } from '@crawl/core';
import { fakeCrawler, testDownloaderMiddleware } from '@crawl/testing';
import { describe, expect, it } from 'vitest';
import { HEADER_ROTATION_STATS, headerRotation, type HeaderRotationOptions } from '../src/index.js';

const PROFILES = [
  { 'User-Agent': 'Alpha/1.0', 'Accept-Language': 'en' },
  { 'User-Agent': 'Beta/2.0', 'Accept-Language': 'de' },
  { 'User-Agent': 'Gamma/3.0', 'Accept-Language': 'fr' },
];

// The suite's default fakeCrawler does not know the plugin's setting keys; without them open()
// would throw NotConfigured and the suite would check nothing.
testDownloaderMiddleware('headerRotation', () => headerRotation({ profiles: PROFILES }), {
  crawler: () => fakeCrawler({ settingDefaults: { headerRotationEnabled: true } }),
});

function setup(options: Partial<HeaderRotationOptions> = {}) {
  const mw = headerRotation({ profiles: PROFILES, ...options });
  const crawler = fakeCrawler({ settingDefaults: mw.defaultSettings as Record<string, unknown> });
  const run = (request: Request): Request => {
    const out = mw.processRequest!(request, crawler);
    expect(out).toBeUndefined();
    return request;
  };
  return { mw, crawler, run };
}

const ua = (request: Request): string | undefined => request.headers.get('User-Agent');

describe('headerRotation', () => {
  it('hands the profiles out round-robin, each as a whole', () => {
    const { run, crawler } = setup();
    const seen = Array.from({ length: 7 }, (_, i) => run(new Request(`http://a.test/${i}`)));
    expect(seen.map(ua)).toEqual(['Alpha/1.0', 'Beta/2.0', 'Gamma/3.0', 'Alpha/1.0', 'Beta/2.0', 'Gamma/3.0', 'Alpha/1.0']);
    expect(seen.map((r) => r.headers.get('accept-language'))).toEqual(['en', 'de', 'fr', 'en', 'de', 'fr', 'en']);
    expect(crawler.stats.get(`${HEADER_ROTATION_STATS.profile}/0`)).toBe(3);
    expect(crawler.stats.get(`${HEADER_ROTATION_STATS.profile}/1`)).toBe(2);
    expect(crawler.stats.get(`${HEADER_ROTATION_STATS.profile}/2`)).toBe(2);
  });

  it('keeps a round-robin position per crawler', () => {
    const mw = headerRotation({ profiles: PROFILES });
    const one = fakeCrawler({ settingDefaults: { headerRotationEnabled: true } });
    const two = fakeCrawler({ settingDefaults: { headerRotationEnabled: true } });
    const a = new Request('http://a.test/');
    const b = new Request('http://a.test/');
    const c = new Request('http://a.test/');
    mw.processRequest!(a, one);
    mw.processRequest!(b, two);
    mw.processRequest!(c, one);
    expect([ua(a), ua(b), ua(c)]).toEqual(['Alpha/1.0', 'Alpha/1.0', 'Beta/2.0']);
  });

  it('picks at random within the profiles with strategy random', () => {
    const { run } = setup({ strategy: 'random' });
    const counts = new Map<string | undefined, number>();
    for (let i = 0; i < 300; i++) {
      const value = ua(run(new Request(`http://a.test/${i}`)));
      counts.set(value, (counts.get(value) ?? 0) + 1);
    }
    // Each profile has probability 1/3; missing one in 300 draws has probability ~1e-52.
    expect([...counts.keys()].sort()).toEqual(['Alpha/1.0', 'Beta/2.0', 'Gamma/3.0']);
  });

  it('gives every request of one slot the same profile with scope slot, honouring meta.downloadSlot', () => {
    const { run } = setup({ scope: 'slot', strategy: 'random' });
    const hosts = Array.from({ length: 40 }, (_, i) => `site${i}.test`);
    const byHost = hosts.map((host) => new Set(Array.from({ length: 5 }, (_, i) => ua(run(new Request(`http://${host}/${i}`))))));
    for (const set of byHost) expect(set.size).toBe(1);
    // 40 sites over 3 profiles: the key spreads them (all on one profile would mean no rotation at all).
    expect(new Set(byHost.map((set) => [...set][0])).size).toBeGreaterThan(1);
    const a = run(new Request('http://one.test/', { meta: { downloadSlot: 'shared' } }));
    const b = run(new Request('http://two.test/', { meta: { downloadSlot: 'shared' } }));
    expect(ua(a)).toBe(ua(b));
  });

  it('leaves headers the request already has unless override is set', () => {
    const { run } = setup();
    const own = run(new Request('http://a.test/', { headers: { 'user-agent': 'Mine/0.1' } }));
    expect(own.headers.getAll('User-Agent')).toEqual(['Mine/0.1']);
    expect(own.headers.get('Accept-Language')).toBe('en');

    const forced = setup({ override: true }).run(new Request('http://a.test/', { headers: { 'user-agent': 'Mine/0.1' } }));
    expect(forced.headers.getAll('User-Agent')).toEqual(['Alpha/1.0']);
  });

  it('skips requests with meta.headerProfile false and pins a numeric one', () => {
    const { run, crawler } = setup();
    const skipped = run(new Request('http://a.test/', { meta: { headerProfile: false } }));
    expect(skipped.headers.size).toBe(0);
    expect(crawler.stats.get(HEADER_ROTATION_STATS.bypassed)).toBe(1);
    const pinned = run(new Request('http://a.test/', { meta: { headerProfile: 2 } }));
    expect(ua(pinned)).toBe('Gamma/3.0');
    // A pinned request does not move the rotation.
    expect(ua(run(new Request('http://a.test/next')))).toBe('Alpha/1.0');
  });

  it('fails only the request whose meta.headerProfile is not a profile index', () => {
    const { mw, crawler } = setup();
    for (const value of [3, -1, 1.5, 'fast', true]) {
      const request = new Request('http://a.test/x', { meta: { headerProfile: value as never } });
      expect(() => mw.processRequest!(request, crawler)).toThrow(ConfigError);
      expect(() => mw.processRequest!(request, crawler)).toThrow(/meta.headerProfile of <GET http:\/\/a.test\/x> must be false or a profile index from 0 to 2/);
    }
  });

  it('disables itself when the headerRotationEnabled setting is false', async () => {
    const mw = headerRotation({ profiles: PROFILES });
    const crawler = fakeCrawler({ settingDefaults: { headerRotationEnabled: true }, settings: { headerRotationEnabled: false } });
    await expect(Promise.resolve().then(() => mw.open!(crawler))).rejects.toThrow(NotConfigured);
    const enabled = fakeCrawler({ settingDefaults: { headerRotationEnabled: true } });
    expect(() => mw.open!(enabled)).not.toThrow();
  });
});
