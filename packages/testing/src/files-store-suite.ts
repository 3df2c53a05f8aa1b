import { createHash } from 'node:crypto';
import type { FilesStore } from '@crawl/core';
import { describe, expect, it } from 'vitest';

export interface FilesStoreSuiteOptions {
  /** Reads a stored file back, to check byte-for-byte integrity (optional). */
  read?: (path: string) => Promise<Uint8Array | undefined>;
  /** Whether `stat().checksum` is the MD5 hex of the body (fs: yes; S3 ETag for single-part uploads: yes). */
  checksumIsMd5?: boolean;
}

/** The behaviour every FilesStore (fs, S3, GCS, FTP) must share. */
export function testFilesStore(name: string, factory: () => FilesStore | Promise<FilesStore>, options: FilesStoreSuiteOptions = {}): void {
  describe(`FilesStore conformance: ${name}`, () => {
    const body = new Uint8Array(70_000).map((_, i) => (i * 31 + 7) % 256);

    it('has a name and a scheme', async () => {
      const store = await factory();
      expect(typeof store.name).toBe('string');
      expect(store.scheme).toMatch(/^[a-z][a-z0-9+.-]*$/);
    });

    it('stats a missing path as undefined', async () => {
      const store = await factory();
      expect(await store.stat(`missing/${Date.now()}-${Math.random()}.bin`)).toBeUndefined();
    });

    it('persists then stats, in nested folders', async () => {
      const store = await factory();
      const path = `full/${Date.now()}/a/b/${Math.random().toString(36).slice(2)}.bin`;
      const before = Date.now();
      await store.persist(path, body, { contentType: 'application/octet-stream' });
      const stat = await store.stat(path);
      expect(stat).toBeDefined();
      expect(stat!.lastModified).toBeInstanceOf(Date);
      // Store clocks round to the second; allow for it, never for minutes.
      expect(Math.abs(stat!.lastModified.getTime() - before)).toBeLessThan(120_000);
      if (stat!.size !== undefined) expect(stat!.size).toBe(body.byteLength);
      if (options.checksumIsMd5) expect(stat!.checksum).toBe(createHash('md5').update(body).digest('hex'));
      if (options.read) expect(Buffer.from((await options.read(path))!)).toEqual(Buffer.from(body));
    });

    it('overwrites an existing path', async () => {
      const store = await factory();
      const path = `over/${Math.random().toString(36).slice(2)}.txt`;
      await store.persist(path, new TextEncoder().encode('first version'));
      await store.persist(path, new TextEncoder().encode('second'));
      const stat = await store.stat(path);
      if (stat!.size !== undefined) expect(stat!.size).toBe(6);
      if (options.read) expect(new TextDecoder().decode(await options.read(path))).toBe('second');
    });

    it('stores an empty file', async () => {
      const store = await factory();
      const path = `empty/${Math.random().toString(36).slice(2)}`;
      await store.persist(path, new Uint8Array(0));
      const stat = await store.stat(path);
      expect(stat).toBeDefined();
      if (stat!.size !== undefined) expect(stat!.size).toBe(0);
    });
  });
}
