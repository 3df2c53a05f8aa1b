import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createDirCache } from '../src/atomic-write.js';
import { fsStore } from '../src/index.js';

// Every mkdir() the store makes goes through this spy (and still creates the directory).
vi.mock(import('node:fs/promises'), async (importOriginal) => {
  const actual = await importOriginal();
  return { ...actual, mkdir: vi.fn(actual.mkdir) as typeof actual.mkdir };
});
const mkdirSpy = vi.mocked(mkdir);
const mkdirsOf = (path: string): number => mkdirSpy.mock.calls.filter(([dir]) => dir === path).length;

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'crawl-store-fs-dirs-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});
beforeEach(() => {
  mkdirSpy.mockClear();
});

const body = new TextEncoder().encode('body');

describe('fsStore remembers the directories it created', () => {
  it('creates a directory once for many files written one after another', async () => {
    const store = fsStore(join(dir, 'seq'));
    for (let i = 0; i < 20; i++) await store.persist(`full/${i}.jpg`, body);
    expect(mkdirsOf(join(dir, 'seq', 'full'))).toBe(1);
    expect(mkdirSpy).toHaveBeenCalledTimes(1);
    expect((await readdir(join(dir, 'seq', 'full'))).length).toBe(20);
  });

  it('creates a directory once for many files written at the same time, streamed or not', async () => {
    const store = fsStore(join(dir, 'conc'));
    await Promise.all([
      ...Array.from({ length: 16 }, (_, i) => store.persist(`thumbs/small/${i}.jpg`, body)),
      ...Array.from({ length: 4 }, (_, i) => store.persistStream(`thumbs/small/s${i}.jpg`, Readable.from([Buffer.from('ab')]))),
      ...Array.from({ length: 16 }, (_, i) => store.persist(`thumbs/big/${i}.jpg`, body)),
    ]);
    expect(mkdirsOf(join(dir, 'conc', 'thumbs', 'small'))).toBe(1);
    expect(mkdirsOf(join(dir, 'conc', 'thumbs', 'big'))).toBe(1);
    expect(mkdirSpy).toHaveBeenCalledTimes(2);
    expect((await readdir(join(dir, 'conc', 'thumbs', 'small'))).length).toBe(20);
  });

  it('remembers a directory that already existed after one mkdir', async () => {
    await mkdir(join(dir, 'existing', 'full'), { recursive: true });
    mkdirSpy.mockClear();
    const store = fsStore(join(dir, 'existing'));
    await store.persist('full/a.jpg', body);
    await store.persist('full/b.jpg', body);
    expect(mkdirSpy).toHaveBeenCalledTimes(1);
  });

  it('still writes when a remembered directory was removed between two persists', async () => {
    const store = fsStore(join(dir, 'removed'));
    await store.persist('full/deep/a.jpg', body);
    await rm(join(dir, 'removed', 'full'), { recursive: true });
    await store.persist('full/deep/b.jpg', body);
    expect(await readFile(store.resolve('full/deep/b.jpg'), 'utf8')).toBe('body');
    expect(await readdir(join(dir, 'removed', 'full', 'deep'))).toEqual(['b.jpg']);
    expect(mkdirsOf(join(dir, 'removed', 'full', 'deep'))).toBe(2);
    // Learnt again: the next file costs no mkdir.
    await store.persist('full/deep/c.jpg', body);
    expect(mkdirsOf(join(dir, 'removed', 'full', 'deep'))).toBe(2);
  });

  it('still streams when a remembered directory was removed, without losing the source', async () => {
    const store = fsStore({ basedir: join(dir, 'removed-stream'), fsync: true });
    await store.persistStream('full/a.bin', Readable.from([Buffer.from('a')]));
    await rm(join(dir, 'removed-stream', 'full'), { recursive: true });
    const result = await store.persistStream('full/b.bin', Readable.from([Buffer.from('ab'), Buffer.from('c')]));
    expect(result.size).toBe(3);
    expect(await readFile(store.resolve('full/b.bin'), 'utf8')).toBe('abc');
    expect(await readdir(join(dir, 'removed-stream', 'full'))).toEqual(['b.bin']);
  });

  it('fails as without the cache when a remembered directory became a file', async () => {
    const store = fsStore(join(dir, 'replaced'));
    await store.persist('full/a.jpg', body);
    await rm(join(dir, 'replaced', 'full'), { recursive: true });
    await writeFile(join(dir, 'replaced', 'full'), 'not a directory');
    const error = await store.persist('full/b.jpg', body).then(
      () => undefined,
      (e: unknown) => e as NodeJS.ErrnoException,
    );
    expect(['EEXIST', 'ENOTDIR']).toContain(error?.code);
    expect(await readdir(join(dir, 'replaced'))).toEqual(['full']);
  });

  it('keeps no temp file and the old file when a stream fails in a remembered directory', async () => {
    const store = fsStore(join(dir, 'stream-fail'));
    await store.persist('full/f.bin', new TextEncoder().encode('old'));
    async function* broken() {
      yield new Uint8Array([1, 2, 3]);
      throw new Error('source broke');
    }
    await expect(store.persistStream('full/f.bin', broken())).rejects.toThrow('source broke');
    expect(await readFile(store.resolve('full/f.bin'), 'utf8')).toBe('old');
    expect(await readdir(join(dir, 'stream-fail', 'full'))).toEqual(['f.bin']);
  });
});

describe('createDirCache', () => {
  it('is bounded: past the limit it forgets everything and learns again', async () => {
    const dirs = createDirCache(2);
    const [a, b, c] = ['a', 'b', 'c'].map((name) => join(dir, 'bounded', name)) as [string, string, string];
    await dirs.ensure(a);
    await dirs.ensure(b);
    expect([dirs.has(a), dirs.has(b)]).toEqual([true, true]);
    await dirs.ensure(c);
    expect([dirs.has(a), dirs.has(b), dirs.has(c)]).toEqual([false, false, true]);
    dirs.forget(c);
    expect(dirs.has(c)).toBe(false);
  });

  it('does not remember a directory it failed to create', async () => {
    await writeFile(join(dir, 'plain-file'), 'x');
    const dirs = createDirCache();
    const target = join(dir, 'plain-file', 'sub');
    await expect(dirs.ensure(target)).rejects.toMatchObject({ code: expect.stringMatching(/^(EEXIST|ENOTDIR)$/) });
    expect(dirs.has(target)).toBe(false);
  });
});
