import { ConfigError, Request, defineSpider, type Failure } from '@crawl/core';
import { Crawler, type LoggerLike } from '@crawl/engine';
import { httpHandler } from '@crawl/http';
import { handlers, loopbackLookup, startTestServer, type TestServer } from '@crawl/test-servers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HEADER_ROTATION_STATS, headerRotation } from '../src/index.js';

const PROFILES = [
  { 'User-Agent': 'Alpha/1.0', 'X-Profile': 'alpha' },
  { 'User-Agent': 'Beta/2.0', 'X-Profile': 'beta' },
  { 'User-Agent': 'Gamma/3.0', 'X-Profile': 'gamma' },
];
const KNOWN_UAS = PROFILES.map((p) => p['User-Agent']);

let siteA: TestServer;
let siteB: TestServer;
const lookup = loopbackLookup({ 'a.test': '127.0.0.1', 'b.test': '127.0.0.1' });
// A logger needs only the four level methods: the engine adds child() for plugin components.
const quiet: LoggerLike = { debug() {}, info() {}, warn() {}, error() {} };

beforeAll(async () => {
  siteA = await startTestServer({ fallback: handlers.html('<p>a</p>') });
  siteB = await startTestServer({ fallback: handlers.html('<p>b</p>') });
});
afterAll(async () => {
  await siteA?.close();
  await siteB?.close();
});

/** Crawls the given requests with the middleware, over real HTTP to the two loopback sites. */
async function crawl(requests: () => Request[], options: ConstructorParameters<typeof Crawler>[1] = {}) {
  siteA.resetStats();
  siteB.resetStats();
  const spider = defineSpider({
    name: 'rotation',
    start: requests,
    parse: () => undefined,
  });
  const crawler = new Crawler(spider, { downloadHandlers: [httpHandler({ lookup })], logger: quiet, ...options });
  return crawler.crawl();
}

const a = (path: string): string => `http://a.test:${siteA.port}${path}`;
const b = (path: string): string => `http://b.test:${siteB.port}${path}`;
const uas = (server: TestServer): (string | undefined)[] => server.requests.map((r) => r.headers['user-agent'] as string | undefined);

describe('headerRotation in a real crawl', () => {
  it('shows each site one profile with scope slot, whole (User-Agent and companions together)', async () => {
    const pages = (url: (p: string) => string) => Array.from({ length: 5 }, (_, i) => new Request(url(`/p${i}`)));
    const { stats } = await crawl(() => [...pages(a), ...pages(b)], {
      downloaderMiddlewares: [headerRotation({ profiles: PROFILES, scope: 'slot' })],
    });
    for (const site of [siteA, siteB]) {
      expect(site.requests).toHaveLength(5);
      expect(new Set(uas(site)).size).toBe(1);
      const profile = PROFILES.find((p) => p['User-Agent'] === site.requests[0]!.headers['user-agent']);
      expect(profile).toBeDefined();
      for (const r of site.requests) expect(r.headers['x-profile']).toBe(profile!['X-Profile']);
    }
    const counted = PROFILES.reduce((sum, _, i) => sum + (stats[`${HEADER_ROTATION_STATS.profile}/${i}`] as number | undefined ?? 0), 0);
    expect(counted).toBe(10);
  });

  it('rotates per request, keeps hand-set headers, skips and pins by meta, and fails only a bad meta value', async () => {
    const failures: Failure[] = [];
    const errback = (f: Failure): void => void failures.push(f);
    const { stats } = await crawl(
      () => [
        ...Array.from({ length: 6 }, (_, i) => new Request(i % 2 ? a(`/r${i}`) : b(`/r${i}`))),
        new Request(a('/own'), { headers: { 'User-Agent': 'Mine/0.1' } }),
        new Request(a('/bypass'), { meta: { headerProfile: false } }),
        new Request(b('/pinned'), { meta: { headerProfile: 1 } }),
        new Request(b('/bad'), { meta: { headerProfile: 7 }, errback }),
      ],
      { downloaderMiddlewares: [headerRotation({ profiles: PROFILES })] },
    );
    const all = [...siteA.requests, ...siteB.requests];
    const byPath = new Map(all.map((r) => [r.url, r.headers]));
    const rotated = all.filter((r) => r.url.startsWith('/r')).map((r) => r.headers['user-agent']);
    // Six rotated requests over three profiles, round-robin: two of each, whatever the arrival order.
    expect(rotated.sort()).toEqual(['Alpha/1.0', 'Alpha/1.0', 'Beta/2.0', 'Beta/2.0', 'Gamma/3.0', 'Gamma/3.0']);
    expect(byPath.get('/own')?.['user-agent']).toBe('Mine/0.1');
    // The profile still fills what the request did not set.
    expect(PROFILES.map((p) => p['X-Profile'])).toContain(byPath.get('/own')?.['x-profile']);
    expect(byPath.get('/bypass')?.['x-profile']).toBeUndefined();
    expect(KNOWN_UAS).not.toContain(byPath.get('/bypass')?.['user-agent']);
    expect(byPath.get('/pinned')?.['user-agent']).toBe('Beta/2.0');
    expect(byPath.has('/bad')).toBe(false);
    expect(failures).toHaveLength(1);
    expect(failures[0]!.error).toBeInstanceOf(ConfigError);
    expect(String((failures[0]!.error as Error).message)).toMatch(/meta.headerProfile of <GET http:\/\/b.test:\d+\/bad> must be false or a profile index from 0 to 2, got number 7/);
    expect(stats[HEADER_ROTATION_STATS.bypassed]).toBe(1);
  });

  it('is disabled by the headerRotationEnabled setting, which the crawl accepts as a known key', async () => {
    const logs: string[] = [];
    const logger: LoggerLike = { ...quiet, info: (m) => void logs.push(m) };
    await crawl(() => [new Request(a('/off'))], {
      downloaderMiddlewares: [headerRotation({ profiles: PROFILES })],
      overrides: { headerRotationEnabled: false },
      logger,
    });
    expect(siteA.requests).toHaveLength(1);
    expect(siteA.requests[0]!.headers['x-profile']).toBeUndefined();
    expect(logs.some((m) => m.includes('crawl-header-rotation') && m.includes('headerRotationEnabled setting is false'))).toBe(true);
  });
});
