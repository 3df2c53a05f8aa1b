import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IgnoreRequest, Request } from '@crawl/core';
import { handlers, linkSite, startTestServer, type TestServer } from '@crawl/test-servers';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { cacheIn, cacheStats, pagesSpider, run, STORAGES } from './support/run.js';

let server: TestServer | undefined;
const dirs: string[] = [];
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'crawl-httpcache-'));
  dirs.push(dir);
  return dir;
}
afterEach(async () => {
  await server?.close();
  server = undefined;
});
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

describe.each(STORAGES)('dummy policy replay over %s storage', (kind) => {
  it('replays the first run with zero network requests, the same items, flagged cached', async () => {
    server = await startTestServer({ routes: linkSite({ pages: 10, linksPerPage: 3 }) });
    const base = server.url;
    const dir = await tempDir();
    const spider = () => pagesSpider('replay', () => [new Request(`${base}/`)], true);

    const first = await run(spider(), cacheIn(kind, dir));
    expect(server.requests).toHaveLength(11);
    expect(first.items).toHaveLength(11);
    expect(first.items.every((i) => !i.cached)).toBe(true);
    expect(cacheStats(first.stats)).toEqual({ 'httpcache/miss': 11, 'httpcache/firsthand': 11, 'httpcache/store': 11 });

    server.resetStats();
    const second = await run(spider(), cacheIn(kind, dir, { ignoreMissing: true }));
    expect(server.requests).toHaveLength(0);
    expect(second.items.map(({ cached, flags, ...rest }) => rest)).toEqual(first.items.map(({ cached, flags, ...rest }) => rest));
    expect(second.items.every((i) => i.cached && i.flags.includes('cached'))).toBe(true);
    expect(cacheStats(second.stats)).toEqual({ 'httpcache/hit': 11 });
    expect(second.failures).toEqual([]);
  });
});

describe('dummy policy options end to end', () => {
  it('ignoreMissing: a request not in the cache fails with IgnoreRequest and is never downloaded', async () => {
    server = await startTestServer({ routes: { '/a': handlers.text('A'), '/b': handlers.text('B') } });
    const dir = await tempDir();
    await run(pagesSpider('missing', () => [new Request(`${server!.url}/a`)]), cacheIn('fs', dir));
    server.resetStats();
    const second = await run(pagesSpider('missing', () => [new Request(`${server!.url}/a`), new Request(`${server!.url}/b`)]), cacheIn('fs', dir, { ignoreMissing: true }));
    expect(server.requests).toHaveLength(0);
    expect(second.items.map((i) => i.body)).toEqual(['A']);
    expect(second.failures).toHaveLength(1);
    expect(second.failures[0]!.error).toBeInstanceOf(IgnoreRequest);
    expect(String((second.failures[0]!.error as Error).message)).toMatch(/Ignored request not in cache: <GET .*\/b>/);
    expect(cacheStats(second.stats)).toEqual({ 'httpcache/hit': 1, 'httpcache/miss': 1, 'httpcache/ignore': 1 });
  });

  it('meta.dontCache: the request is downloaded every time and never stored', async () => {
    server = await startTestServer({ routes: { '/live': handlers.text('live'), '/kept': handlers.text('kept') } });
    const dir = await tempDir();
    const spider = () =>
      pagesSpider('dontcache', () => [new Request(`${server!.url}/live`, { meta: { dontCache: true } }), new Request(`${server!.url}/kept`)]);
    const first = await run(spider(), cacheIn('fs', dir));
    expect(cacheStats(first.stats)).toEqual({ 'httpcache/miss': 1, 'httpcache/firsthand': 1, 'httpcache/store': 1 });
    server.resetStats();
    const second = await run(spider(), cacheIn('fs', dir));
    expect(server.requests.map((r) => r.url)).toEqual(['/live']);
    expect(second.items.map((i) => [i.body, i.cached])).toEqual([
      ['kept', true],
      ['live', false],
    ]);
    // dontCache responses do not even get a Date header added.
    expect(cacheStats(second.stats)).toEqual({ 'httpcache/hit': 1 });
  });

  it('ignoreHttpCodes: responses with those statuses are not stored', async () => {
    server = await startTestServer({ routes: { '/ok': handlers.text('ok'), '/gone': handlers.status(404, 'gone') } });
    const dir = await tempDir();
    const spider = () => pagesSpider('codes', () => [new Request(`${server!.url}/ok`), new Request(`${server!.url}/gone`)]);
    const first = await run(spider(), cacheIn('lmdb', dir, { ignoreHttpCodes: [404] }));
    expect(cacheStats(first.stats)).toEqual({ 'httpcache/miss': 2, 'httpcache/firsthand': 2, 'httpcache/store': 1, 'httpcache/uncacheable': 1 });
    server.resetStats();
    const second = await run(spider(), cacheIn('lmdb', dir, { ignoreHttpCodes: [404] }));
    expect(server.requests.map((r) => r.url)).toEqual(['/gone']);
    expect(second.items.map((i) => [i.status, i.cached])).toEqual([
      [404, false],
      [200, true],
    ]);
  });

  it('ignoreSchemes: requests of an ignored scheme bypass the cache without stats', async () => {
    server = await startTestServer({ routes: { '/x': handlers.text('x') } });
    const dir = await tempDir();
    const spider = () => pagesSpider('schemes', () => [new Request(`${server!.url}/x`)]);
    const first = await run(spider(), cacheIn('fs', dir, { ignoreSchemes: ['http'] }));
    await run(spider(), cacheIn('fs', dir, { ignoreSchemes: ['http'] }));
    expect(server.requests).toHaveLength(2);
    expect(cacheStats(first.stats)).toEqual({});
    expect(first.items[0]!.date).toBeDefined();
  });

  it('expirationSecs: entries whose stored timestamp is older are downloaded again', async () => {
    server = await startTestServer({ routes: linkSite({ pages: 3, linksPerPage: 1 }) });
    const dir = await tempDir();
    const spider = () => pagesSpider('expiry', () => [new Request(`${server!.url}/`)], true);
    await run(spider(), cacheIn('fs', dir, { expirationSecs: 3600 }));
    expect(server.requests).toHaveLength(4);

    // Age two of the four entries by rewriting their stored timestamps: 2 hours old.
    const root = join(dir, 'expiry');
    const metas: string[] = [];
    for (const sub of (await readdir(root)).filter((n) => n !== '.tmp')) {
      for (const key of await readdir(join(root, sub))) metas.push(join(root, sub, key, 'meta'));
    }
    expect(metas).toHaveLength(4);
    const aged: string[] = [];
    for (const path of metas.slice(0, 2)) {
      const meta = JSON.parse(await readFile(path, 'utf8'));
      await writeFile(path, JSON.stringify({ ...meta, timestamp: meta.timestamp - 7200 }));
      aged.push(new URL(meta.url).pathname);
    }
    server.resetStats();
    const second = await run(spider(), cacheIn('fs', dir, { expirationSecs: 3600 }));
    expect(server.requests.map((r) => r.url).sort()).toEqual(aged.sort());
    expect(cacheStats(second.stats)).toMatchObject({ 'httpcache/hit': 2, 'httpcache/miss': 2, 'httpcache/store': 2 });
  });

  it('adds a Date header to responses that lack one, and keeps the one a server sent', async () => {
    server = await startTestServer({
      routes: {
        '/nodate': (_req, res) => {
          res.sendDate = false;
          res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': '2' });
          res.end('nd');
        },
        '/dated': handlers.text('d', 200, { Date: 'Sun, 06 Nov 1994 08:49:37 GMT' }),
      },
    });
    const dir = await tempDir();
    const spider = () => pagesSpider('dates', () => [new Request(`${server!.url}/nodate`), new Request(`${server!.url}/dated`)]);
    const before = Date.now();
    const first = await run(spider(), cacheIn('fs', dir));
    const byBody = Object.fromEntries(first.items.map((i) => [i.body, i]));
    const added = Date.parse(byBody['nd']!.date!);
    expect(added).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
    expect(byBody['d']!.date).toBe('Sun, 06 Nov 1994 08:49:37 GMT');
    // The stored copy carries the Date too.
    const second = await run(spider(), cacheIn('fs', dir));
    expect(Object.fromEntries(second.items.map((i) => [i.body, i.date]))).toEqual({ nd: byBody['nd']!.date, d: 'Sun, 06 Nov 1994 08:49:37 GMT' });
  });
});
