import type { IncomingMessage, ServerResponse } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConnectionRefusedError, Request } from '@crawl/core';
import { startTestServer, type TestServer } from '@crawl/test-servers';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { cacheIn, cacheStats, pagesSpider, run, STORAGES } from './support/run.js';

let server: TestServer | undefined;
const dirs: string[] = [];
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'crawl-httpcache-rfc-'));
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

/** A resource whose ETag and body the test changes; answers 304 to a matching If-None-Match. */
function etagResource(state: { etag: string; body: string; cacheControl: string; status?: number }) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    if (state.status !== undefined) {
      res.writeHead(state.status, { 'Content-Type': 'text/plain', 'Content-Length': '4' });
      res.end('down');
      return;
    }
    if (req.headers['if-none-match'] === state.etag) {
      res.writeHead(304, { ETag: state.etag });
      res.end();
      return;
    }
    res.writeHead(200, { 'Content-Type': 'text/plain', ETag: state.etag, 'Cache-Control': state.cacheControl, 'Content-Length': Buffer.byteLength(state.body) });
    res.end(state.body);
  };
}

const spiderFor = (url: string, headers: Record<string, string> = {}) => pagesSpider('rfc', () => [new Request(url, { headers })]);

describe.each(STORAGES)('RFC 2616 revalidation over %s storage', (kind) => {
  it('revalidates a stale entry with If-None-Match and turns the 304 into the cached response', async () => {
    const state = { etag: '"v1"', body: 'version one', cacheControl: 'max-age=0' };
    server = await startTestServer({ routes: { '/doc': etagResource(state) } });
    const dir = await tempDir();
    const url = `${server.url}/doc`;

    const first = await run(spiderFor(url), cacheIn(kind, dir, { policy: 'rfc2616' }));
    expect(first.items.map((i) => [i.body, i.cached])).toEqual([['version one', false]]);
    expect(cacheStats(first.stats)).toEqual({ 'httpcache/miss': 1, 'httpcache/firsthand': 1, 'httpcache/store': 1 });

    const second = await run(spiderFor(url), cacheIn(kind, dir, { policy: 'rfc2616' }));
    expect(server.requests).toHaveLength(2);
    expect(server.requests[1]!.headers['if-none-match']).toBe('"v1"');
    expect(second.items.map((i) => [i.status, i.body, i.cached])).toEqual([[200, 'version one', true]]);
    expect(cacheStats(second.stats)).toEqual({ 'httpcache/revalidate': 1 });
  });
});

describe('RFC 2616 policy end to end', () => {
  it('revalidates with If-Modified-Since from Last-Modified', async () => {
    const lastModified = 'Tue, 01 Jan 2019 00:00:00 GMT';
    server = await startTestServer({
      routes: {
        '/lm': (req, res) => {
          if (req.headers['if-modified-since'] === lastModified) {
            res.writeHead(304);
            res.end();
            return;
          }
          // Date = Last-Modified: the heuristic lifetime is 0, so the entry is stale at once.
          res.writeHead(200, { 'Content-Type': 'text/plain', 'Last-Modified': lastModified, Date: lastModified, 'Content-Length': '2' });
          res.end('lm');
        },
      },
    });
    const dir = await tempDir();
    await run(spiderFor(`${server.url}/lm`), cacheIn('fs', dir, { policy: 'rfc2616' }));
    const second = await run(spiderFor(`${server.url}/lm`), cacheIn('fs', dir, { policy: 'rfc2616' }));
    expect(server.requests.map((r) => r.headers['if-modified-since'])).toEqual([undefined, lastModified]);
    expect(server.requests[1]!.headers['if-none-match']).toBeUndefined();
    expect(second.items.map((i) => [i.body, i.cached])).toEqual([['lm', true]]);
    expect(cacheStats(second.stats)).toEqual({ 'httpcache/revalidate': 1 });
  });

  it('serves a fresh entry (max-age) without any request', async () => {
    const state = { etag: '"f"', body: 'fresh', cacheControl: 'max-age=3600' };
    server = await startTestServer({ routes: { '/fresh': etagResource(state) } });
    const dir = await tempDir();
    await run(spiderFor(`${server.url}/fresh`), cacheIn('leveldb', dir, { policy: 'rfc2616' }));
    const second = await run(spiderFor(`${server.url}/fresh`), cacheIn('leveldb', dir, { policy: 'rfc2616' }));
    expect(server.requests).toHaveLength(1);
    expect(second.items.map((i) => [i.body, i.cached])).toEqual([['fresh', true]]);
    expect(cacheStats(second.stats)).toEqual({ 'httpcache/hit': 1 });
  });

  it('stores the new response when the resource changed, and revalidates against it next time', async () => {
    const state = { etag: '"v1"', body: 'one', cacheControl: 'max-age=0' };
    server = await startTestServer({ routes: { '/doc': etagResource(state) } });
    const dir = await tempDir();
    const url = `${server.url}/doc`;
    await run(spiderFor(url), cacheIn('lmdb', dir, { policy: 'rfc2616' }));
    Object.assign(state, { etag: '"v2"', body: 'two' });
    const second = await run(spiderFor(url), cacheIn('lmdb', dir, { policy: 'rfc2616' }));
    expect(second.items.map((i) => [i.body, i.cached])).toEqual([['two', false]]);
    expect(cacheStats(second.stats)).toEqual({ 'httpcache/invalidate': 1, 'httpcache/store': 1 });
    const third = await run(spiderFor(url), cacheIn('lmdb', dir, { policy: 'rfc2616' }));
    expect(server.requests.map((r) => r.headers['if-none-match'])).toEqual([undefined, '"v1"', '"v2"']);
    expect(third.items.map((i) => [i.body, i.cached])).toEqual([['two', true]]);
  });

  it('never stores a no-store response', async () => {
    const state = { etag: '"n"', body: 'secret', cacheControl: 'no-store, max-age=3600' };
    server = await startTestServer({ routes: { '/ns': etagResource(state) } });
    const dir = await tempDir();
    const first = await run(spiderFor(`${server.url}/ns`), cacheIn('fs', dir, { policy: 'rfc2616' }));
    expect(cacheStats(first.stats)).toEqual({ 'httpcache/miss': 1, 'httpcache/firsthand': 1, 'httpcache/uncacheable': 1 });
    const second = await run(spiderFor(`${server.url}/ns`), cacheIn('fs', dir, { policy: 'rfc2616' }));
    expect(server.requests).toHaveLength(2);
    expect(second.items[0]!.cached).toBe(false);
    // ...unless told to ignore the directive.
    await run(spiderFor(`${server.url}/ns`), cacheIn('fs', dir, { policy: 'rfc2616', ignoreResponseCacheControls: ['no-store'] }));
    const fourth = await run(spiderFor(`${server.url}/ns`), cacheIn('fs', dir, { policy: 'rfc2616' }));
    expect(server.requests).toHaveLength(3);
    expect(fourth.items[0]!.cached).toBe(true);
  });

  it('bypasses the cache for a request with Cache-Control: no-store', async () => {
    const state = { etag: '"r"', body: 'r', cacheControl: 'max-age=3600' };
    server = await startTestServer({ routes: { '/r': etagResource(state) } });
    const dir = await tempDir();
    await run(spiderFor(`${server.url}/r`), cacheIn('fs', dir, { policy: 'rfc2616' }));
    const second = await run(spiderFor(`${server.url}/r`, { 'Cache-Control': 'no-store' }), cacheIn('fs', dir, { policy: 'rfc2616' }));
    expect(server.requests).toHaveLength(2);
    expect(second.items[0]!.cached).toBe(false);
    expect(cacheStats(second.stats)).toEqual({});
  });

  it('downloads again when the request says no-cache, and a request max-stale accepts the stale entry', async () => {
    const state = { etag: '"s"', body: 'stale ok', cacheControl: 'max-age=0' };
    server = await startTestServer({ routes: { '/s': etagResource(state) } });
    const dir = await tempDir();
    const url = `${server.url}/s`;
    await run(spiderFor(url), cacheIn('fs', dir, { policy: 'rfc2616' }));
    const stale = await run(spiderFor(url, { 'Cache-Control': 'max-stale' }), cacheIn('fs', dir, { policy: 'rfc2616' }));
    expect(server.requests).toHaveLength(1);
    expect(stale.items.map((i) => [i.body, i.cached])).toEqual([['stale ok', true]]);
    expect(cacheStats(stale.stats)).toEqual({ 'httpcache/hit': 1 });
    const bounded = await run(spiderFor(url, { 'Cache-Control': 'max-stale=86400' }), cacheIn('fs', dir, { policy: 'rfc2616' }));
    expect(server.requests).toHaveLength(1);
    expect(bounded.items[0]!.cached).toBe(true);
    // no-cache: not fresh, and Scrapy adds no validators then, so the full response comes back.
    const noCache = await run(spiderFor(url, { 'Cache-Control': 'no-cache' }), cacheIn('fs', dir, { policy: 'rfc2616' }));
    expect(server.requests).toHaveLength(2);
    expect(server.requests[1]!.headers['if-none-match']).toBeUndefined();
    expect(noCache.items[0]!.cached).toBe(false);
    expect(cacheStats(noCache.stats)).toEqual({ 'httpcache/invalidate': 1, 'httpcache/store': 1 });
  });

  it('keeps the cached response when revalidation gets a 5xx, unless it said must-revalidate', async () => {
    const state: { etag: string; body: string; cacheControl: string; status?: number } = { etag: '"e"', body: 'good', cacheControl: 'max-age=0' };
    server = await startTestServer({ routes: { '/e': etagResource(state) } });
    const dir = await tempDir();
    const url = `${server.url}/e`;
    await run(spiderFor(url), cacheIn('fs', dir, { policy: 'rfc2616' }));
    state.status = 503;
    const outage = await run(spiderFor(url), cacheIn('fs', dir, { policy: 'rfc2616' }));
    expect(outage.items.map((i) => [i.status, i.body, i.cached])).toEqual([[200, 'good', true]]);
    expect(cacheStats(outage.stats)).toEqual({ 'httpcache/revalidate': 1 });

    delete state.status;
    state.cacheControl = 'max-age=0, must-revalidate';
    state.etag = '"m"';
    await run(spiderFor(url), cacheIn('fs', dir, { policy: 'rfc2616' }));
    state.status = 503;
    const strict = await run(spiderFor(url), cacheIn('fs', dir, { policy: 'rfc2616' }));
    expect(strict.items.map((i) => [i.status, i.cached])).toEqual([[503, false]]);
    expect(cacheStats(strict.stats)).toEqual({ 'httpcache/invalidate': 1, 'httpcache/uncacheable': 1 });
  });

  it('serves the stale entry when the server cannot be reached (error recovery)', async () => {
    const state = { etag: '"x"', body: 'offline copy', cacheControl: 'max-age=0' };
    server = await startTestServer({ routes: { '/x': etagResource(state) } });
    const dir = await tempDir();
    const url = `${server.url}/x`;
    await run(spiderFor(url), cacheIn('fs', dir, { policy: 'rfc2616' }));
    await server.close();
    const offline = await run(spiderFor(url), cacheIn('fs', dir, { policy: 'rfc2616' }));
    expect(offline.items.map((i) => [i.body, i.cached])).toEqual([['offline copy', true]]);
    expect(cacheStats(offline.stats)).toEqual({ 'httpcache/errorrecovery': 1 });
    // Without a cached copy the error reaches the errback as usual.
    const other = await run(spiderFor(`${url}?new`), cacheIn('fs', dir, { policy: 'rfc2616' }));
    expect(other.failures.map((f) => f.error)).toEqual([expect.any(ConnectionRefusedError)]);
  });

  it('stores permanent redirects for a year and nothing that cannot be revalidated', async () => {
    server = await startTestServer({
      routes: {
        '/moved': (_req, res) => {
          res.writeHead(301, { Location: '/elsewhere', 'Content-Length': '0' });
          res.end();
        },
        '/plain': (_req, res) => {
          res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': '5' });
          res.end('plain');
        },
      },
    });
    const dir = await tempDir();
    const spider = () => pagesSpider('rfc', () => [new Request(`${server!.url}/moved`), new Request(`${server!.url}/plain`)]);
    const first = await run(spider(), cacheIn('fs', dir, { policy: 'rfc2616' }));
    expect(cacheStats(first.stats)).toEqual({ 'httpcache/miss': 2, 'httpcache/firsthand': 2, 'httpcache/store': 1, 'httpcache/uncacheable': 1 });
    const second = await run(spider(), cacheIn('fs', dir, { policy: 'rfc2616' }));
    expect(server.requests.map((r) => r.url)).toEqual(expect.arrayContaining(['/moved', '/plain', '/plain']));
    expect(server.requests).toHaveLength(3);
    expect(second.items.map((i) => [i.status, i.cached])).toEqual([
      [301, true],
      [200, false],
    ]);
    // alwaysStore keeps even the one without validators, for later use with max-stale.
    const stored = await run(spider(), cacheIn('fs', dir, { policy: 'rfc2616', alwaysStore: true }));
    expect(server.requests).toHaveLength(4);
    expect(cacheStats(stored.stats)).toEqual({ 'httpcache/hit': 1, 'httpcache/miss': 1, 'httpcache/firsthand': 1, 'httpcache/store': 1 });
    const stale = await run(pagesSpider('rfc', () => [new Request(`${server!.url}/plain`, { headers: { 'Cache-Control': 'max-stale' } })]), cacheIn('fs', dir, { policy: 'rfc2616' }));
    expect(server.requests).toHaveLength(4);
    expect(stale.items.map((i) => [i.body, i.cached])).toEqual([['plain', true]]);
  });
});
