import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import { Readable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { ConfigError } from '@crawl/core';
import { testFilesStore } from '@crawl/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkStorePath, createFilesStore, fsStore, FS_STORE_DEFAULTS } from '../src/index.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'crawl-store-fs-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const md5 = (data: Uint8Array | string): string => createHash('md5').update(data).digest('hex');

testFilesStore('fs', () => fsStore(join(dir, 'conformance')), {
  checksumIsMd5: true,
  read: async (path) => readFile(join(dir, 'conformance', ...path.split('/'))),
});
testFilesStore('fs (fsync)', () => fsStore({ basedir: join(dir, 'conformance-fsync'), fsync: true }), { checksumIsMd5: true });

describe('fsStore', () => {
  it('accepts a path, { basedir } or a file: URL, and resolves the root to an absolute path', () => {
    const root = join(dir, 'forms');
    expect(fsStore(root).basedir).toBe(root);
    expect(fsStore({ basedir: root }).basedir).toBe(root);
    expect(fsStore(pathToFileURL(root)).basedir).toBe(root);
    expect(fsStore(pathToFileURL(root).href).basedir).toBe(root);
    expect(createFilesStore(pathToFileURL(root)).scheme).toBe('file');
    expect(FS_STORE_DEFAULTS.fsync).toBe(false);
  });

  it('rejects bad options with ConfigError naming them', () => {
    expect(() => fsStore({ basedir: dir, sync: true } as never)).toThrow(/Unknown fsStore option "sync"/);
    expect(() => fsStore('')).toThrow(ConfigError);
    expect(() => fsStore({ basedir: dir, fsync: 'yes' } as never)).toThrow(/fsync must be a boolean/);
    expect(() => fsStore(42 as never)).toThrow(/directory path or \{ basedir \}/);
  });

  it('writes the exact bytes, creating directories, and stats mtime, size and the md5 of the file', async () => {
    const store = fsStore(join(dir, 'exact'));
    const body = new TextEncoder().encode('hello store');
    await store.persist('full/deep/er/a.txt', body);
    expect(await readFile(join(dir, 'exact', 'full', 'deep', 'er', 'a.txt'), 'utf8')).toBe('hello store');
    const stat = await store.stat('full/deep/er/a.txt');
    expect(stat).toMatchObject({ checksum: md5(body), size: body.byteLength });
    // mtime, not the time of the stat: push it into the past and read it back.
    const past = new Date('2020-01-02T03:04:05Z');
    await utimes(store.resolve('full/deep/er/a.txt'), past, past);
    expect((await store.stat('full/deep/er/a.txt'))!.lastModified.getTime()).toBe(past.getTime());
  });

  it('leaves no temp files behind and never exposes a partial file', async () => {
    const store = fsStore(join(dir, 'atomic'));
    const big = new Uint8Array(4 * 1024 * 1024).fill(7);
    const small = new Uint8Array(10).fill(1);
    await Promise.all([store.persist('x/f.bin', big), store.persist('x/f.bin', small), store.persist('x/f.bin', big)]);
    const stored = await readFile(store.resolve('x/f.bin'));
    expect([big.byteLength, small.byteLength]).toContain(stored.length);
    expect(await readdir(join(dir, 'atomic', 'x'))).toEqual(['f.bin']);
  });

  it('stats a directory or a path under a file as not stored', async () => {
    const store = fsStore(join(dir, 'odd'));
    await store.persist('a/b.txt', new Uint8Array([1]));
    expect(await store.stat('a')).toBeUndefined();
    expect(await store.stat('a/b.txt/c')).toBeUndefined();
  });

  it('streams a body to disk and reports its size and md5 without buffering it', async () => {
    const store = fsStore(join(dir, 'stream'));
    const chunk = new Uint8Array(64 * 1024).map((_, i) => i % 251);
    async function* chunks() {
      for (let i = 0; i < 40; i++) yield chunk;
    }
    const hash = createHash('md5');
    for (let i = 0; i < 40; i++) hash.update(chunk);
    const result = await store.persistStream('big/file.bin', chunks());
    expect(result).toEqual({ size: 40 * chunk.byteLength, checksum: hash.digest('hex') });
    expect((await store.stat('big/file.bin'))!.checksum).toBe(result.checksum);
    const fromReadable = await store.persistStream('big/readable.txt', Readable.from([Buffer.from('ab'), Buffer.from('c')]));
    expect(fromReadable).toEqual({ size: 3, checksum: md5('abc') });
  });

  it('removes the temp file and keeps the old file when a stream fails', async () => {
    const store = fsStore(join(dir, 'stream-fail'));
    await store.persist('f.bin', new TextEncoder().encode('old'));
    async function* broken() {
      yield new Uint8Array([1, 2, 3]);
      throw new Error('source broke');
    }
    await expect(store.persistStream('f.bin', broken())).rejects.toThrow('source broke');
    expect(await readFile(store.resolve('f.bin'), 'utf8')).toBe('old');
    expect(await readdir(join(dir, 'stream-fail'))).toEqual(['f.bin']);
  });
});

describe('path confinement (security)', () => {
  const escapes: [string, RegExp][] = [
    ['/etc/passwd', /"\/etc\/passwd" is absolute/],
    ['\\\\server\\share\\x', /is absolute/],
    ['C:\\Windows\\win.ini', /is absolute/],
    ['c:relative', /is absolute/],
    ['../outside.txt', /contains a "\.\." segment/],
    ['full/../../outside.txt', /contains a "\.\." segment/],
    ['full/..', /contains a "\.\." segment/],
    ['full/..\\..\\outside.txt', /contains a "\.\." segment/],
    ['full/a\0b.txt', /NUL byte/],
    ['', /empty/],
    ['full/', /names a directory/],
    ['.', /names a directory/],
  ];

  for (const [path, message] of escapes) {
    it(`refuses ${JSON.stringify(path)} for persist, persistStream and stat`, async () => {
      const store = fsStore(join(dir, 'jail'));
      await expect(store.persist(path, new Uint8Array([1]))).rejects.toThrow(ConfigError);
      await expect(store.persist(path, new Uint8Array([1]))).rejects.toThrow(message);
      await expect(store.persistStream(path, Readable.from([Buffer.from('x')]))).rejects.toThrow(ConfigError);
      await expect(store.stat(path)).rejects.toThrow(ConfigError);
    });
  }

  it('names the path in the error and writes nothing outside the root', async () => {
    const store = fsStore(join(dir, 'jail2', 'root'));
    await expect(store.persist('../escaped.txt', new Uint8Array([1]))).rejects.toThrow('Store path "../escaped.txt"');
    await mkdir(join(dir, 'jail2'), { recursive: true });
    expect(await readdir(join(dir, 'jail2'))).not.toContain('escaped.txt');
  });

  it('still exports checkStorePath (now in @crawl/store-kit, whose tests cover it)', () => {
    expect(checkStorePath('./full//x/./y.bin')).toEqual(['full', 'x', 'y.bin']);
    expect(() => checkStorePath('../x')).toThrow(ConfigError);
  });

  it('accepts ordinary relative paths, dropping empty and "." segments', async () => {
    const store = fsStore(join(dir, 'ok'));
    expect(store.resolve('./full//x.bin')).toBe(join(dir, 'ok', 'full', 'x.bin'));
    expect(store.resolve('full/x.bin').startsWith(join(dir, 'ok') + sep)).toBe(true);
  });
});
