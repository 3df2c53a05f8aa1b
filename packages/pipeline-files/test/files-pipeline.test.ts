import { createHash } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, DropItem, IgnoreRequest, InvalidUrlError, Request, StopDownload, defineDownloaderMiddleware, type FilesStore, type ItemPipeline } from '@crawl/core';
import { fsStore } from '@crawl/store-fs';
import { handlers, startTestServer, type TestServer } from '@crawl/test-servers';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FileException, filesPipeline, urlHash, type FileInfo, type MediaResult } from '../src/index.js';
import { metaRefresh, redirect } from '@crawl/middleware-redirect';
import { crawlItems } from './helpers.js';

const md5 = (data: Uint8Array | string): string => createHash('md5').update(data).digest('hex');

const PDF = Buffer.from('%PDF-1.4\n' + 'x'.repeat(5000) + '\n%%EOF\n');
const TXT = Buffer.from('plain text file\n');
const NOEXT = Buffer.from('%PDF-1.4 served without an extension');
const DATA = Buffer.from('{"a":1}');
const REFRESH = Buffer.from('<html><head><meta http-equiv="refresh" content="0;url=/files/report.pdf"></head><body>moved</body></html>');

let server: TestServer;
let root: string;
let storeDir: string;
let n = 0;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'crawl-files-'));
  server = await startTestServer({
    routes: {
      'GET /files/report.pdf': handlers.bytes(PDF, 'application/pdf'),
      'GET /files/a/baz.txt': handlers.bytes(TXT, 'text/plain'),
      'GET /files/noext': handlers.bytes(NOEXT, 'application/pdf'),
      'GET /files/data.aspx': handlers.bytes(DATA, 'application/json'),
      'GET /files/missing.bin': handlers.status(404),
      'GET /files/empty.txt': handlers.bytes('', 'text/plain'),
      'GET /files/moved.pdf': handlers.redirect('/files/report.pdf', 302),
      'GET /files/refresh.pdf': handlers.bytes(REFRESH, 'text/html; charset=utf-8'),
    },
  });
  for (let i = 0; i < 5; i++) server.route('GET', `/shared/${i}.bin`, handlers.bytes(`shared file ${i}`, 'application/octet-stream'));
});

afterAll(async () => {
  await server.close();
  await rm(root, { recursive: true, force: true });
});

beforeEach(() => {
  storeDir = join(root, `store-${++n}`);
  server.resetStats();
});

describe('filesPipeline through a real crawl', () => {
  it('stores each URL at full/<sha1><ext>, in URL order, leaving failures out of `files`', async () => {
    const u = (p: string) => `${server.url}${p}`;
    const urls = [
      u('/files/report.pdf'),
      u('/files/a/baz.txt?fizz'),
      u('/files/missing.bin'),
      u('/files/noext'),
      'not a url',
      u('/files/empty.txt'),
      u('/files/moved.pdf'),
      u('/files/data.aspx'),
    ];
    const completed: MediaResult[][] = [];
    const pipeline = filesPipeline({
      store: storeDir,
      itemCompleted(results, item) {
        completed.push(results);
        item.files = results.filter((r) => r[0]).map((r) => r[1]);
        return item;
      },
    });
    const { items, stats, logs } = await crawlItems(server, () => [{ title: 'one', file_urls: urls } as { title: string; file_urls: string[]; files?: FileInfo[] }], {
      itemPipelines: [pipeline],
    });

    expect(items).toHaveLength(1);
    const files = items[0]!.files!;
    expect(files).toEqual([
      { url: urls[0], path: `full/${urlHash(urls[0]!)}.pdf`, checksum: md5(PDF), status: 'downloaded' },
      { url: urls[1], path: `full/${urlHash(urls[1]!)}.txt`, checksum: md5(TXT), status: 'downloaded' },
      { url: urls[3], path: `full/${urlHash(urls[3]!)}`, checksum: md5(NOEXT), status: 'downloaded' },
      { url: urls[7], path: `full/${urlHash(urls[7]!)}`, checksum: md5(DATA), status: 'downloaded' },
    ]);
    for (const f of files) expect(md5(await readFile(join(storeDir, f.path)))).toBe(f.checksum);

    const results = completed[0]!;
    expect(results.map((r) => r[0])).toEqual([true, true, false, true, false, false, false, true]);
    const reason = (i: number) => (results[i]![1] as FileException).reason;
    expect(results[2]![1]).toBeInstanceOf(FileException);
    expect(reason(2)).toBe('download-error');
    expect((results[2]![1] as Error).message).toContain('status 404');
    expect(results[4]![1]).toBeInstanceOf(InvalidUrlError);
    expect(reason(5)).toBe('empty-content');
    // A redirect is a failure by default, and the redirect middleware was told not to follow it.
    expect(reason(6)).toBe('download-error');
    expect((results[6]![1] as Error).message).toContain('status 302');

    expect(stats['file_count']).toBe(4);
    expect(stats['file_status_count/downloaded']).toBe(4);
    expect(logs.some((l) => l.level === 'warn' && l.message.includes('File (code: 404)'))).toBe(true);
    expect(logs.some((l) => l.level === 'warn' && l.message.includes('(invalid-url)') && l.message.includes('not a url'))).toBe(true);
    expect(logs.some((l) => l.level === 'warn' && l.message.includes('File (empty-content)'))).toBe(true);
  });

  it('keeps the exact Scrapy file name for http://www.example.com/image.jpg', async () => {
    expect(`full/${urlHash('http://www.example.com/image.jpg')}.jpg`).toBe('full/3afec3b4765f8f0a07b78f98c07b83f013567a0a.jpg');
  });

  it('without redirects followed by default, but with allowRedirects the target is stored under the original URL', async () => {
    const url = `${server.url}/files/moved.pdf`;
    const seen: Request[] = [];
    const recorder = defineDownloaderMiddleware({ name: 'test/recorder', order: 1, processRequest: (r) => void seen.push(r) });
    const { items } = await crawlItems(server, () => [{ file_urls: [url] } as { file_urls: string[]; files?: FileInfo[] }], {
      itemPipelines: [filesPipeline({ store: storeDir, allowRedirects: true })],
      downloaderMiddlewares: [redirect(), recorder],
    });
    expect(items[0]!.files).toEqual([{ url, path: `full/${urlHash(url)}.pdf`, checksum: md5(PDF), status: 'downloaded' }]);
    expect(server.hits('/files/report.pdf')).toBe(1);
    const media = seen.filter((r) => r.url.includes('/files/'));
    expect(media.map((r) => new URL(r.url).pathname)).toEqual(['/files/moved.pdf', '/files/report.pdf']);
    expect(media[0]!.meta).not.toHaveProperty('handleHttpstatusAll');
    expect(media[0]!.meta).not.toHaveProperty('dontRedirect');
  });

  it('marks media requests so a redirect middleware leaves them alone, with a high priority', async () => {
    const seen: Request[] = [];
    const recorder = defineDownloaderMiddleware({ name: 'test/recorder', order: 1, processRequest: (r) => void seen.push(r) });
    const { items } = await crawlItems(server, () => [{ file_urls: [`${server.url}/files/moved.pdf`] } as { files?: FileInfo[] }], {
      itemPipelines: [filesPipeline({ store: storeDir })],
      downloaderMiddlewares: [redirect(), recorder],
    });
    expect(items[0]!.files).toEqual([]);
    expect(server.hits('/files/report.pdf')).toBe(0);
    const media = seen.find((r) => r.url.endsWith('/files/moved.pdf'))!;
    expect(media.meta).toMatchObject({ handleHttpstatusAll: true, dontRedirect: true });
    expect(media.priority).toBe(1000);
    expect(media.callback).toBeUndefined();
  });

  it('leaves meta refreshes of media alone by default, and follows them with allowRedirects', async () => {
    const url = `${server.url}/files/refresh.pdf`;
    const make = () => [{ file_urls: [url] } as { files?: FileInfo[] }];
    const plain = await crawlItems(server, make, { itemPipelines: [filesPipeline({ store: storeDir })], downloaderMiddlewares: [metaRefresh(), redirect()] });
    expect(plain.items[0]!.files).toEqual([{ url, path: `full/${urlHash(url)}.pdf`, checksum: md5(REFRESH), status: 'downloaded' }]);
    expect(server.hits('/files/report.pdf')).toBe(0);
    const followed = await crawlItems(server, make, {
      itemPipelines: [filesPipeline({ store: `${storeDir}-followed`, allowRedirects: true })],
      downloaderMiddlewares: [metaRefresh(), redirect()],
    });
    expect(followed.items[0]!.files).toEqual([{ url, path: `full/${urlHash(url)}.pdf`, checksum: md5(PDF), status: 'downloaded' }]);
  });

  it('downloads media shared by 50 items once per URL; later items get status cached', async () => {
    const urls = [0, 1, 2, 3, 4].map((i) => `${server.url}/shared/${i}.bin`);
    const { items, stats } = await crawlItems(
      server,
      () => Array.from({ length: 50 }, (_, i) => ({ id: i, file_urls: [urls[i % 5]!, urls[(i + 1) % 5]!] }) as { id: number; file_urls: string[]; files?: FileInfo[] }),
      { itemPipelines: [filesPipeline({ store: storeDir })] },
    );
    expect(items).toHaveLength(50);
    for (let i = 0; i < 5; i++) expect(server.hits(`/shared/${i}.bin`)).toBe(1);
    const statuses = items.flatMap((item) => item.files!.map((f) => f.status));
    expect(statuses.filter((s) => s === 'downloaded')).toHaveLength(5);
    expect(statuses.filter((s) => s === 'cached')).toHaveLength(95);
    for (const item of items) {
      expect(item.files!.map((f) => f.url)).toEqual(item.file_urls);
      expect(item.files!.map((f) => f.checksum)).toEqual(item.file_urls.map((u) => md5(`shared file ${u.slice(-5, -4)}`)));
    }
    expect(stats['file_count']).toBe(100);
    expect(stats['file_status_count/downloaded']).toBe(5);
    expect(stats['file_status_count/cached']).toBe(95);
  });

  it('a second crawl with the same store finds the files up to date and downloads nothing; expiresDays 0 downloads again', async () => {
    const urls = [`${server.url}/files/report.pdf`, `${server.url}/files/a/baz.txt?fizz`];
    const make = () => [{ file_urls: urls } as { file_urls: string[]; files?: FileInfo[] }];
    await crawlItems(server, make, { itemPipelines: [filesPipeline({ store: storeDir })] });
    expect(server.hits('/files/report.pdf')).toBe(1);

    server.resetStats();
    const second = await crawlItems(server, make, { itemPipelines: [filesPipeline({ store: storeDir })] });
    expect(server.hits('/files/report.pdf') + server.hits('/files/a/baz.txt?fizz')).toBe(0);
    expect(second.items[0]!.files).toEqual([
      { url: urls[0], path: `full/${urlHash(urls[0]!)}.pdf`, checksum: md5(PDF), status: 'uptodate' },
      { url: urls[1], path: `full/${urlHash(urls[1]!)}.txt`, checksum: md5(TXT), status: 'uptodate' },
    ]);
    expect(second.stats['file_status_count/uptodate']).toBe(2);

    server.resetStats();
    const third = await crawlItems(server, make, { itemPipelines: [filesPipeline({ store: storeDir, expiresDays: 0 })] });
    expect(server.hits('/files/report.pdf')).toBe(1);
    expect(third.items[0]!.files!.map((f) => f.status)).toEqual(['downloaded', 'downloaded']);
  });

  it('bounds the per-URL result cache: an evicted URL is checked in the store again instead of fetched', async () => {
    const a = `${server.url}/shared/0.bin`;
    const b = `${server.url}/shared/1.bin`;
    const pipeline = filesPipeline({ store: storeDir, resultCacheSize: 1 });
    // Items run concurrently; chain them through getMediaRequests so each starts after the previous one's media settled.
    let previous: Promise<unknown> = Promise.resolve();
    const order: string[][] = [[a], [b], [a]];
    const { items } = await crawlItems(server, () => order.map((file_urls) => ({ file_urls }) as { file_urls: string[]; files?: FileInfo[] }), {
      itemPipelines: [
        {
          name: 'test/serialise',
          async processItem(item: object) {
            const mine = previous.then(() => pipeline.processItem(item as never, undefined as never));
            previous = mine.catch(() => undefined);
            return mine;
          },
          open: (c) => pipeline.open!(c),
          close: (c, r) => pipeline.close!(c, r),
        },
      ],
    });
    expect(items.map((i) => i.files![0]!.status)).toEqual(['downloaded', 'downloaded', 'uptodate']);
    expect(server.hits('/shared/0.bin')).toBe(1);
  });

  it('caches a failure too: a missing file shared by three items is requested once', async () => {
    const url = `${server.url}/files/missing.bin`;
    const { items } = await crawlItems(server, () => [1, 2, 3].map(() => ({ file_urls: [url] }) as { files?: FileInfo[] }), {
      itemPipelines: [filesPipeline({ store: storeDir })],
    });
    expect(items.map((i) => i.files)).toEqual([[], [], []]);
    expect(server.hits('/files/missing.bin')).toBe(1);
  });

  it('works with class instances and with resultField equal to urlsField', async () => {
    class Product {
      constructor(
        readonly name: string,
        public media: unknown[],
      ) {}
    }
    const url = `${server.url}/files/report.pdf`;
    const { items } = await crawlItems(server, () => [new Product('p', [url])], {
      itemPipelines: [filesPipeline({ store: storeDir, urlsField: 'media', resultField: 'media' })],
    });
    expect(items[0]).toBeInstanceOf(Product);
    expect(items[0]!.media).toEqual([{ url, path: `full/${urlHash(url)}.pdf`, checksum: md5(PDF), status: 'downloaded' }]);
  });

  it('sets an empty result on items without URLs and leaves frozen items as they are', async () => {
    const { items } = await crawlItems(server, () => [{ title: 'no media' }, Object.freeze({ title: 'frozen' })] as { title: string; files?: unknown }[], {
      itemPipelines: [filesPipeline({ store: storeDir })],
    });
    expect(items.find((i) => i.title === 'no media')!.files).toEqual([]);
    expect(items.find((i) => i.title === 'frozen')).toEqual({ title: 'frozen' });
  });

  it('fails an item whose URL field is not an array, and the crawl goes on', async () => {
    const { items, stats, logs } = await crawlItems(server, () => [{ file_urls: `${server.url}/files/report.pdf` }, { file_urls: [] }], {
      itemPipelines: [filesPipeline({ store: storeDir })],
    });
    expect(items).toHaveLength(1);
    expect(stats['item_error_count']).toBe(1);
    expect(logs.some((l) => l.level === 'error' && l.message.includes('item field file_urls must be an array of URLs, got a string'))).toBe(true);
  });

  it('refuses to open without a store, saying why', async () => {
    const pipeline = filesPipeline({} as never);
    await expect(crawlItems(server, () => [], { itemPipelines: [pipeline] })).rejects.toThrow(ConfigError);
    await expect(crawlItems(server, () => [], { itemPipelines: [filesPipeline({} as never)] })).rejects.toThrow(/has no store: pass store/);
  });

  it('fails (without writing outside the store) when filePath escapes the store root', async () => {
    const url = `${server.url}/files/report.pdf`;
    const completed: MediaResult[] = [];
    await crawlItems(server, () => [{ file_urls: [url] }], {
      itemPipelines: [
        filesPipeline({
          store: storeDir,
          filePath: () => '../escaped.pdf',
          itemCompleted(results, item) {
            completed.push(...results);
            return item;
          },
        }),
      ],
    });
    expect(completed[0]![0]).toBe(false);
    expect(completed[0]![1]).toBeInstanceOf(ConfigError);
    expect((completed[0]![1] as Error).message).toContain('"../escaped.pdf" contains a ".." segment');
    expect(await readdir(root)).not.toContain('escaped.pdf');
  });

  it('runs the hooks: custom requests and paths, mediaDownloaded around the default, DropItem from itemCompleted', async () => {
    const url = `${server.url}/files/report.pdf`;
    const { items, stats } = await crawlItems(server, () => [{ sku: 'A1', urls: [url] }, { sku: 'B2', urls: [] }] as { sku: string; urls: string[]; files?: FileInfo[]; seenBy?: string }[], {
      itemPipelines: [
        filesPipeline<{ sku: string; urls: string[]; files?: FileInfo[]; seenBy?: string }>({
          store: storeDir,
          getMediaRequests: (item) => item.urls.map((u) => new Request(u, { meta: { sku: item.sku } })),
          filePath: (request, _response, { item }) => `by-sku/${item.sku}/${String(request.meta['sku'])}.pdf`,
          async mediaDownloaded(response, _request, ctx) {
            expect(response.headers.get('content-type')).toBe('application/pdf');
            const info = await ctx.base();
            ctx.item.seenBy = 'hook';
            return info;
          },
          itemCompleted(results, item) {
            if (!results.some((r) => r[0])) throw new DropItem(`no files for ${item.sku}`);
            item.files = results.flatMap((r) => (r[0] ? [r[1]] : []));
            return item;
          },
        }),
      ],
    });
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ sku: 'A1', seenBy: 'hook', files: [{ path: 'by-sku/A1/A1.pdf', status: 'downloaded' }] });
    expect(await readFile(join(storeDir, 'by-sku', 'A1', 'A1.pdf'))).toEqual(PDF);
    expect(stats['item_dropped_count']).toBe(1);
  });

  it('reports a download refused by a middleware as a failure, and mediaFailed can recover', async () => {
    const url = `${server.url}/files/report.pdf`;
    const refuse = defineDownloaderMiddleware({
      name: 'test/refuse',
      order: 10,
      processRequest(r) {
        if (r.url.includes('/files/')) throw new IgnoreRequest(`refused ${r.url}`);
      },
    });
    const results: MediaResult[] = [];
    const { logs } = await crawlItems(server, () => [{ file_urls: [url] }], {
      downloaderMiddlewares: [refuse],
      itemPipelines: [filesPipeline({ store: storeDir, itemCompleted: (r, item) => (results.push(...r), item) })],
    });
    expect(results[0]![0]).toBe(false);
    expect((results[0]![1] as FileException).reason).toBe('unknown-error');
    expect((results[0]![1] as FileException).cause).toBeInstanceOf(IgnoreRequest);
    expect(logs.filter((l) => l.level === 'warn' && l.message.includes('refused'))).toEqual([]);

    const recovered = await crawlItems(server, () => [{ file_urls: [url] } as { files?: FileInfo[] }], {
      downloaderMiddlewares: [refuse],
      itemPipelines: [filesPipeline({ store: storeDir, mediaFailed: (_e, request) => ({ url: request.url, path: 'placeholder.pdf', checksum: null, status: 'downloaded' }) })],
    });
    expect(recovered.items[0]!.files).toEqual([{ url, path: 'placeholder.pdf', checksum: null, status: 'downloaded' }]);
  });

  it('applies downloadMaxSize to media: a larger file fails and is not stored', async () => {
    const url = `${server.url}/files/report.pdf`;
    const results: MediaResult[] = [];
    await crawlItems(server, () => [{ file_urls: [url] }], {
      settings: { downloadMaxSize: 1000 },
      itemPipelines: [filesPipeline({ store: storeDir, itemCompleted: (r, item) => (results.push(...r), item) })],
    });
    expect(results[0]![0]).toBe(false);
    expect(String((results[0]![1] as FileException).cause)).toMatch(/downloadMaxSize/);
    await expect(readdir(join(storeDir, 'full'))).rejects.toThrow();
  });

  it('uses a FilesStore instance as given, opening and closing it with the pipeline', async () => {
    const calls: string[] = [];
    const inner = fsStore(storeDir);
    const store: FilesStore = {
      ...inner,
      name: 'test/store',
      open: () => void calls.push('open'),
      close: () => void calls.push('close'),
      persist: (path, body, meta) => (calls.push(`persist ${path} ${meta?.contentType}`), inner.persist(path, body)),
      persistStream: (path, source, meta) => (calls.push(`persistStream ${path} ${meta?.contentType}`), inner.persistStream(path, source)),
    };
    const url = `${server.url}/files/report.pdf`;
    const pipeline = filesPipeline({ store });
    const { items } = await crawlItems(server, () => [{ file_urls: [url] } as { files?: FileInfo[] }], { itemPipelines: [pipeline] });
    expect(items[0]!.files![0]!.status).toBe('downloaded');
    // A small body arrives whole even when streaming is on; the pipeline stores what it got either way.
    expect(calls).toEqual(['open', `persist full/${urlHash(url)}.pdf application/pdf`, 'close']);
    expect(pipeline.store).toBeUndefined();
  });

  it('runs two instances with different fields and stores side by side', async () => {
    const url = `${server.url}/files/report.pdf`;
    const otherDir = `${storeDir}-other`;
    const { items } = await crawlItems(server, () => [{ file_urls: [url], docs: [url] } as { files?: FileInfo[]; docResults?: FileInfo[] }], {
      itemPipelines: [filesPipeline({ store: storeDir }), filesPipeline({ store: otherDir, urlsField: 'docs', resultField: 'docResults', expiresDays: 1 })],
    });
    expect(items[0]!.files![0]!.path).toBe(items[0]!.docResults![0]!.path);
    expect(await readFile(join(otherDir, items[0]!.docResults![0]!.path))).toEqual(PDF);
  });

  it('keeps no partial body in the result cache for a download stopped by StopDownload', async () => {
    const url = `${server.url}/files/report.pdf`;
    // Buffered downloads: a StopDownload then carries the partial response (streamed ones have none to carry).
    const pipeline = filesPipeline({ store: storeDir, streamBodies: false, itemCompleted: (r, item) => ((item as { result?: MediaResult }).result = r[0]!, item) });
    let previous: Promise<unknown> = Promise.resolve();
    const serialised: ItemPipeline<object> = {
      name: 'test/serialise',
      open(crawler) {
        crawler.events.on('bytesReceived', (_chunk, request) => {
          if (request.url === url) throw new StopDownload({ fail: true });
        });
        return pipeline.open!(crawler);
      },
      close: (c, r) => pipeline.close!(c, r),
      processItem(item) {
        const mine = previous.then(() => pipeline.processItem(item as never, undefined as never));
        previous = mine.catch(() => undefined);
        return mine;
      },
    };
    const { items } = await crawlItems(server, () => [1, 2].map(() => ({ file_urls: [url] }) as { result?: MediaResult }), { itemPipelines: [serialised] });
    const [first, second] = items.map((i) => i.result![1] as FileException);
    expect(first!.cause).toBeInstanceOf(StopDownload);
    expect((first!.cause as StopDownload).response).toBeDefined();
    expect(second).toBeInstanceOf(FileException);
    expect([second!.reason, second!.message, second!.cause]).toEqual([first!.reason, first!.message, undefined]);
    expect(server.hits('/files/report.pdf')).toBe(1);
  });
});
