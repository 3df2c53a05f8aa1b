import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError, createResponse, fingerprint, HtmlResponse, Request, type CacheStorage } from '@crawl/core';
import { fakeCrawler, testCacheStorage } from '@crawl/testing';
import { ClassicLevel } from 'classic-level';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { LEVEL_CACHE_STORAGE_DEFAULTS, levelCacheStorage } from '../src/index.js';

const support = fileURLToPath(new URL('./support/', import.meta.url));
const roots: string[] = [];
const open: [CacheStorage, ReturnType<typeof fakeCrawler>][] = [];
let child: ChildProcess | undefined;

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'crawl-cache-level-'));
  roots.push(dir);
  return dir;
}
afterEach(async () => {
  vi.useRealTimers();
  if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  child = undefined;
  await Promise.all(open.splice(0).map(([s, c]) => s.close?.(c, 'finished')));
});
afterAll(async () => {
  await Promise.all(roots.map((d) => rm(d, { recursive: true, force: true })));
});

testCacheStorage('levelCacheStorage', async () => levelCacheStorage({ path: join(await tempDir(), 'db') }));

async function opened(path: string, options: { expirationSecs?: number } = {}, spider = 'test'): Promise<[CacheStorage, ReturnType<typeof fakeCrawler>]> {
  const crawler = fakeCrawler({ spider: { name: spider } });
  const storage = levelCacheStorage({ path, ...options });
  await storage.open!(crawler);
  open.push([storage, crawler]);
  return [storage, crawler];
}

function html(url: string, body = '<html><body>hi</body></html>'): [Request, ReturnType<typeof createResponse>] {
  const request = new Request(url);
  return [request, createResponse(url, { status: 200, headers: [['Content-Type', 'text/html'], ['Vary', 'a'], ['Vary', 'b']], body, request })];
}

describe('levelCacheStorage', () => {
  it('rebuilds the response class, tied to the request, with repeated headers in order', async () => {
    const [storage] = await opened(join(await tempDir(), 'db'));
    const [request, response] = html('http://a.test/p');
    await storage.store(request, response, fingerprint(request));
    const again = new Request('http://a.test/p');
    const cached = await storage.retrieve(again, fingerprint(again));
    expect(cached).toBeInstanceOf(HtmlResponse);
    expect(cached!.request).toBe(again);
    expect(cached!.headers.getAll('vary')).toEqual(['a', 'b']);
  });

  it('keeps spiders apart and persists across reopening', async () => {
    const path = join(await tempDir(), 'db');
    const [alpha] = await opened(path, {}, 'alpha');
    const [request, response] = html('http://a.test/k');
    const key = fingerprint(request);
    await alpha.store(request, response, key);
    for (const [s, c] of open.splice(0)) await s.close?.(c, 'finished');
    const [beta] = await opened(path, {}, 'beta');
    expect(await beta.retrieve(request, key)).toBeUndefined();
    for (const [s, c] of open.splice(0)) await s.close?.(c, 'finished');
    const [again] = await opened(path, {}, 'alpha');
    expect((await again.retrieve(request, key))!.status).toBe(200);
  });

  it('treats records older than expirationSecs as missing (clock moved, no sleeping)', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2030-01-01T00:00:00Z'));
    const [storage] = await opened(join(await tempDir(), 'db'), { expirationSecs: 60 });
    const [request, response] = html('http://a.test/exp');
    const key = fingerprint(request);
    await storage.store(request, response, key);
    vi.setSystemTime(new Date('2030-01-01T00:00:59Z'));
    expect(await storage.retrieve(request, key)).toBeDefined();
    vi.setSystemTime(new Date('2030-01-01T00:01:01Z'));
    expect(await storage.retrieve(request, key)).toBeUndefined();
  });

  it('treats a damaged record as a miss and warns', async () => {
    const path = join(await tempDir(), 'db');
    const [storage] = await opened(path);
    const request = new Request('http://a.test/odd');
    await storage.store(request, createResponse(request.url, { body: 'x' }), fingerprint(request));
    for (const [s, c] of open.splice(0)) await s.close?.(c, 'finished');
    const raw = new ClassicLevel<string, Uint8Array>(path, { valueEncoding: 'view' });
    await raw.put(`test/${fingerprint(request)}`, new Uint8Array([0, 0, 0, 0, 0, 0, 0, 0, 255, 255, 255, 255]));
    await raw.close();
    const [again, crawler2] = await opened(path);
    expect(await again.retrieve(request, fingerprint(request))).toBeUndefined();
    expect(crawler2.messages('warn', '@crawl/cache-leveldb')[0]).toMatch(/Ignoring unreadable LevelDB cache record test\/[0-9a-f]+: cache record truncated/);
  });

  it('rejects bad options and use before open() with a ConfigError', async () => {
    expect(() => levelCacheStorage({ location: 'x' } as never)).toThrow(/unknown option "location" \(known: path, expirationSecs\)/);
    expect(() => levelCacheStorage({ expirationSecs: -5 })).toThrow(ConfigError);
    expect(() => levelCacheStorage({ path: 42 as never })).toThrow(/path must be a non-empty path, got 42/);
    expect(LEVEL_CACHE_STORAGE_DEFAULTS).toEqual({ path: '.crawl/httpcache/leveldb', expirationSecs: 0 });
    const storage = levelCacheStorage({ path: join(await tempDir(), 'db') });
    const request = new Request('http://a.test/');
    await expect(storage.retrieve(request, fingerprint(request))).rejects.toThrow(/before open\(crawler\)/);
  });
});

describe('levelCacheStorage locking', () => {
  it('fails with a clear ConfigError while another process holds the database, and opens once it is gone', async () => {
    const path = join(await tempDir(), 'db');
    const proc = spawn(process.execPath, [join(support, 'hold-open.mjs'), path], { cwd: support, stdio: ['ignore', 'pipe', 'pipe'] });
    child = proc;
    let stderr = '';
    proc.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    await new Promise<void>((resolve, reject) => {
      proc.stdout!.on('data', (d: Buffer) => {
        if (d.toString().includes('ready')) resolve();
      });
      proc.once('exit', (code) => reject(new Error(`holder exited (${code}): ${stderr}`)));
    });

    const storage = levelCacheStorage({ path });
    const error = await Promise.resolve(storage.open!(fakeCrawler())).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(/LevelDB database at .*db is locked by another process/);
    expect((error as Error).message).toMatch(/@crawl\/cache-lmdb/);

    const exited = new Promise((resolve) => proc.once('exit', resolve));
    proc.kill('SIGKILL');
    await exited;
    await opened(path);
  }, 30_000);

  it('refuses a second handle in the same process too', async () => {
    const path = join(await tempDir(), 'db');
    await opened(path);
    await expect(Promise.resolve(levelCacheStorage({ path }).open!(fakeCrawler()))).rejects.toThrow(/is locked by another process \(or another open handle in this one\)/);
  });

  it('wraps other open failures in a ConfigError naming the path', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'file'), 'x');
    await expect(Promise.resolve(levelCacheStorage({ path: join(dir, 'file', 'db') }).open!(fakeCrawler()))).rejects.toThrow(
      /cannot open the LevelDB database at .*file\/db/,
    );
  });
});
