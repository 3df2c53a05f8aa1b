import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm, utimes, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { ConfigError, type Crawler } from '@crawl/core';
import { startFtpServer, type FtpTestServer } from '@crawl/test-servers';
import { testFilesStore } from '@crawl/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFilesStore, ftpOptionsFromUri, ftpStore, FtpStoreError, FTP_STORE_DEFAULTS, maskUri, type FtpStore, type FtpStoreOptions } from '../src/index.js';

let server: FtpTestServer;
const stores: FtpStore[] = [];
beforeAll(async () => {
  server = await startFtpServer({ user: 'crawler', password: 'pa:ss@word' });
});
afterAll(async () => {
  await Promise.all(stores.splice(0).map((s) => s.close()));
  await server.close();
});

const md5 = (data: Uint8Array | string): string => createHash('md5').update(data).digest('hex');

/** A body produced chunk by chunk (odd sizes, random bytes), remembering what it yielded. */
function produced(totalBytes: number, options: { failAfter?: number; error?: unknown; beforeFailing?: () => Promise<void>; onProgress?: (sent: number) => void | Promise<void> } = {}) {
  const sent: Buffer[] = [];
  let reads = 0;
  async function* body(): AsyncGenerator<Uint8Array> {
    reads++;
    let bytes = 0;
    for (let i = 0; bytes < totalBytes; i++) {
      if (options.failAfter !== undefined && bytes >= options.failAfter) {
        await options.beforeFailing?.();
        throw options.error ?? new Error('source failed');
      }
      const chunk = randomBytes(Math.min(totalBytes - bytes, 40_000 + ((i * 7919) % 50_000)));
      sent.push(chunk);
      bytes += chunk.length;
      await options.onProgress?.(bytes);
      yield new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.length);
    }
  }
  return { body, sent: () => Buffer.concat(sent), reads: () => reads };
}

/** Polls `condition` every 10 ms, at most `limit` times. */
async function until(condition: () => boolean, limit = 500): Promise<void> {
  for (let i = 0; i < limit && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  if (!condition()) throw new Error('condition not met in time');
}

/** Dot-prefixed temporary files in a directory of the server's root. */
const tempsIn = (dir: string): string[] => (existsSync(dir) ? readdirSync(dir).filter((f) => f.startsWith('.')) : []);
/** Bytes the server has written to temporary files in `dir` so far. */
const tempBytes = (dir: string): number => tempsIn(dir).reduce((sum, f) => sum + statSync(join(dir, f)).size, 0);

function store(options: Partial<FtpStoreOptions> = {}): FtpStore {
  const s = ftpStore({ host: '127.0.0.1', port: server.port, user: server.user, password: server.password, ...options });
  stores.push(s);
  return s;
}

testFilesStore('ftp', () => store({ basePath: '/conformance' }), {
  read: async (path) => readFile(join(server.root, 'conformance', ...path.split('/'))),
});
testFilesStore('ftp (active mode)', () => store({ basePath: '/conformance-active', passive: false }), {
  read: async (path) => readFile(join(server.root, 'conformance-active', ...path.split('/'))),
});
testFilesStore('ftp (checksum)', () => store({ basePath: 'relative/to/home', checksum: true }), {
  checksumIsMd5: true,
  read: async (path) => readFile(join(server.root, 'relative', 'to', 'home', ...path.split('/'))),
});

describe('ftpStore options and URIs', () => {
  it('has defaults and rejects bad options with ConfigError naming them', () => {
    expect(FTP_STORE_DEFAULTS).toMatchObject({ port: 21, passive: true, secure: false, retries: 3 });
    expect(() => ftpStore({ host: 'h', pasive: false } as never)).toThrow(/Unknown ftpStore option "pasive"/);
    expect(() => ftpStore({ host: '' })).toThrow(ConfigError);
    expect(() => ftpStore({ host: 'h', port: 70000 })).toThrow(/port must be an integer/);
    expect(() => ftpStore({ host: 'h', secure: 'yes' as never })).toThrow(/secure must be true, false or 'implicit'/);
    expect(() => ftpStore({ host: 'h', retries: -1 })).toThrow(/retries/);
    expect(() => ftpStore({ host: 'h', basePath: 'a/../b' })).toThrow(/basePath must not contain/);
    expect(() => ftpStore({ host: 'h', password: 'x', ftpPassword: 'y' })).toThrow(/password and ftpPassword disagree/);
    expect(() => ftpStore({ host: 'h', password: 'se\ncret' })).toThrow(/password must be a string without line breaks/);
    try {
      ftpStore({ host: 'h', password: 'se\ncret' });
    } catch (error) {
      expect(String((error as Error).message)).not.toContain('se\ncret');
    }
  });

  it('reads host, port, credentials and directory from the URI, ftpUser/ftpPassword filling in', () => {
    expect(ftpOptionsFromUri(new URL('ftp://u%40x:p%3Aw@127.0.0.1:2121/files/img'))).toMatchObject({ host: '127.0.0.1', port: 2121, user: 'u@x', password: 'p:w', basePath: '/files/img' });
    expect(ftpOptionsFromUri(new URL('ftp://host/~/sub'), { ftpUser: 'a', ftpPassword: 'b' })).toMatchObject({ host: 'host', basePath: 'sub', ftpUser: 'a', ftpPassword: 'b' });
    expect(ftpOptionsFromUri(new URL('ftps://host'))).toMatchObject({ basePath: '', secure: true });
    expect(ftpOptionsFromUri(new URL('ftp://[::1]:21/x'))).toMatchObject({ host: '::1', basePath: '/x' });
    expect(() => ftpOptionsFromUri(new URL('ftp://u:secret@host/x?y=1'))).toThrow(/query or fragment/);
    expect(() => ftpOptionsFromUri(new URL('ftp://u:secret@host/x?y=1'))).not.toThrow(/secret/);
    const s = createFilesStore(new URL('ftp://u:topsecret@127.0.0.1:2121/files')) as FtpStore;
    expect(s.scheme).toBe('ftp');
    expect(s.description).toBe('ftp://u:***@127.0.0.1:2121/files');
    expect(maskUri('ftp://u:topsecret@h/x')).toBe('ftp://u:***@h/x');
    expect(maskUri('not a uri')).not.toContain('not a uri');
  });
});

describe('ftpStore on a real FTP server', () => {
  it('writes exact bytes under basePath, creating directories, and stats MDTM and SIZE', async () => {
    const s = store({ basePath: '/exact' });
    await s.persist('full/deep/a.txt', new TextEncoder().encode('hello ftp'));
    const file = join(server.root, 'exact', 'full', 'deep', 'a.txt');
    expect(await readFile(file, 'utf8')).toBe('hello ftp');
    const past = new Date('2020-01-02T03:04:05Z');
    await utimes(file, past, past);
    const stat = await s.stat('full/deep/a.txt');
    expect(stat).toEqual({ lastModified: past, size: 9 });
    expect(await s.stat('full/deep/missing.txt')).toBeUndefined();
    expect(await s.stat('nowhere/at/all.txt')).toBeUndefined();
  });

  it('reports the MD5 of the stored file with checksum: true (Scrapy downloads it too)', async () => {
    const s = store({ basePath: '/sums', checksum: true });
    await s.persist('x.bin', new Uint8Array([1, 2, 3]));
    expect((await s.stat('x.bin'))!.checksum).toBe(md5(new Uint8Array([1, 2, 3])));
  });

  it('streams and appends', async () => {
    const s = store({ basePath: '/streams' });
    await s.persistStream('feed/items.jsonl', Readable.from([Buffer.from('{"a":1}\n')]));
    await s.appendStream('feed/items.jsonl', (async function* () {
      yield new TextEncoder().encode('{"a":2}\n');
    })());
    await s.appendStream('feed/new.jsonl', Readable.from([Buffer.from('x')]));
    expect(await readFile(join(server.root, 'streams', 'feed', 'items.jsonl'), 'utf8')).toBe('{"a":1}\n{"a":2}\n');
    expect(await readFile(join(server.root, 'streams', 'feed', 'new.jsonl'), 'utf8')).toBe('x');
  });

  it('runs concurrent operations one at a time over one connection: one login for many files', async () => {
    const before = server.logins();
    const s = store({ basePath: '/serial' });
    const bodies = Array.from({ length: 25 }, (_, i) => new TextEncoder().encode(`file ${i}`));
    await Promise.all(bodies.map((b, i) => s.persist(`dir${i % 3}/f${i}.txt`, b)));
    const stats = await Promise.all(bodies.map((_, i) => s.stat(`dir${i % 3}/f${i}.txt`)));
    expect(stats.every((st) => st !== undefined)).toBe(true);
    expect(server.logins() - before).toBe(1);
    expect(s.logins).toBe(1);
    for (let i = 0; i < 25; i++) expect(await readFile(join(server.root, 'serial', `dir${i % 3}`, `f${i}.txt`), 'utf8')).toBe(`file ${i}`);
  });

  it('reconnects after the server drops the connection', async () => {
    const s = store({ basePath: '/reconnect' });
    await s.persist('a.txt', new TextEncoder().encode('a'));
    expect(s.logins).toBe(1);
    server.dropConnections();
    await s.persist('b.txt', new TextEncoder().encode('b'));
    expect(s.logins).toBe(2);
    expect(await readdir(join(server.root, 'reconnect'))).toEqual(['a.txt', 'b.txt']);
  });

  it('re-creates a directory removed behind its back', async () => {
    const s = store({ basePath: '/gone' });
    await s.persist('d/a.txt', new TextEncoder().encode('a'));
    await import('node:fs/promises').then((fs) => fs.rm(join(server.root, 'gone', 'd'), { recursive: true }));
    await s.persist('d/b.txt', new TextEncoder().encode('b'));
    expect(existsSync(join(server.root, 'gone', 'd', 'b.txt'))).toBe(true);
  });

  it('fails a refused login at once with an error naming host and user, never the password', async () => {
    const failedBefore = server.failedLogins();
    const s = store({ basePath: '/denied', password: 'wrong-Pa55' });
    const error = await s.persist('x.txt', new Uint8Array([1])).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FtpStoreError);
    expect((error as FtpStoreError).ftpCode).toBe(530);
    expect((error as Error).message).toContain(`FTP login to 127.0.0.1:${server.port} as "crawler" was refused`);
    expect((error as Error).message).not.toContain('wrong-Pa55');
    // 5xx is permanent: one attempt, no retries.
    expect(server.failedLogins() - failedBefore).toBe(1);
    expect(existsSync(join(server.root, 'denied'))).toBe(false);
  });

  it('gives up on an unreachable server after the bounded retries', async () => {
    const s = ftpStore({ host: '127.0.0.1', port: 1, user: 'u', password: 'p', retries: 1 });
    const error = await s.stat('x').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FtpStoreError);
    expect((error as Error).message).toMatch(/Cannot connect to FTP server 127\.0\.0\.1:1 \(ECONNREFUSED\)/);
  });

  it('refuses paths that would leave the store directory', async () => {
    const s = store({ basePath: '/jail/inner' });
    await mkdir(join(server.root, 'jail'), { recursive: true });
    for (const path of ['../escape.txt', '/etc/passwd', 'a/../../b', 'C:\\x', '', 'dir/']) {
      await expect(s.persist(path, new Uint8Array([1]))).rejects.toThrow(ConfigError);
      await expect(s.stat(path)).rejects.toThrow(ConfigError);
    }
    expect(existsSync(join(server.root, 'jail', 'escape.txt'))).toBe(false);
  });
});

describe('ftpStore writes through a temporary file', () => {
  it('streams a multi-MiB body chunk by chunk, byte-exact, leaving only the final file', async () => {
    const s = store({ basePath: '/big', checksum: true });
    const { body, sent } = produced(3 * 1024 * 1024 + 4321);
    await s.persistStream('media/video.mp4', body());
    const data = sent();
    expect(await s.stat('media/video.mp4')).toMatchObject({ size: data.length, checksum: md5(data) });
    expect((await readFile(join(server.root, 'big', 'media', 'video.mp4'))).equals(data)).toBe(true);
    expect(await readdir(join(server.root, 'big', 'media'))).toEqual(['video.mp4']);
  });

  it('rejects with the error of a source that fails half-way; nothing at the path, no temporary file left', async () => {
    const s = store({ basePath: '/broken' });
    const dir = join(server.root, 'broken', 'd');
    const error = new Error('download timed out');
    const { body } = produced(4 * 1024 * 1024, {
      failAfter: 1024 * 1024,
      error,
      // The server really holds a partial upload (under the temporary name) when the source fails.
      beforeFailing: () => until(() => tempBytes(dir) >= 512 * 1024),
    });
    await expect(s.persistStream('d/big.bin', body())).rejects.toBe(error);
    expect(await s.stat('d/big.bin')).toBeUndefined();
    // stat() ran after the queued clean-up: the temporary file is gone from the listing.
    expect(await readdir(dir)).toEqual([]);
  });

  it('keeps the previous file when a streamed overwrite fails, and passes the source error on unretried', async () => {
    const s = store({ basePath: '/keep' });
    const before = randomBytes(50_000);
    await s.persist('photo.jpg', before);
    // An error that looks like a network failure must still not be retried: the source is consumed.
    const error = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    const source = produced(2 * 1024 * 1024, { failAfter: 600_000, error, beforeFailing: () => until(() => tempBytes(join(server.root, 'keep')) > 0) });
    await expect(s.persistStream('photo.jpg', source.body())).rejects.toBe(error);
    expect(source.reads()).toBe(1);
    expect(await s.stat('photo.jpg')).toMatchObject({ size: before.length });
    expect((await readFile(join(server.root, 'keep', 'photo.jpg'))).equals(before)).toBe(true);
    expect(await readdir(join(server.root, 'keep'))).toEqual(['photo.jpg']);
  });

  it('leaves no truncated file when the server drops the connection mid-transfer', async () => {
    const s = store({ basePath: '/dropped' });
    const dir = join(server.root, 'dropped');
    await s.persist('f.bin', new TextEncoder().encode('previous'));
    let dropped = false;
    const source = produced(3 * 1024 * 1024, {
      onProgress: async (bytes) => {
        if (!dropped && bytes >= 1024 * 1024) {
          await until(() => tempBytes(dir) >= 256 * 1024);
          dropped = true;
          server.dropConnections();
        }
      },
    });
    const error = await s.persistStream('f.bin', source.body()).catch((e: unknown) => e);
    expect(dropped).toBe(true);
    expect(error).toBeInstanceOf(FtpStoreError);
    // Reported with its real cause, not as a retry refused for want of a fresh source.
    expect((error as Error).message).toMatch(/upload "f\.bin" failed \(/);
    expect((error as Error).message).not.toMatch(/cannot be retried|attempts/);
    expect(await readFile(join(dir, 'f.bin'), 'utf8')).toBe('previous');
    expect(await s.stat('f.bin')).toMatchObject({ size: 8 });
    expect(await readdir(dir)).toEqual(['f.bin']);
  });

  it('persist() overwrites through a temporary file too', async () => {
    const s = store({ basePath: '/over' });
    await s.persist('a/x.txt', new TextEncoder().encode('first'));
    await s.persist('a/x.txt', new TextEncoder().encode('second, longer'));
    expect(await readFile(join(server.root, 'over', 'a', 'x.txt'), 'utf8')).toBe('second, longer');
    expect(await readdir(join(server.root, 'over', 'a'))).toEqual(['x.txt']);
  });

  it('refuses a source that is not a stream, or yields something other than bytes, with a ConfigError', async () => {
    const s = store({ basePath: '/badsource' });
    await expect(s.persistStream('a.txt', 'text' as never)).rejects.toThrow(/source must be a Node readable or an AsyncIterable<Uint8Array>, got string/);
    const strings = (async function* () {
      yield 'text' as unknown as Uint8Array;
    })();
    await expect(s.persistStream('b.txt', strings)).rejects.toThrow(/yielded string, not a Uint8Array/);
    expect(await s.stat('b.txt')).toBeUndefined();
    expect(tempsIn(join(server.root, 'badsource'))).toEqual([]);
  });

  it('warns, naming the temporary file, when the server is gone before it could be removed', async () => {
    const root = await mkdtemp(join(tmpdir(), 'crawl-ftp-gone-'));
    const gone = await startFtpServer({ root });
    try {
      const warnings: string[] = [];
      const s = ftpStore({ host: '127.0.0.1', port: gone.port, user: gone.user, password: gone.password, retries: 0 });
      const noop = (): void => undefined;
      const logger = { debug: noop, info: noop, error: noop, warn: (message: string) => void warnings.push(message), child: () => logger };
      s.open!({ logger } as unknown as Crawler);
      const source = produced(4 * 1024 * 1024, {
        failAfter: 1024 * 1024,
        beforeFailing: async () => {
          await until(() => tempBytes(root) > 0);
          await gone.close();
        },
      });
      await expect(s.persistStream('big.bin', source.body())).rejects.toBeInstanceOf(FtpStoreError);
      await s.close();
      const [temp] = tempsIn(root);
      expect(temp).toMatch(/^\.big\.bin\.[0-9a-f]{12}\.tmp$/);
      expect(existsSync(join(root, 'big.bin'))).toBe(false);
      expect(warnings).toEqual([expect.stringContaining(`could not remove the temporary file(s) /${temp} of a failed upload`)]);
      expect(warnings[0]).not.toContain(gone.password);
    } finally {
      await gone.close();
      await rm(root, { recursive: true, force: true });
    }
  });

  describe('on a server that will not rename onto an existing file', () => {
    let strict: FtpTestServer;
    beforeAll(async () => {
      strict = await startFtpServer({ renameReplaces: false });
    });
    afterAll(() => strict.close());

    it('replaces the file by deleting it first, and still keeps it when the upload fails', async () => {
      const s = ftpStore({ host: '127.0.0.1', port: strict.port, user: strict.user, password: strict.password, basePath: '/iis' });
      stores.push(s);
      await s.persist('x.txt', new TextEncoder().encode('one'));
      await s.persist('x.txt', new TextEncoder().encode('two'));
      const { body, sent } = produced(300_000);
      await s.persistStream('x.txt', body());
      expect((await readFile(join(strict.root, 'iis', 'x.txt'))).equals(sent())).toBe(true);
      await expect(s.persistStream('x.txt', produced(300_000, { failAfter: 100_000 }).body())).rejects.toThrow('source failed');
      expect((await readFile(join(strict.root, 'iis', 'x.txt'))).equals(sent())).toBe(true);
      expect(await s.stat('x.txt')).toMatchObject({ size: 300_000 });
      expect(await readdir(join(strict.root, 'iis'))).toEqual(['x.txt']);
    });
  });
});

describe('FTPS', () => {
  let tlsServer: FtpTestServer;
  beforeAll(async () => {
    const dir = join(import.meta.dirname, 'fixtures');
    tlsServer = await startFtpServer({ tls: { key: await readFile(join(dir, 'key.pem')), cert: await readFile(join(dir, 'cert.pem')) } });
  });
  afterAll(() => tlsServer.close());

  it('uploads over explicit TLS (AUTH TLS), refusing an untrusted certificate unless tlsVerify is false', async () => {
    const base = { host: '127.0.0.1', port: tlsServer.port, user: tlsServer.user, password: tlsServer.password, secure: true, retries: 0 } as const;
    const strict = ftpStore(base);
    await expect(strict.persist('x.txt', new Uint8Array([1]))).rejects.toThrow(/self.signed|certificate/i);
    const s = ftpStore({ ...base, tlsVerify: false, basePath: '/tls' });
    stores.push(s);
    await s.persist('sub/secure.txt', new TextEncoder().encode('over tls'));
    expect(await readFile(join(tlsServer.root, 'tls', 'sub', 'secure.txt'), 'utf8')).toBe('over tls');
    expect((await s.stat('sub/secure.txt'))!.size).toBe(8);
  });
});
