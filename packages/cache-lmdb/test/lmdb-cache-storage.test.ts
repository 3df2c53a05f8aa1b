import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { ConfigError, createResponse, fingerprint, HtmlResponse, Request, type CacheStorage } from '@crawl/core';
import { fakeCrawler, testCacheStorage } from '@crawl/testing';
import { open as lmdbOpen } from 'lmdb';
import { build } from 'tsup';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { LMDB_CACHE_STORAGE_DEFAULTS, lmdbCacheStorage } from '../src/index.js';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const roots: string[] = [];
const open: [CacheStorage, ReturnType<typeof fakeCrawler>][] = [];
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'crawl-cache-lmdb-'));
  roots.push(dir);
  return dir;
}
afterEach(async () => {
  vi.useRealTimers();
  await Promise.all(open.splice(0).map(([s, c]) => s.close?.(c, 'finished')));
});
afterAll(async () => {
  await Promise.all(roots.map((d) => rm(d, { recursive: true, force: true })));
});

testCacheStorage('lmdbCacheStorage', async () => lmdbCacheStorage({ path: join(await tempDir(), 'db') }));

async function opened(path: string, options: { expirationSecs?: number } = {}, spider = 'test'): Promise<CacheStorage> {
  const crawler = fakeCrawler({ spider: { name: spider } });
  const storage = lmdbCacheStorage({ path, ...options });
  await storage.open!(crawler);
  open.push([storage, crawler]);
  return storage;
}

function html(url: string, body = '<html><body>hi</body></html>'): [Request, ReturnType<typeof createResponse>] {
  const request = new Request(url);
  return [request, createResponse(url, { status: 200, headers: [['Content-Type', 'text/html'], ['ETag', '"x"']], body, request })];
}

describe('lmdbCacheStorage', () => {
  it('rebuilds the response class, tied to the request, and keeps the response URL', async () => {
    const storage = await opened(join(await tempDir(), 'db'));
    const request = new Request('http://a.test/start');
    const response = createResponse('http://a.test/final', { status: 200, headers: { 'Content-Type': 'text/html' }, body: '<html><body>x</body></html>' });
    await storage.store(request, response, fingerprint(request));
    const again = new Request('http://a.test/start');
    const cached = await storage.retrieve(again, fingerprint(again));
    expect(cached).toBeInstanceOf(HtmlResponse);
    expect(cached!.url).toBe('http://a.test/final');
    expect(cached!.request).toBe(again);
  });

  it('keeps spiders apart (keys are <spider>/<fingerprint>) and persists across reopening', async () => {
    const path = join(await tempDir(), 'db');
    const alpha = await opened(path, {}, 'alpha');
    const beta = await opened(path, {}, 'beta');
    const [request, response] = html('http://a.test/p');
    const key = fingerprint(request);
    await alpha.store(request, response, key);
    expect(await alpha.retrieve(request, key)).toBeDefined();
    expect(await beta.retrieve(request, key)).toBeUndefined();
    for (const [s, c] of open.splice(0)) await s.close?.(c, 'finished');
    const reopened = await opened(path, {}, 'alpha');
    expect((await reopened.retrieve(request, key))!.headers.get('etag')).toBe('"x"');
  });

  it('treats records older than expirationSecs as missing (clock moved, no sleeping)', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2030-01-01T00:00:00Z'));
    const path = join(await tempDir(), 'db');
    const storage = await opened(path, { expirationSecs: 3600 });
    const never = await opened(path, { expirationSecs: 0 });
    const [request, response] = html('http://a.test/exp');
    const key = fingerprint(request);
    await storage.store(request, response, key);
    vi.setSystemTime(new Date('2030-01-01T00:59:59Z'));
    expect(await storage.retrieve(request, key)).toBeDefined();
    vi.setSystemTime(new Date('2030-01-01T01:00:01Z'));
    expect(await storage.retrieve(request, key)).toBeUndefined();
    vi.setSystemTime(new Date('2040-01-01T00:00:00Z'));
    expect(await never.retrieve(request, key)).toBeDefined();
  });

  it('rejects bad options, a path it cannot open and use before open() with a ConfigError', async () => {
    expect(() => lmdbCacheStorage({ pth: 'x' } as never)).toThrow(/unknown option "pth"/);
    expect(() => lmdbCacheStorage({ expirationSecs: Number.NaN })).toThrow(ConfigError);
    expect(() => lmdbCacheStorage({ path: '' })).toThrow(/path must be a non-empty path/);
    expect(LMDB_CACHE_STORAGE_DEFAULTS).toEqual({ path: '.crawl/httpcache/lmdb', expirationSecs: 0 });

    const notADb = join(await tempDir(), 'file.mdb');
    await writeFile(notADb, 'this is not an LMDB environment'.repeat(1000));
    const storage = lmdbCacheStorage({ path: notADb });
    expect(() => storage.open!(fakeCrawler())).toThrow(ConfigError);
    expect(() => storage.open!(fakeCrawler())).toThrow(/file\.mdb is not an LMDB data file/);
    // A directory environment whose data.mdb is something else.
    const dirEnv = join(await tempDir(), 'env');
    await mkdir(dirEnv);
    await writeFile(join(dirEnv, 'data.mdb'), Buffer.alloc(8192, 7));
    expect(() => lmdbCacheStorage({ path: dirEnv }).open!(fakeCrawler())).toThrow(/data\.mdb is not an LMDB data file/);
    // A path lmdb cannot create: the error from lmdb, wrapped.
    const blocker = join(await tempDir(), 'plain');
    await writeFile(blocker, 'x');
    expect(() => lmdbCacheStorage({ path: join(blocker, 'sub') }).open!(fakeCrawler())).toThrow(/cannot open the LMDB environment at .*plain\/sub: ENOTDIR/);

    const dirWithExt = join(await tempDir(), 'cache.mdb');
    await mkdir(dirWithExt);
    expect(() => lmdbCacheStorage({ path: dirWithExt }).open!(fakeCrawler())).toThrow(/cache\.mdb is a directory/);

    const unopened = lmdbCacheStorage({ path: join(await tempDir(), 'db') });
    const request = new Request('http://a.test/');
    await expect(unopened.retrieve(request, fingerprint(request))).rejects.toThrow(/before open\(crawler\)/);
  });
});

describe('lmdbCacheStorage damaged records', () => {
  it('treats a record of another format as a miss and warns', async () => {
    const path = join(await tempDir(), 'db');
    const crawler = fakeCrawler();
    const storage = lmdbCacheStorage({ path });
    storage.open!(crawler);
    open.push([storage, crawler]);
    const request = new Request('http://a.test/odd');
    const key = fingerprint(request);
    const raw = lmdbOpen<Buffer, string>({ path, encoding: 'binary' });
    await raw.put(`test/${key}`, Buffer.from('not a record'));
    await raw.put(`test/${key}x`, Buffer.from([1, 2]));
    expect(await storage.retrieve(request, key)).toBeUndefined();
    expect(await storage.retrieve(request, `${key}x`)).toBeUndefined();
    expect(crawler.messages('warn')).toHaveLength(2);
    expect(crawler.messages('warn', '@crawl/cache-lmdb')[1]).toMatch(/Ignoring unreadable LMDB cache record test\/[0-9a-f]+x: cache record too short/);
    await raw.close();
  });
});

describe('lmdbCacheStorage with two processes', () => {
  let outDir = '';
  beforeAll(async () => {
    outDir = await mkdtemp(join(packageDir, 'test', '.tmp-lmdb-'));
    await build({
      entry: { index: join(packageDir, 'src/index.ts') },
      format: ['esm'],
      outDir,
      dts: false,
      silent: true,
      config: false,
      target: 'node20',
      external: ['@crawl/core', 'lmdb'],
    });
    await cp(join(packageDir, 'test/support/lmdb-child.mjs'), join(outDir, 'lmdb-child.mjs'));
  }, 60_000);
  afterAll(async () => {
    if (outDir) await rm(outDir, { recursive: true, force: true });
  });

  it('lets another process read and write the environment while this one has it open', async () => {
    const path = join(await tempDir(), 'db');
    const storage = await opened(path);
    const [request, response] = html('http://a.test/parent', 'written by the parent');
    await storage.store(request, response, fingerprint(request));

    const { stdout } = await promisify(execFile)(process.execPath, [join(outDir, 'lmdb-child.mjs'), pathToFileURL(join(outDir, 'index.js')).href, path], {
      cwd: outDir,
      timeout: 30_000,
    });
    expect(JSON.parse(stdout)).toEqual({ parentBody: 'written by the parent' });
    const child = new Request('http://a.test/child');
    const cached = await storage.retrieve(child, fingerprint(child));
    expect(cached!.status).toBe(203);
    expect(Buffer.from(cached!.body).toString()).toBe('written by the child');
  }, 60_000);
});
