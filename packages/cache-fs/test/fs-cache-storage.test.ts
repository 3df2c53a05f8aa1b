import { gunzipSync } from 'node:zlib';
import { mkdtemp, readdir, readFile, rm, writeFile, mkdir, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, createResponse, fingerprint, HtmlResponse, Request, type CacheStorage } from '@crawl/core';
import { fakeCrawler, testCacheStorage } from '@crawl/testing';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { fsCacheStorage, FS_CACHE_STORAGE_DEFAULTS } from '../src/index.js';

const roots: string[] = [];
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'crawl-cache-fs-'));
  roots.push(dir);
  return dir;
}
afterAll(async () => {
  await Promise.all(roots.map((d) => rm(d, { recursive: true, force: true })));
});
afterEach(() => {
  vi.useRealTimers();
});

testCacheStorage('fsCacheStorage', async () => fsCacheStorage({ dir: await tempDir() }));
testCacheStorage('fsCacheStorage (gzip)', async () => fsCacheStorage({ dir: await tempDir(), gzip: true }));

async function opened(options: Parameters<typeof fsCacheStorage>[0], spider = 'test'): Promise<[CacheStorage, ReturnType<typeof fakeCrawler>]> {
  const crawler = fakeCrawler({ spider: { name: spider } });
  const storage = fsCacheStorage(options);
  await storage.open!(crawler);
  return [storage, crawler];
}

function page(url: string, body = '<html><body>hi</body></html>', status = 200): [Request, ReturnType<typeof createResponse>] {
  const request = new Request(url, { headers: { Accept: 'text/html', 'X-Req': 'a b' } });
  const response = createResponse(url, {
    status,
    headers: [['Content-Type', 'text/html; charset=utf-8'], ['Set-Cookie', 'a=1'], ['Set-Cookie', 'b=2'], ['X-Spaces', '  padded ']],
    body,
    request,
  });
  return [request, response];
}

describe('fsCacheStorage layout', () => {
  it("writes Scrapy's directory layout with JSON meta and raw HTTP headers", async () => {
    const dir = await tempDir();
    const [storage] = await opened({ dir });
    const [request, response] = page('http://a.test/page?x=1');
    const key = fingerprint(request);
    await storage.store(request, response, key);
    const entry = join(dir, 'test', key.slice(0, 2), key);
    expect((await readdir(entry)).sort()).toEqual(['meta', 'request_body', 'request_headers', 'response_body', 'response_headers']);
    const meta = JSON.parse(await readFile(join(entry, 'meta'), 'utf8'));
    expect(meta).toMatchObject({ url: 'http://a.test/page?x=1', method: 'GET', status: 200, response_url: 'http://a.test/page?x=1' });
    expect(Object.keys(meta).sort()).toEqual(['method', 'response_url', 'status', 'timestamp', 'url']);
    expect(Math.abs(meta.timestamp - Date.now() / 1000)).toBeLessThan(60);
    expect(await readFile(join(entry, 'response_headers'), 'utf8')).toBe(
      'HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nSet-Cookie: a=1\r\nSet-Cookie: b=2\r\nX-Spaces:   padded \r\n\r\n',
    );
    expect(await readFile(join(entry, 'request_headers'), 'utf8')).toBe('Accept: text/html\r\nX-Req: a b\r\n\r\n');
    expect(await readFile(join(entry, 'response_body'), 'utf8')).toBe('<html><body>hi</body></html>');
    expect((await readFile(join(entry, 'request_body'))).length).toBe(0);
    // Nothing left behind in the temporary area.
    expect(await readdir(join(dir, 'test', '.tmp'))).toEqual([]);
  });

  it('reads back the right response class, tied to the request, with header values unchanged', async () => {
    const [storage] = await opened({ dir: await tempDir() });
    const [request, response] = page('http://a.test/p');
    await storage.store(request, response, fingerprint(request));
    const again = new Request('http://a.test/p');
    const cached = await storage.retrieve(again, fingerprint(again));
    expect(cached).toBeInstanceOf(HtmlResponse);
    expect(cached!.request).toBe(again);
    expect(cached!.headers.get('x-spaces')).toBe('  padded ');
    expect((cached as HtmlResponse).css('body::text').get()).toBe('hi');
  });

  it('keeps the response URL and the request body of a POST', async () => {
    const [storage] = await opened({ dir: await tempDir() });
    const request = new Request('http://a.test/form', { method: 'POST', body: 'q=1' });
    const response = createResponse('http://a.test/landing', { status: 201, headers: { 'Content-Type': 'text/plain' }, body: 'ok' });
    const key = fingerprint(request);
    await storage.store(request, response, key);
    const cached = await storage.retrieve(request, key);
    expect(cached!.url).toBe('http://a.test/landing');
    expect(cached!.status).toBe(201);
  });

  it('gzips every file under the same names, readable with zcat, and reads both forms', async () => {
    const dir = await tempDir();
    const [storage] = await opened({ dir, gzip: true });
    const [request, response] = page('http://a.test/gz');
    const key = fingerprint(request);
    await storage.store(request, response, key);
    const entry = join(dir, 'test', key.slice(0, 2), key);
    for (const name of ['meta', 'response_headers', 'response_body', 'request_headers', 'request_body']) {
      const raw = await readFile(join(entry, name));
      expect([raw[0], raw[1]], name).toEqual([0x1f, 0x8b]);
    }
    expect(JSON.parse(gunzipSync(await readFile(join(entry, 'meta'))).toString()).status).toBe(200);
    expect(gunzipSync(await readFile(join(entry, 'response_headers'))).toString()).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    // A storage without gzip still reads gzipped entries, and the other way round.
    const [plain] = await opened({ dir, gzip: false });
    expect((await plain.retrieve(request, key))!.text).toContain('hi');
    const [plainRequest, plainResponse] = page('http://a.test/plain');
    await plain.store(plainRequest, plainResponse, fingerprint(plainRequest));
    expect((await storage.retrieve(plainRequest, fingerprint(plainRequest)))!.text).toContain('hi');
  });

  it('stores a raw gzip-encoded body as is (the body is not mistaken for a gzipped file)', async () => {
    const [storage] = await opened({ dir: await tempDir() });
    const { gzipSync } = await import('node:zlib');
    const encoded = gzipSync('compressed on the wire');
    const request = new Request('http://a.test/enc');
    const response = createResponse(request.url, { headers: { 'Content-Encoding': 'gzip', 'Content-Type': 'text/plain' }, body: encoded });
    await storage.store(request, response, fingerprint(request));
    const cached = await storage.retrieve(request, fingerprint(request));
    expect(Buffer.from(cached!.body)).toEqual(encoded);
  });

  it('puts entries straight under dir with useSpiderSubdir: false, and separates spiders otherwise', async () => {
    const dir = await tempDir();
    const [flat] = await opened({ dir, useSpiderSubdir: false }, 'alpha');
    const [request, response] = page('http://a.test/flat');
    const key = fingerprint(request);
    await flat.store(request, response, key);
    expect((await stat(join(dir, key.slice(0, 2), key))).isDirectory()).toBe(true);

    const [alpha] = await opened({ dir }, 'alpha');
    const [beta] = await opened({ dir }, 'beta');
    await alpha.store(request, response, key);
    expect(await alpha.retrieve(request, key)).toBeDefined();
    expect(await beta.retrieve(request, key)).toBeUndefined();
  });

  it('survives a new storage instance over the same directory (a second run)', async () => {
    const dir = await tempDir();
    const [first] = await opened({ dir });
    const [request, response] = page('http://a.test/again');
    await first.store(request, response, fingerprint(request));
    await first.close?.(fakeCrawler(), 'finished');
    const [second] = await opened({ dir });
    expect((await second.retrieve(request, fingerprint(request)))!.status).toBe(200);
  });
});

describe('fsCacheStorage expiration', () => {
  it('treats entries older than expirationSecs as missing, by the meta timestamp', async () => {
    const dir = await tempDir();
    const [storage] = await opened({ dir, expirationSecs: 60 });
    const [request, response] = page('http://a.test/exp');
    const key = fingerprint(request);
    await storage.store(request, response, key);
    const metaPath = join(dir, 'test', key.slice(0, 2), key, 'meta');
    const meta = JSON.parse(await readFile(metaPath, 'utf8'));
    const now = Date.now() / 1000;

    await writeFile(metaPath, JSON.stringify({ ...meta, timestamp: now - 59 }));
    expect(await storage.retrieve(request, key)).toBeDefined();
    await writeFile(metaPath, JSON.stringify({ ...meta, timestamp: now - 61 }));
    expect(await storage.retrieve(request, key)).toBeUndefined();

    // expirationSecs 0: never expires.
    const [forever] = await opened({ dir, expirationSecs: 0 });
    await writeFile(metaPath, JSON.stringify({ ...meta, timestamp: 1 }));
    expect(await forever.retrieve(request, key)).toBeDefined();
  });

  it('expires by the clock too (system time moved, no sleeping)', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2030-01-01T00:00:00Z'));
    const [storage] = await opened({ dir: await tempDir(), expirationSecs: 3600 });
    const [request, response] = page('http://a.test/clock');
    const key = fingerprint(request);
    await storage.store(request, response, key);
    vi.setSystemTime(new Date('2030-01-01T00:59:59Z'));
    expect(await storage.retrieve(request, key)).toBeDefined();
    vi.setSystemTime(new Date('2030-01-01T01:00:01Z'));
    expect(await storage.retrieve(request, key)).toBeUndefined();
  });
});

describe('fsCacheStorage atomic replacement', () => {
  it('never returns a mix of two entries while writers replace one key', async () => {
    const [storage] = await opened({ dir: await tempDir() });
    const request = new Request('http://a.test/race');
    const key = fingerprint(request);
    const version = (i: number) =>
      createResponse(request.url, { status: 200 + (i % 3), headers: { 'Content-Type': 'text/plain', 'X-Version': String(i) }, body: `v${i}:`.repeat(2000 + i) });
    const seen = new Set<string>();
    let writing = true;
    const readers = async () => {
      // Reads until the writers are done (bounded), then a few more.
      for (let n = 0, after = 0; n < 5000 && after < 5; n++) {
        if (!writing) after++;
        const r = await storage.retrieve(request, key);
        if (!r) continue;
        const v = Number(r.headers.get('x-version'));
        expect(r.status).toBe(200 + (v % 3));
        expect(r.text).toBe(`v${v}:`.repeat(2000 + v));
        seen.add(String(v));
      }
    };
    const writers = Promise.all(Array.from({ length: 20 }, (_, i) => storage.store(request, version(i), key))).finally(() => {
      writing = false;
    });
    await Promise.all([writers, readers(), readers()]);
    const final = await storage.retrieve(request, key);
    expect(final).toBeDefined();
    expect(seen.size).toBeGreaterThan(0);
  });

  it('replaces an entry and leaves no temporary directories', async () => {
    const dir = await tempDir();
    const [storage] = await opened({ dir });
    const [request] = page('http://a.test/r');
    const key = fingerprint(request);
    for (const body of ['one', 'two', 'three']) {
      await storage.store(request, createResponse(request.url, { headers: { 'Content-Type': 'text/plain' }, body }), key);
    }
    expect((await storage.retrieve(request, key))!.text).toBe('three');
    expect(await readdir(join(dir, 'test', '.tmp'))).toEqual([]);
  });

  it('removes directories of dead writers at open and keeps those of live ones', async () => {
    const dir = await tempDir();
    const tmpRoot = join(dir, 'test', '.tmp');
    const deadPid = 2 ** 22 + 12345; // above Linux's pid_max ceiling, so never a live process
    await mkdir(join(tmpRoot, `${deadPid}-abc`), { recursive: true });
    await writeFile(join(tmpRoot, `${deadPid}-abc`, 'response_body'), 'partial');
    await mkdir(join(tmpRoot, `${process.pid}-live`), { recursive: true });
    await opened({ dir });
    expect(await readdir(tmpRoot)).toEqual([`${process.pid}-live`]);
  });
});

describe('fsCacheStorage errors', () => {
  it('rejects unknown options and wrong types with a ConfigError naming the option', () => {
    expect(() => fsCacheStorage({ dirr: 'x' } as never)).toThrow(ConfigError);
    expect(() => fsCacheStorage({ dirr: 'x' } as never)).toThrow(/unknown option "dirr"/);
    expect(() => fsCacheStorage({ expirationSecs: -1 })).toThrow(/expirationSecs must be a finite number >= 0, got -1/);
    expect(() => fsCacheStorage({ gzip: 'yes' as never })).toThrow(/gzip must be a boolean/);
    expect(() => fsCacheStorage({ dir: '' })).toThrow(/dir must be a non-empty path/);
    expect(FS_CACHE_STORAGE_DEFAULTS).toEqual({ dir: '.crawl/httpcache', expirationSecs: 0, gzip: false, useSpiderSubdir: true });
  });

  it('refuses spider names and keys that would escape the cache directory', async () => {
    const dir = await tempDir();
    const storage = fsCacheStorage({ dir });
    await expect(storage.open!(fakeCrawler({ spider: { name: '../evil' } }))).rejects.toThrow(ConfigError);
    const [ok] = await opened({ dir });
    const request = new Request('http://a.test/');
    await expect(ok.retrieve(request, '../../etc')).rejects.toThrow(/cache key "..\/..\/etc"/);
    await expect(ok.store(request, createResponse(request.url), '.tmp')).rejects.toThrow(ConfigError);
  });

  it('says when it is used before open()', async () => {
    const storage = fsCacheStorage({ dir: await tempDir() });
    const request = new Request('http://a.test/');
    await expect(storage.retrieve(request, fingerprint(request))).rejects.toThrow(/before open\(crawler\)/);
  });

  it('treats a damaged entry as a miss and warns', async () => {
    const dir = await tempDir();
    const [storage, crawler] = await opened({ dir });
    const [request, response] = page('http://a.test/broken');
    const key = fingerprint(request);
    await storage.store(request, response, key);
    await writeFile(join(dir, 'test', key.slice(0, 2), key, 'meta'), '{"url": tru');
    expect(await storage.retrieve(request, key)).toBeUndefined();
    expect(crawler.messages('warn', '@crawl/cache-fs').join('\n')).toMatch(/Ignoring unreadable HTTP cache entry .*broken|Ignoring unreadable HTTP cache entry/);
    // Storing again repairs it.
    await storage.store(request, response, key);
    expect(await storage.retrieve(request, key)).toBeDefined();
  });
});
