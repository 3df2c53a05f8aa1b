import { createHash } from 'node:crypto';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import type { ItemPipeline } from '@crawl/core';
import { httpHandler } from '@crawl/http';
import type { FileInfo, MediaResult } from '@crawl/pipeline-files';
import { imagesPipeline } from '@crawl/pipeline-images';
import type { TestServer } from '@crawl/test-servers';
import { startImageSite } from '@crawl/test-servers/images';
import { logLines, testCrawler } from '@crawl/testing';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createFilesStore, s3Store, S3StoreError, type S3Store } from '../src/index.js';
import { startS3Server, TEST_KEY_ID, TEST_SECRET, type S3TestServer } from './s3-server.js';

const sha1 = (s: string): string => createHash('sha1').update(s).digest('hex');
type Item = { image_urls: string[]; images?: FileInfo[] };

let s3: S3TestServer;
let web: TestServer;
let imagePaths: readonly string[];
const stores: S3Store[] = [];

beforeAll(async () => {
  s3 = await startS3Server(['media']);
  ({ server: web, imagePaths } = await startImageSite());
});

afterAll(async () => {
  vi.unstubAllEnvs();
  for (const s of stores) s.client.destroy();
  await web.close();
  await s3.close();
});

function track(s: S3Store): S3Store {
  stores.push(s);
  return s;
}

async function object(key: string): Promise<Buffer> {
  const out = await stores[0]!.client.send(new GetObjectCommand({ Bucket: 'media', Key: key }));
  return Buffer.from(await out.Body!.transformToByteArray());
}

const imageGets = (): number => web.requests.filter((r) => r.url.startsWith('/img/')).length;
const oneItem = (): Item[] => [{ image_urls: imagePaths.map((p) => `${web.url}${p}`) }];

/** A real crawl of the site's /items page, whose callback yields `makeItems()`; its log as lines. */
async function crawlItems(server: TestServer, makeItems: () => Item[], itemPipelines: ItemPipeline<any, any>[]) {
  const run = await testCrawler({ startUrls: [`${server.url}/items`], parse: () => makeItems(), downloadHandlers: [httpHandler()], itemPipelines });
  return { ...run, items: run.items as Item[], logs: logLines(run.logs) };
}

describe('images pipeline into S3 (s3rver)', () => {
  it('stores full images and thumbnails with the ACL, then finds them up to date', async () => {
    const store = track(s3Store({ bucket: 'media', prefix: 'crawl', endpoint: s3.endpoint, forcePathStyle: true, allowInsecure: true, acl: 'public-read', credentials: { accessKeyId: TEST_KEY_ID, secretAccessKey: TEST_SECRET } }));
    const first = await crawlItems(web, oneItem, [imagesPipeline({ store, thumbs: { small: [50, 50] } })]);
    expect(first.reason).toBe('finished');
    const infos = first.items[0]!.images!;
    expect(infos).toHaveLength(3);
    for (const [i, info] of infos.entries()) {
      const sha = sha1(`${web.url}${imagePaths[i]}`);
      expect(info).toMatchObject({ path: `full/${sha}.jpg`, status: 'downloaded' });
      const full = await object(`crawl/full/${sha}.jpg`);
      expect(createHash('md5').update(full).digest('hex')).toBe(info.checksum);
      expect((await sharp(full).metadata()).format).toBe('jpeg');
      const thumb = await sharp(await object(`crawl/thumbs/small/${sha}.jpg`)).metadata();
      expect(Math.max(thumb.width!, thumb.height!)).toBe(50);
      for (const key of [`crawl/full/${sha}.jpg`, `crawl/thumbs/small/${sha}.jpg`]) {
        const put = s3.requests.find((r) => r.method === 'PUT' && r.url.split('?')[0] === `/media/${key}`);
        expect(put?.headers['x-amz-acl']).toBe('public-read');
        expect(put?.headers['content-type']).toBe('image/jpeg');
      }
    }
    expect(first.stats['file_status_count/downloaded']).toBe(3);
    const gets = imageGets();
    expect(gets).toBe(3);

    const second = await crawlItems(web, oneItem, [imagesPipeline({ store, thumbs: { small: [50, 50] } })]);
    const again = second.items[0]!.images!;
    expect(again.map((i) => i.status)).toEqual(['uptodate', 'uptodate', 'uptodate']);
    expect(again.map((i) => i.checksum)).toEqual(infos.map((i) => i.checksum));
    expect(second.stats['file_status_count/uptodate']).toBe(3);
    expect(imageGets()).toBe(gets);
  });

  it('resolves an s3:// URI with credentials from the AWS environment, never logging the secret', async () => {
    vi.stubEnv('AWS_ACCESS_KEY_ID', TEST_KEY_ID);
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', TEST_SECRET);
    const endpoint = encodeURIComponent(s3.endpoint);
    const store = track(createFilesStore(new URL(`s3://media/from-uri?endpoint=${endpoint}&forcePathStyle=true&allowInsecure=true`)));
    const run = await crawlItems(web, oneItem, [imagesPipeline({ store, expiresDays: 0 })]);
    expect(run.items[0]!.images!.map((i) => i.status)).toEqual(['downloaded', 'downloaded', 'downloaded']);
    const sha = sha1(`${web.url}${imagePaths[0]}`);
    expect(s3.requests.find((r) => r.method === 'PUT' && r.url.split('?')[0] === `/media/from-uri/full/${sha}.jpg`)?.headers['x-amz-acl']).toBe('private');
    expect(run.logs.some((l) => l.includes('s3://media/from-uri'))).toBe(true);
    const everything = JSON.stringify({ logs: run.logs, stats: run.stats, items: run.items });
    expect(everything).not.toContain(TEST_SECRET);
  });

  it('records a missing bucket as the item failure, logs it, and finishes the crawl', async () => {
    const secret = 'never-in-logs-5be1';
    const store = track(s3Store({ bucket: 'missing-bucket', endpoint: s3.endpoint, forcePathStyle: true, allowInsecure: true, credentials: { accessKeyId: TEST_KEY_ID, secretAccessKey: secret } }));
    const results: MediaResult[][] = [];
    const pipeline = imagesPipeline({
      store,
      itemCompleted: (r, item: Item) => {
        results.push(r);
        return item;
      },
    });
    const run = await crawlItems(web, () => [{ image_urls: [`${web.url}${imagePaths[0]}`] }], [pipeline]);
    expect(run.reason).toBe('finished');
    expect(run.items).toHaveLength(1);
    const [ok, error] = results[0]![0]!;
    expect(ok).toBe(false);
    // The pipeline keeps the store's own error when it is a CrawlError.
    expect(error).toBeInstanceOf(S3StoreError);
    expect(String((error as Error).message)).toMatch(/missing-bucket.*NoSuchBucket/);
    expect(run.logs.some((l) => l.startsWith('warn') && l.includes('s3://missing-bucket/full/'))).toBe(true);
    expect(JSON.stringify(run.logs)).not.toContain(secret);
  });
});
