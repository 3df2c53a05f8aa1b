import { createHash } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileException, filesPipeline, urlHash, type FileInfo, type MediaResult } from '@crawl/pipeline-files';
import { handlers, startTestServer, type TestServer } from '@crawl/test-servers';
import sharp from 'sharp';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DECODE_ONCE_MAX_PIXELS } from '../src/convert-once.js';
import { ImageException, imagesPipeline } from '../src/index.js';
import { makeFixtures, type Fixtures } from './fixtures.js';
import { redirect } from '@crawl/middleware-redirect';
import { crawlItems } from './helpers.js';

const md5 = (data: Uint8Array): string => createHash('md5').update(data).digest('hex');
const THUMBS = { small: [50, 50], big: [270, 270] } as const;

type Item = { name?: string; image_urls: string[]; images?: FileInfo[] };

let server: TestServer;
let fx: Fixtures;
let root: string;
let storeDir: string;
let n = 0;
const u = (path: string) => `${server.url}${path}`;

async function stored(path: string): Promise<{ data: Buffer; meta: sharp.Metadata }> {
  const data = await readFile(join(storeDir, path));
  return { data, meta: await sharp(data).metadata() };
}

beforeAll(async () => {
  fx = await makeFixtures();
  root = await mkdtemp(join(tmpdir(), 'crawl-images-'));
  server = await startTestServer({
    routes: {
      'GET /img/photo.jpg': handlers.bytes(fx.jpeg, 'image/jpeg'),
      'GET /img/alpha.png': handlers.bytes(fx.pngAlpha, 'image/png'),
      'GET /img/anim.gif': handlers.bytes(fx.gif, 'image/gif'),
      'GET /img/pic.webp': handlers.bytes(fx.webp, 'image/webp'),
      'GET /img/cmyk.jpg': handlers.bytes(fx.cmyk, 'image/jpeg'),
      'GET /img/tiny.png': handlers.bytes(fx.tiny, 'image/png'),
      'GET /img/huge.png': handlers.bytes(fx.huge, 'image/png'),
      'GET /img/truncated.jpg': handlers.bytes(fx.truncated, 'image/jpeg'),
      'GET /img/rotated.jpg': handlers.bytes(fx.rotated, 'image/jpeg'),
      'GET /img/wide.jpg': handlers.bytes(fx.wide, 'image/jpeg'),
      'GET /img/gradient.jpg': handlers.bytes(fx.photo, 'image/jpeg'),
      'GET /img/oversized.png': handlers.bytes(fx.oversized, 'image/png'),
      'GET /img/page.jpg': handlers.bytes('<!DOCTYPE html><html><body>not an image</body></html>', 'text/html'),
      'GET /img/vector.svg': handlers.bytes(fx.svg, 'image/svg+xml'),
      'GET /img/moved.jpg': handlers.redirect('/img/photo.jpg', 302),
    },
  });
  for (let i = 0; i < 5; i++) {
    const img = await sharp({ create: { width: 120 + i, height: 130, channels: 3, background: { r: i * 40, g: 100, b: 50 } } }).png().toBuffer();
    server.route('GET', `/shared/${i}.png`, handlers.bytes(img, 'image/png'));
  }
});

afterAll(async () => {
  await server.close();
  await rm(root, { recursive: true, force: true });
});

beforeEach(() => {
  storeDir = join(root, `store-${++n}`);
  server.resetStats();
});

describe('imagesPipeline through a real crawl', () => {
  it('converts every format to an RGB JPEG at full/<sha1>.jpg with thumbnails, keeping URL order', async () => {
    const urls = ['/img/photo.jpg', '/img/alpha.png', '/img/anim.gif', '/img/pic.webp', '/img/cmyk.jpg'].map(u);
    const { items, stats } = await crawlItems(server, () => [{ image_urls: urls } as Item], {
      itemPipelines: [imagesPipeline({ store: storeDir, thumbs: THUMBS })],
    });
    const images = items[0]!.images!;
    expect(images.map((i) => i.url)).toEqual(urls);
    for (const info of images) {
      const sha = urlHash(info.url);
      expect(info).toMatchObject({ path: `full/${sha}.jpg`, status: 'downloaded' });
      const full = await stored(info.path);
      expect(full.meta).toMatchObject({ format: 'jpeg', channels: 3, space: 'srgb', hasAlpha: false });
      // The checksum is the MD5 of the stored full image (Scrapy: of the first buffer get_images yields).
      expect(info.checksum).toBe(md5(full.data));
      expect((await stored(`thumbs/small/${sha}.jpg`)).meta.format).toBe('jpeg');
      expect((await stored(`thumbs/big/${sha}.jpg`)).meta.format).toBe('jpeg');
    }
    // An RGB JPEG is stored as downloaded: its checksum is the MD5 of the body.
    expect(images[0]!.checksum).toBe(md5(fx.jpeg));
    expect((await stored(images[0]!.path)).data.equals(fx.jpeg)).toBe(true);
    // The CMYK JPEG was converted, so its bytes (and checksum) are new.
    expect(images[4]!.checksum).not.toBe(md5(fx.cmyk));
    expect(stats['file_count']).toBe(5);
    expect(stats['file_status_count/downloaded']).toBe(5);
  });

  it("sizes thumbnails like Pillow's thumbnail(): inside the box, aspect kept, never enlarged", async () => {
    const urls = ['/img/photo.jpg', '/img/wide.jpg', '/img/anim.gif'].map(u);
    await crawlItems(server, () => [{ image_urls: urls } as Item], {
      itemPipelines: [imagesPipeline({ store: storeDir, thumbs: { ...THUMBS, huge: [1000, 1000] } })],
    });
    const dims = async (path: string) => {
      const { meta } = await stored(path);
      return [meta.width, meta.height];
    };
    const [photo, wide, gif] = urls.map(urlHash);
    expect(await dims(`thumbs/big/${photo}.jpg`)).toEqual([180, 270]);
    expect(await dims(`thumbs/small/${photo}.jpg`)).toEqual([33, 50]);
    expect(await dims(`thumbs/huge/${photo}.jpg`)).toEqual([400, 600]);
    expect(await dims(`thumbs/big/${wide}.jpg`)).toEqual([270, 45]);
    expect(await dims(`thumbs/small/${wide}.jpg`)).toEqual([50, 8]);
    expect(await dims(`thumbs/big/${gif}.jpg`)).toEqual([150, 150]);
  });

  it('flattens transparency onto white', async () => {
    const url = u('/img/alpha.png');
    const { items } = await crawlItems(server, () => [{ image_urls: [url] } as Item], { itemPipelines: [imagesPipeline({ store: storeDir })] });
    const { data, info } = await sharp(join(storeDir, items[0]!.images![0]!.path)).raw().toBuffer({ resolveWithObject: true });
    expect(info.channels).toBe(3);
    const pixel = (x: number, y: number) => [...data.subarray((y * info.width + x) * 3, (y * info.width + x) * 3 + 3)];
    for (const c of pixel(180, 150)) expect(c).toBeGreaterThan(245);
    const [r, g, b] = pixel(20, 150) as [number, number, number];
    expect(b).toBeGreaterThan(200);
    expect(r + g).toBeLessThan(60);
  });

  it('applies EXIF orientation before sizing', async () => {
    const url = u('/img/rotated.jpg');
    await crawlItems(server, () => [{ image_urls: [url] } as Item], { itemPipelines: [imagesPipeline({ store: storeDir, thumbs: { t: [10, 10] } })] });
    const full = await stored(`full/${urlHash(url)}.jpg`);
    expect([full.meta.width, full.meta.height, full.meta.orientation]).toEqual([20, 40, undefined]);
    const thumb = await stored(`thumbs/t/${urlHash(url)}.jpg`);
    expect([thumb.meta.width, thumb.meta.height]).toEqual([5, 10]);
  });

  it('fails images under minWidth/minHeight without storing them; thumbnails of the others ignore the minimum', async () => {
    const urls = [u('/img/tiny.png'), u('/img/photo.jpg'), u('/img/wide.jpg')];
    const results: MediaResult[] = [];
    const { items } = await crawlItems(server, () => [{ image_urls: urls } as Item], {
      itemPipelines: [
        imagesPipeline({ store: storeDir, minWidth: 110, minHeight: 110, thumbs: THUMBS, itemCompleted: (r, item) => ((item.images = r.flatMap((x) => (x[0] ? [x[1]] : []))), results.push(...r), item) }),
      ],
    });
    expect(results.map((r) => r[0])).toEqual([false, true, false]);
    expect(results[0]![1]).toBeInstanceOf(ImageException);
    expect((results[0]![1] as Error).message).toBe('Image too small (60x60 < 110x110)');
    expect((results[2]![1] as Error).message).toBe('Image too small (600x100 < 110x110)');
    expect((results[0]![1] as ImageException).reason).toBe('too-small');
    expect(items[0]!.images!.map((i) => i.url)).toEqual([urls[1]]);
    expect(await readdir(join(storeDir, 'full'))).toEqual([`${urlHash(urls[1]!)}.jpg`]);
    expect((await stored(`thumbs/small/${urlHash(urls[1]!)}.jpg`)).meta.width).toBe(33);
  });

  it('turns undecodable, truncated, non-image, SVG and oversized bodies into failed results, never a crash', async () => {
    const urls = ['/img/truncated.jpg', '/img/page.jpg', '/img/vector.svg', '/img/huge.png', '/img/photo.jpg'].map(u);
    for (const thumbs of [{}, THUMBS]) {
      const results: MediaResult[] = [];
      const { stats } = await crawlItems(server, () => [{ image_urls: urls } as Item], {
        itemPipelines: [imagesPipeline({ store: `${storeDir}-${Object.keys(thumbs).length}`, thumbs, limitInputPixels: 1_000_000, itemCompleted: (r, item) => (results.push(...r), item) })],
      });
      expect(results.map((r) => r[0])).toEqual([false, false, false, false, true]);
      const errors = results.slice(0, 4).map((r) => r[1] as ImageException);
      for (const e of errors) expect(e).toBeInstanceOf(ImageException);
      expect(errors.map((e) => e.reason)).toEqual(['invalid-image', 'invalid-image', 'unsupported-format', 'invalid-image']);
      // libvips shares one error buffer between threads, so the reason is sometimes lost.
      expect(errors[0]!.message).toMatch(/premature end of JPEG|could not be decoded/);
      expect(errors[1]!.message).toMatch(/unsupported image format/);
      expect(errors[3]!.message).toMatch(/exceeds pixel limit/);
      expect(stats['item_scraped_count']).toBe(1);
      const full = await readdir(join(`${storeDir}-${Object.keys(thumbs).length}`, 'full'));
      expect(full).toEqual([`${urlHash(urls[4]!)}.jpg`]);
    }
  });

  it('processes a large image within the default pixel limit', async () => {
    const url = u('/img/huge.png');
    const { items } = await crawlItems(server, () => [{ image_urls: [url] } as Item], { itemPipelines: [imagesPipeline({ store: storeDir, thumbs: THUMBS })] });
    expect(items[0]!.images![0]!.status).toBe('downloaded');
    expect((await stored(`full/${urlHash(url)}.jpg`)).meta.width).toBe(3000);
    expect((await stored(`thumbs/big/${urlHash(url)}.jpg`)).meta.width).toBe(270);
  });

  it('fails a redirected image by default and stores the target under the original URL with allowRedirects', async () => {
    const url = u('/img/moved.jpg');
    const results: MediaResult[] = [];
    await crawlItems(server, () => [{ image_urls: [url] } as Item], {
      downloaderMiddlewares: [redirect()],
      itemPipelines: [imagesPipeline({ store: storeDir, itemCompleted: (r, item) => (results.push(...r), item) })],
    });
    expect(results[0]![0]).toBe(false);
    expect((results[0]![1] as FileException).reason).toBe('download-error');
    expect(server.hits('/img/photo.jpg')).toBe(0);

    const { items } = await crawlItems(server, () => [{ image_urls: [url] } as Item], {
      downloaderMiddlewares: [redirect()],
      itemPipelines: [imagesPipeline({ store: storeDir, allowRedirects: true })],
    });
    expect(items[0]!.images).toEqual([{ url, path: `full/${urlHash(url)}.jpg`, checksum: md5(fx.jpeg), status: 'downloaded' }]);
  });

  it('downloads 5 images shared by 50 items once each, then finds them up to date on a second crawl', async () => {
    const urls = [0, 1, 2, 3, 4].map((i) => u(`/shared/${i}.png`));
    const make = () => Array.from({ length: 50 }, (_, i) => ({ name: `item ${i}`, image_urls: [urls[i % 5]!] }) as Item);
    const first = await crawlItems(server, make, { itemPipelines: [imagesPipeline({ store: storeDir, thumbs: THUMBS })] });
    for (let i = 0; i < 5; i++) expect(server.hits(`/shared/${i}.png`)).toBe(1);
    const statuses = first.items.map((item) => item.images![0]!.status);
    expect(statuses.filter((s) => s === 'downloaded')).toHaveLength(5);
    expect(statuses.filter((s) => s === 'cached')).toHaveLength(45);
    expect(first.stats['file_status_count/cached']).toBe(45);
    // A cached result is the same file as the downloaded one.
    const byUrl = new Map(first.items.filter((i) => i.images![0]!.status === 'downloaded').map((i) => [i.image_urls[0], i.images![0]!]));
    for (const item of first.items) expect({ ...item.images![0]!, status: 'x' }).toEqual({ ...byUrl.get(item.image_urls[0])!, status: 'x' });

    server.resetStats();
    const second = await crawlItems(server, make, { itemPipelines: [imagesPipeline({ store: storeDir, thumbs: THUMBS })] });
    expect(server.requests.filter((r) => r.url.startsWith('/shared/'))).toHaveLength(0);
    expect(second.items.map((i) => i.images![0]!.status).filter((s) => s === 'uptodate')).toHaveLength(5);
    expect(second.stats['file_status_count/uptodate']).toBe(5);
    expect(second.items.every((i) => i.images![0]!.checksum === byUrl.get(i.image_urls[0])!.checksum)).toBe(true);

    server.resetStats();
    await crawlItems(server, make, { itemPipelines: [imagesPipeline({ store: storeDir, expiresDays: 0 })] });
    expect(server.requests.filter((r) => r.url.startsWith('/shared/'))).toHaveLength(5);
  });

  it('runs the hooks: custom paths, convertImage and getImages around the default', async () => {
    const url = u('/img/photo.jpg');
    const { items } = await crawlItems(server, () => [{ name: 'red', image_urls: [url] } as Item], {
      itemPipelines: [
        imagesPipeline<Item>({
          store: storeDir,
          thumbs: { small: [50, 50] },
          filePath: (_req, _res, { item }) => `named/${item.name}.jpg`,
          thumbPath: (_req, id, _res, { item }) => `named/${item.name}-${id}.jpg`,
          async convertImage(image, size, ctx) {
            const data = await image.clone().resize(size ? 10 : 20, size ? 10 : 20, { fit: 'fill' }).png().toBuffer();
            expect(ctx.source.width).toBe(400);
            return { data, width: size ? 10 : 20, height: size ? 10 : 20 };
          },
          async getImages(_response, _request, ctx) {
            const outputs = await ctx.base();
            return outputs.map((o) => ({ ...o, path: o.path.replace('named/', 'named/v2-') }));
          },
        }),
      ],
    });
    expect(items[0]!.images![0]!.path).toBe('named/red.jpg');
    expect((await stored('named/v2-red.jpg')).meta).toMatchObject({ width: 20, format: 'png' });
    expect((await stored('named/v2-red-small.jpg')).meta.width).toBe(10);
  });

  it('runs alongside a files pipeline on the same items, each with its own fields and store', async () => {
    const image = u('/img/photo.jpg');
    const doc = u('/img/page.jpg');
    const { items, stats } = await crawlItems(server, () => [{ image_urls: [image], file_urls: [doc] } as Item & { file_urls: string[]; files?: FileInfo[] }], {
      itemPipelines: [filesPipeline({ store: `${storeDir}-files` }), imagesPipeline({ store: storeDir })],
    });
    expect(items[0]!.files).toEqual([{ url: doc, path: `full/${urlHash(doc)}.jpg`, checksum: expect.any(String), status: 'downloaded' }]);
    expect(items[0]!.images).toEqual([{ url: image, path: `full/${urlHash(image)}.jpg`, checksum: md5(fx.jpeg), status: 'downloaded' }]);
    expect(await readFile(join(`${storeDir}-files`, items[0]!.files![0]!.path), 'utf8')).toContain('not an image');
    expect(stats['file_count']).toBe(2);
  });

  it('stores the same bytes on every crawl, and thumbnails made from one decode match ones made from the body', async () => {
    const urls = ['/img/gradient.jpg', '/img/alpha.png', '/img/cmyk.jpg', '/img/rotated.jpg'].map(u);
    const paths = urls.flatMap((url) => ['full', 'thumbs/small', 'thumbs/big'].map((dir) => `${dir}/${urlHash(url)}.jpg`));
    const runs: Buffer[][] = [];
    for (const run of ['a', 'b']) {
      await crawlItems(server, () => [{ image_urls: urls } as Item], { itemPipelines: [imagesPipeline({ store: `${storeDir}-${run}`, thumbs: THUMBS })] });
      runs.push(await Promise.all(paths.map((path) => readFile(join(`${storeDir}-${run}`, path)))));
    }
    runs[1]!.forEach((data, i) => expect(data.equals(runs[0]![i]!), paths[i]).toBe(true));

    // The small thumbnail of a kept JPEG is resized from the big one's pixels. Against a
    // thumbnail resized from the fully decoded image, it must be as close as one made straight
    // from the body (sharp's JPEG shrink-on-load, then lanczos3), and close to that one.
    storeDir = `${storeDir}-a`;
    const sha = urlHash(urls[0]!);
    const lanczos = { fit: 'fill', kernel: 'lanczos3' } as const;
    const small = await sharp(await readFile(join(storeDir, `thumbs/small/${sha}.jpg`))).raw().toBuffer({ resolveWithObject: true });
    expect([small.info.width, small.info.height]).toEqual([50, 38]);
    const decoded = await sharp(fx.photo).raw().toBuffer({ resolveWithObject: true });
    const reference = await sharp(decoded.data, { raw: decoded.info }).resize(50, 38, lanczos).raw().toBuffer();
    const alone = await sharp(await sharp(fx.photo).resize(50, 38, lanczos).jpeg({ quality: 75 }).toBuffer()).raw().toBuffer();
    const distance = (a: Buffer, b: Buffer): number => a.reduce((sum, v, i) => sum + Math.abs(v - b[i]!), 0) / a.length;
    expect(distance(small.data, reference)).toBeLessThan(distance(alone, reference) + 0.5);
    expect(distance(small.data, alone)).toBeLessThan(3);
    expect((await stored(`thumbs/big/${sha}.jpg`)).meta).toMatchObject({ width: 270, height: 203 });
  });

  it('makes a thumbnail more than half the size of the largest from the body, at its Pillow size', async () => {
    const url = u('/img/photo.jpg');
    await crawlItems(server, () => [{ image_urls: [url] } as Item], {
      itemPipelines: [imagesPipeline({ store: storeDir, thumbs: { ...THUMBS, near: [200, 200] } })],
    });
    const sha = urlHash(url);
    expect((await stored(`thumbs/near/${sha}.jpg`)).meta).toMatchObject({ width: 133, height: 200, format: 'jpeg' });
    expect((await stored(`thumbs/big/${sha}.jpg`)).meta).toMatchObject({ width: 180, height: 270 });
    expect((await stored(`thumbs/small/${sha}.jpg`)).meta).toMatchObject({ width: 33, height: 50 });
  });

  it('converts an image too large to keep decoded once per output, with the same results', async () => {
    expect(4097 * 4096).toBeGreaterThan(DECODE_ONCE_MAX_PIXELS);
    const url = u('/img/oversized.png');
    const { items } = await crawlItems(server, () => [{ image_urls: [url] } as Item], { itemPipelines: [imagesPipeline({ store: storeDir, thumbs: THUMBS })] });
    expect(items[0]!.images![0]!.status).toBe('downloaded');
    const sha = urlHash(url);
    expect((await stored(`full/${sha}.jpg`)).meta).toMatchObject({ width: 4097, height: 4096, format: 'jpeg', channels: 3 });
    expect((await stored(`thumbs/big/${sha}.jpg`)).meta).toMatchObject({ width: 270, height: 270 });
    const { data } = await sharp(join(storeDir, `thumbs/small/${sha}.jpg`)).raw().toBuffer({ resolveWithObject: true });
    expect([...data.subarray(0, 3)].map((c) => Math.round(c / 8))).toEqual([4, 8, 16]);
  });

  it('writes Huffman-optimised JPEGs with jpegOptimize: the same pixels in fewer bytes', async () => {
    const urls = ['/img/alpha.png', '/img/gradient.jpg'].map(u);
    const files = (store: string, url: string) => ['full', 'thumbs/small', 'thumbs/big'].map((dir) => join(store, `${dir}/${urlHash(url)}.jpg`));
    for (const jpegOptimize of [false, true]) {
      await crawlItems(server, () => [{ image_urls: urls } as Item], { itemPipelines: [imagesPipeline({ store: `${storeDir}-${jpegOptimize}`, thumbs: THUMBS, jpegOptimize })] });
    }
    // The kept JPEG's full image is the download itself in both stores, hence the slice(1).
    const outputs = [...files('', urls[0]!), ...files('', urls[1]!).slice(1)];
    for (const path of outputs) {
      const [plain, optimised] = await Promise.all([readFile(join(`${storeDir}-false`, path)), readFile(join(`${storeDir}-true`, path))]);
      expect(optimised.length, path).toBeLessThan(plain.length);
      const [a, b] = await Promise.all([sharp(plain).raw().toBuffer(), sharp(optimised).raw().toBuffer()]);
      expect(a.equals(b), path).toBe(true);
    }
  });

  it('converts at most concurrentImages images at once', async () => {
    const urls = [0, 1, 2, 3, 4].map((i) => u(`/shared/${i}.png`));
    const maxima: number[] = [];
    for (const concurrentImages of [1, 3]) {
      const active = new Set<Uint8Array>();
      let max = 0;
      await crawlItems(server, () => urls.map((url) => ({ image_urls: [url] }) as Item), {
        itemPipelines: [
          imagesPipeline({
            store: `${storeDir}-${concurrentImages}`,
            concurrentImages,
            async convertImage(image, size, ctx) {
              active.add(ctx.source.body);
              max = Math.max(max, active.size);
              // Long enough for every other download to arrive while this image converts.
              await new Promise((resolve) => setTimeout(resolve, 30));
              const out = await image.clone().jpeg().toBuffer();
              if (size === undefined) active.delete(ctx.source.body);
              return { data: out, width: ctx.source.width, height: ctx.source.height };
            },
          }),
        ],
      });
      maxima.push(max);
    }
    expect(maxima).toEqual([1, 3]);
  });

  it("turns sharp's operation cache off while open and restores its limits at close, unless sharpCache", async () => {
    const before = sharp.cache();
    const seen: number[] = [];
    const getImages = async (_r: unknown, _q: unknown, ctx: { base: () => Promise<import('../src/index.js').ImageOutput[]> }) => {
      seen.push(sharp.cache().items.max);
      return ctx.base();
    };
    const url = u('/img/photo.jpg');
    await crawlItems(server, () => [{ image_urls: [url] } as Item], { itemPipelines: [imagesPipeline({ store: storeDir, getImages })] });
    await crawlItems(server, () => [{ image_urls: [url] } as Item], {
      itemPipelines: [imagesPipeline({ store: `${storeDir}-cache`, sharpCache: true, getImages })],
    });
    expect(seen).toEqual([0, before.items.max]);
    expect(before.items.max).toBeGreaterThan(0);
    const after = sharp.cache();
    expect([after.memory.max, after.files.max, after.items.max]).toEqual([before.memory.max, before.files.max, before.items.max]);
  });
});
