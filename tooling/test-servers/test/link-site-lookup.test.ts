import { afterEach, describe, expect, it } from 'vitest';
import { handlers, isLoopbackAddress, linkSite, loopbackLookup, startTestServer, type TestServer } from '../src/index.js';
import { rawRequest } from './helpers.js';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

function linksOf(html: string): string[] {
  return [...html.matchAll(/<a href="([^"]+)"/g)].map((m) => m[1]!);
}

/** Breadth-first crawl from `start`; returns path -> depth. */
async function crawl(base: string, start: string): Promise<Map<string, number>> {
  const depth = new Map<string, number>([[start, 0]]);
  const queue = [start];
  while (queue.length > 0) {
    const path = queue.shift()!;
    const res = await rawRequest(`${base}${path}`);
    expect(res.status, path).toBe(200);
    for (const link of linksOf(res.text)) {
      if (!depth.has(link)) {
        depth.set(link, depth.get(path)! + 1);
        queue.push(link);
      }
    }
  }
  return depth;
}

describe('linkSite', () => {
  it('builds a deterministic linked site', async () => {
    const routes = linkSite({ pages: 10, linksPerPage: 2 });
    expect(Object.keys(routes)).toEqual(['GET /', ...Array.from({ length: 10 }, (_, i) => `GET /page/${i}`)]);
    server = await startTestServer({ routes });

    const home = await rawRequest(`${server.url}/`);
    expect(home.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(linksOf(home.text)).toEqual(['/page/0', '/page/1']);
    const p9 = await rawRequest(`${server.url}/page/9`);
    expect(p9.text).toContain('<h1>Page 9</h1>');
    expect(linksOf(p9.text)).toEqual(['/page/0', '/page/1']);
    const p4 = await rawRequest(`${server.url}/page/4`);
    expect(linksOf(p4.text)).toEqual(['/page/5', '/page/6']);
    expect((await rawRequest(`${server.url}/page/10`)).status).toBe(404);

    const depths = await crawl(server.url, '/');
    expect(depths.size).toBe(11);
    // page k's depth: 1 for k < L, else 1 + ceil((k - L + 1) / L)
    for (let k = 0; k < 10; k++) {
      expect(depths.get(`/page/${k}`), `page ${k}`).toBe(k < 2 ? 1 : 1 + Math.ceil((k - 1) / 2));
    }
    // identical output on a second call
    const again = linkSite({ pages: 10, linksPerPage: 2 });
    expect(Object.keys(again)).toEqual(Object.keys(routes));
  });

  it('defaults to 3 links per page, is a chain with 1, and honours prefix', async () => {
    server = await startTestServer({ routes: { ...linkSite({ pages: 5, linksPerPage: 1, prefix: '/chain/' }), ...linkSite({ pages: 4 }) } });
    const chain = await crawl(server.url, '/chain/');
    expect([...chain.entries()]).toEqual([
      ['/chain/', 0],
      ['/chain/page/0', 1],
      ['/chain/page/1', 2],
      ['/chain/page/2', 3],
      ['/chain/page/3', 4],
      ['/chain/page/4', 5],
    ]);
    const p3 = await rawRequest(`${server.url}/page/3`);
    expect(linksOf(p3.text)).toEqual(['/page/0', '/page/1', '/page/2']);
    expect(() => linkSite({ pages: -1 })).toThrow();
    expect(() => linkSite({ pages: 2, prefix: 'x' })).toThrow();
    expect(Object.keys(linkSite({ pages: 0 }))).toEqual(['GET /']);
  });
});

describe('loopbackLookup', () => {
  type Cb = (err: NodeJS.ErrnoException | null, address?: unknown, family?: number) => void;
  const call = (fn: ReturnType<typeof loopbackLookup>, host: string, opts: unknown) =>
    new Promise<{ err: NodeJS.ErrnoException | null; address: unknown; family: number | undefined }>((resolve) => {
      const cb: Cb = (err, address, family) => resolve({ err, address, family });
      fn(host, opts, cb);
    });

  it('maps listed names to loopback addresses and fails others with ENOTFOUND', async () => {
    const lookup = loopbackLookup({ 'shop.test': '127.0.0.1', 'Other.Test': '127.0.0.2', 'v6.test': '::1' });
    expect(await call(lookup, 'shop.test', {})).toEqual({ err: null, address: '127.0.0.1', family: 4 });
    expect(await call(lookup, 'OTHER.test.', 0)).toEqual({ err: null, address: '127.0.0.2', family: 4 });
    expect(await call(lookup, 'v6.test', { all: true })).toEqual({
      err: null,
      address: [{ address: '::1', family: 6 }],
      family: undefined,
    });
    expect(await call(lookup, '127.0.0.1', {})).toMatchObject({ address: '127.0.0.1', family: 4 });
    const miss = await call(lookup, 'example.com', {});
    expect(miss.err).toMatchObject({ code: 'ENOTFOUND', syscall: 'getaddrinfo', hostname: 'example.com' });
    const wrongFamily = await call(lookup, 'v6.test', { family: 4 });
    expect(wrongFamily.err?.code).toBe('ENOTFOUND');
    // two-argument form, like dns.lookup(hostname, callback)
    const two = await new Promise<unknown>((resolve) => {
      (lookup as unknown as (h: string, cb: Cb) => void)('shop.test', (_e, a) => resolve(a));
    });
    expect(two).toBe('127.0.0.1');
  });

  it('refuses non-loopback addresses', () => {
    expect(() => loopbackLookup({ evil: '10.0.0.1' })).toThrow(/not a loopback/);
    expect(() => loopbackLookup({ name: 'localhost' })).toThrow(/not a loopback/);
    expect(isLoopbackAddress('127.9.9.9')).toBe(true);
    expect(isLoopbackAddress('::ffff:127.0.0.1')).toBe(true);
    expect(isLoopbackAddress('192.168.1.1')).toBe(false);
  });

  it('is usable as the lookup option of http.request', async () => {
    server = await startTestServer({ routes: { '/': handlers.echo() } });
    const lookup = loopbackLookup({ 'shop.test': '127.0.0.1' });
    const res = await rawRequest(`http://shop.test:${server.port}/`, { lookup });
    expect(res.status).toBe(200);
    expect(server.requests[0]!.host).toBe(`shop.test:${server.port}`);
    await expect(rawRequest(`http://nowhere.test:${server.port}/`, { lookup })).rejects.toMatchObject({
      code: 'ENOTFOUND',
    });
  });
});
