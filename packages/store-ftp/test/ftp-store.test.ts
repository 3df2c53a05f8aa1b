import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, readdir, utimes, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { ConfigError } from '@crawl/core';
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
