import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ConfigError, type FilesStore } from '@crawl/core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { resolveFilesStore } from '../src/index.js';

// Whether a store package is installed depends on the machine: decide it per test.
const installed = new Map<string, Record<string, unknown>>();
vi.mock('@crawl/core', async (importOriginal) => {
  const core = await importOriginal<typeof import('@crawl/core')>();
  return { ...core, importPlugin: async (specifier: string) => installed.get(specifier) };
});

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'crawl-resolve-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('resolveFilesStore', () => {
  it('makes an fs store from a path, a relative path, a file:// URI or a file: URL', async () => {
    const a = (await resolveFilesStore(dir)) as FilesStore & { basedir: string };
    expect(a.scheme).toBe('file');
    expect(a.basedir).toBe(dir);
    expect(((await resolveFilesStore('out/files')) as FilesStore & { basedir: string }).basedir).toBe(resolve('out/files'));
    expect(((await resolveFilesStore(pathToFileURL(dir).href)) as FilesStore & { basedir: string }).basedir).toBe(dir);
    expect(((await resolveFilesStore(pathToFileURL(dir))) as FilesStore & { basedir: string }).basedir).toBe(dir);
  });

  it('uses a store instance as given', async () => {
    const store: FilesStore = { name: 'mine', scheme: 'mem', persist: async () => undefined, stat: async () => undefined };
    expect(await resolveFilesStore(store)).toBe(store);
  });

  for (const [uri, pkg] of [
    ['s3://bucket/images', '@crawl/store-s3'],
    ['gs://bucket/images/', '@crawl/store-gcs'],
    ['ftp://user:pass@127.0.0.1:2121/files', '@crawl/store-ftp'],
  ] as const) {
    it(`says which package ${uri.split(':')[0]}:// needs when it is not installed`, async () => {
      const scheme = uri.split(':')[0];
      await expect(resolveFilesStore(uri)).rejects.toThrow(ConfigError);
      await expect(resolveFilesStore(uri)).rejects.toThrow(`${scheme}:// needs ${pkg} (pnpm add ${pkg})`);
    });

    it(`opens ${uri.split(':')[0]}:// through ${pkg}'s createFilesStore when it is installed`, async () => {
      const seen: URL[] = [];
      const store: FilesStore = { name: pkg, scheme: uri.split(':')[0]!, persist: async () => undefined, stat: async () => undefined };
      installed.set(pkg, { createFilesStore: (u: URL) => (seen.push(u), store) });
      try {
        expect(await resolveFilesStore(uri)).toBe(store);
        expect(seen.map(String)).toEqual([new URL(uri).href]);
      } finally {
        installed.delete(pkg);
      }
    });
  }

  it('refuses unknown schemes, empty strings and objects that are not stores', async () => {
    await expect(resolveFilesStore('webdav://host/x')).rejects.toThrow(/No files store for webdav:\/\//);
    await expect(resolveFilesStore('')).rejects.toThrow(/got an empty string/);
    await expect(resolveFilesStore(42)).rejects.toThrow(/got number/);
    await expect(resolveFilesStore({ persist: 1 })).rejects.toThrow(/FilesStore with persist\(\) and stat\(\)/);
    await expect(resolveFilesStore('file://remote-host/x')).rejects.toThrow(/not a valid file:\/\/ URI/);
  });
});
