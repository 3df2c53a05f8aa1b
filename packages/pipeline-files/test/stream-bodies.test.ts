import { createHash } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ServerResponse } from 'node:http';
import { ConfigError, ResponseDataLossError, ResponseTooLargeError, type FilesStore } from '@crawl/core';
import { fsStore } from '@crawl/store-fs';
import { startTestServer, type TestServer } from '@crawl/test-servers';
import { fakeCrawler } from '@crawl/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FileException, filesPipeline, urlHash, type FileInfo, type MediaResult } from '../src/index.js';
import { crawlItems } from './helpers.js';

const MiB = 1024 * 1024;
const md5 = (data: Uint8Array): string => createHash('md5').update(data).digest('hex');

function pattern(size: number): Buffer {
  const out = Buffer.allocUnsafe(size);
  for (let i = 0; i < size; i++) out[i] = (i * 7 + (i >> 12)) & 0xff;
  return out;
}

const BIG = pattern(5 * MiB + 17);

/** Serves `body` in 64 KiB writes with back-pressure; chunked when `length` is false; cut after `cutAt` bytes. */
function serve(body: Buffer, options: { length?: boolean; cutAt?: number; type?: string } = {}) {
  return (_req: unknown, res: ServerResponse): void => {
    const headers: Record<string, string> = { 'Content-Type': options.type ?? 'application/octet-stream' };
    if (options.length !== false) headers['Content-Length'] = String(body.length);
    res.writeHead(200, headers);
    const end = options.cutAt ?? body.length;
    let offset = 0;
    const pump = (): void => {
      while (offset < end && !res.destroyed) {
        const piece = body.subarray(offset, Math.min(end, offset + 64 * 1024));
        offset += piece.length;
        if (!res.write(piece)) return void res.once('drain', pump);
      }
      if (res.destroyed) return;
      if (options.cutAt !== undefined) res.socket?.destroy();
      else res.end();
    };
    pump();
  };
}

let server: TestServer;
let root: string;
let storeDir: string;
let n = 0;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'crawl-files-stream-'));
  server = await startTestServer({
    routes: {
      'GET /big.bin': serve(BIG),
      'GET /chunked.bin': serve(BIG, { length: false }),
      'GET /cut.bin': serve(BIG, { cutAt: 2 * MiB }),
      'GET /blob': serve(BIG, { type: 'image/png' }),
    },
  });
});

afterAll(async () => {
  await server.close();
  await rm(root, { recursive: true, force: true });
});

beforeEach(() => {
  storeDir = join(root, `store-${++n}`);
  server.resetStats();
});

/** An fs store that records which write method the pipeline used. */
function recordingStore(dir: string, calls: string[]): FilesStore {
  const inner = fsStore(dir);
  return {
    ...inner,
    persist: (path, body, meta) => (calls.push(`persist ${path}`), inner.persist(path, body, meta)),
    persistStream: (path, source, meta) => (calls.push(`persistStream ${path}`), inner.persistStream(path, source, meta)),
  };
}

type Item = { file_urls: string[]; files?: FileInfo[]; results?: MediaResult[] };
const keepResults = (results: MediaResult[], item: Item): Item => {
  item.results = results;
  item.files = results.filter((r) => r[0]).map((r) => r[1] as FileInfo);
  return item;
};

describe('filesPipeline streams large bodies into the store', () => {
  it('streams a body past 1 MiB (with and without Content-Length) and computes its MD5 on the way', async () => {
    const calls: string[] = [];
    const urls = [`${server.url}/big.bin`, `${server.url}/chunked.bin`];
    const { items, stats } = await crawlItems(server, () => [{ file_urls: urls } as Item], {
      itemPipelines: [filesPipeline({ store: recordingStore(storeDir, calls) })],
    });
    const files = items[0]!.files!;
    expect(files.map((f) => [f.path, f.checksum, f.status])).toEqual(urls.map((u) => [`full/${urlHash(u)}.bin`, md5(BIG), 'downloaded']));
    for (const f of files) expect((await readFile(join(storeDir, f.path))).equals(BIG)).toBe(true);
    expect(calls.sort()).toEqual(urls.map((u) => `persistStream full/${urlHash(u)}.bin`).sort());
    expect(stats['file_status_count/downloaded']).toBe(2);
  });

  it('buffers when streamBodies is false, and when a fileDownloaded hook needs response.body', async () => {
    const url = `${server.url}/big.bin`;
    for (const options of [{ streamBodies: false }, { fileDownloaded: () => 'custom' }]) {
      const calls: string[] = [];
      const seen: number[] = [];
      const store = recordingStore(`${storeDir}-${calls.length}-${Object.keys(options)[0]}`, calls);
      const hook = 'fileDownloaded' in options ? { fileDownloaded: (response: { body: Uint8Array }) => (seen.push(response.body.byteLength), 'custom') } : options;
      const { items } = await crawlItems(server, () => [{ file_urls: [url] } as Item], { itemPipelines: [filesPipeline({ store, ...hook })] });
      expect(items[0]!.files).toHaveLength(1);
      if ('fileDownloaded' in options) expect(seen).toEqual([BIG.length]);
      else expect(calls).toEqual([`persist full/${urlHash(url)}.bin`]);
    }
  });

  it('records a body cut short as a failure and leaves nothing in the store', async () => {
    const url = `${server.url}/cut.bin`;
    const { items, stats } = await crawlItems(server, () => [{ file_urls: [url] } as Item], {
      itemPipelines: [filesPipeline({ store: storeDir, itemCompleted: keepResults })],
    });
    const [ok, error] = items[0]!.results![0]!;
    expect(ok).toBe(false);
    expect(error).toBeInstanceOf(ResponseDataLossError);
    expect(items[0]!.files).toEqual([]);
    expect(await readdir(join(storeDir, 'full')).catch(() => [])).toEqual([]);
    expect(stats['file_count'] ?? 0).toBe(1);
  });

  it('stops a streamed body at downloadMaxSize and stores nothing', async () => {
    const url = `${server.url}/chunked.bin`;
    const { items } = await crawlItems(server, () => [{ file_urls: [url] } as Item], {
      itemPipelines: [filesPipeline({ store: storeDir, itemCompleted: keepResults })],
      settings: { downloadMaxSize: 2 * MiB },
    });
    const [ok, error] = items[0]!.results![0]!;
    expect(ok).toBe(false);
    expect(error instanceof ResponseTooLargeError || (error instanceof FileException && error.cause instanceof ResponseTooLargeError)).toBe(true);
    expect(await readdir(join(storeDir, 'full')).catch(() => [])).toEqual([]);
  });

  it('finds a file stored from an extension-less URL up to date on the next crawl', async () => {
    const url = `${server.url}/blob`;
    const first = await crawlItems(server, () => [{ file_urls: [url] } as Item], { itemPipelines: [filesPipeline({ store: storeDir })] });
    expect(first.items[0]!.files![0]).toMatchObject({ path: `full/${urlHash(url)}`, status: 'downloaded', checksum: md5(BIG) });
    const second = await crawlItems(server, () => [{ file_urls: [url] } as Item], { itemPipelines: [filesPipeline({ store: storeDir })] });
    expect(second.items[0]!.files![0]).toMatchObject({ path: `full/${urlHash(url)}`, status: 'uptodate', checksum: md5(BIG) });
    expect(server.hits('/blob')).toBe(1);
  });

  it('refuses to open with streamBodies: true on a store that cannot stream', async () => {
    const inner = fsStore(storeDir);
    const store: FilesStore = { name: 'test/no-stream', scheme: 'file', persist: inner.persist, stat: inner.stat };
    const pipeline = filesPipeline({ store, streamBodies: true });
    await expect(pipeline.open!(fakeCrawler())).rejects.toThrow(ConfigError);
    await expect(pipeline.open!(fakeCrawler())).rejects.toThrow(/streamBodies.*persistStream/);
  });
});
