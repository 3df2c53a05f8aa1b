import { createHash } from 'node:crypto';
import type { ItemPipeline } from '@crawl/core';
import { httpHandler } from '@crawl/http';
import type { FileInfo, MediaResult } from '@crawl/pipeline-files';
import { imagesPipeline } from '@crawl/pipeline-images';
import { startGcsServer, type GcsTestServer, type TestServer } from '@crawl/test-servers';
import { startImageSite } from '@crawl/test-servers/images';
import { logLines, testCrawler } from '@crawl/testing';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFilesStore, gcsStore, GcsStoreError } from '../src/index.js';

const sha1 = (s: string): string => createHash('sha1').update(s).digest('hex');
type Item = { image_urls: string[]; images?: FileInfo[] };

let gcs: GcsTestServer;
let web: TestServer;
let imagePaths: readonly string[];

beforeAll(async () => {
  gcs = await startGcsServer({ buckets: ['media'] });
  ({ server: web, imagePaths } = await startImageSite());
});

afterAll(async () => {
  await web.close();
  await gcs.close();
});

const imageGets = (): number => web.requests.filter((r) => r.url.startsWith('/img/')).length;
const oneItem = (): Item[] => [{ image_urls: imagePaths.map((p) => `${web.url}${p}`) }];

/** A real crawl of the site's /items page, whose callback yields `makeItems()`; its log as lines. */
async function crawlItems(server: TestServer, makeItems: () => Item[], itemPipelines: ItemPipeline<any, any>[]) {
  const run = await testCrawler({ startUrls: [`${server.url}/items`], parse: () => makeItems(), downloadHandlers: [httpHandler()], itemPipelines });
  return { ...run, items: run.items as Item[], logs: logLines(run.logs) };
}

describe('images pipeline into GCS (JSON API test server)', () => {
  it('stores full images and thumbnails with the ACL, then finds them up to date', async () => {
    const store = gcsStore({ bucket: 'media', prefix: 'crawl', projectId: 'test-project', apiEndpoint: gcs.url, allowInsecure: true, acl: 'publicRead' });
    const first = await crawlItems(web, oneItem, [imagesPipeline({ store, thumbs: { small: [50, 50] } })]);
    expect(first.reason).toBe('finished');
    const infos = first.items[0]!.images!;
    expect(infos).toHaveLength(3);
    for (const [i, info] of infos.entries()) {
      const sha = sha1(`${web.url}${imagePaths[i]}`);
      expect(info).toMatchObject({ path: `full/${sha}.jpg`, status: 'downloaded' });
      const full = gcs.objects.get(`media/crawl/full/${sha}.jpg`)!;
      expect(createHash('md5').update(full.data).digest('hex')).toBe(info.checksum);
      expect((await sharp(full.data).metadata()).format).toBe('jpeg');
      const thumb = gcs.objects.get(`media/crawl/thumbs/small/${sha}.jpg`)!;
      const dims = await sharp(thumb.data).metadata();
      expect(Math.max(dims.width!, dims.height!)).toBe(50);
      for (const object of [full, thumb]) {
        expect(object).toMatchObject({ predefinedAcl: 'publicRead', contentType: 'image/jpeg' });
        expect(object.acl).toContainEqual({ entity: 'allUsers', role: 'READER' });
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

  it('resolves a gs:// URI, leaves the ACL to the bucket default, and logs where it stores', async () => {
    const endpoint = encodeURIComponent(gcs.url);
    const store = createFilesStore(new URL(`gs://media/from-uri?projectId=test-project&apiEndpoint=${endpoint}&allowInsecure=true`));
    const run = await crawlItems(web, oneItem, [imagesPipeline({ store, expiresDays: 0 })]);
    expect(run.items[0]!.images!.map((i) => i.status)).toEqual(['downloaded', 'downloaded', 'downloaded']);
    const sha = sha1(`${web.url}${imagePaths[0]}`);
    const object = gcs.objects.get(`media/from-uri/full/${sha}.jpg`)!;
    expect(object.predefinedAcl).toBeUndefined();
    expect(object.acl).not.toContainEqual({ entity: 'allUsers', role: 'READER' });
    expect(run.logs.some((l) => l.startsWith('info') && l.includes('gs://media/from-uri'))).toBe(true);
  });

  it('records a missing bucket as the item failure, logs it, and finishes the crawl', async () => {
    const privateKey = '-----BEGIN PRIVATE KEY-----never-in-logs-c0ffee-----END PRIVATE KEY-----';
    const store = gcsStore({
      bucket: 'missing-bucket',
      apiEndpoint: gcs.url,
      allowInsecure: true,
      projectId: 'test-project',
      credentials: { client_email: 'crawler@test-project.iam.gserviceaccount.com', private_key: privateKey },
    });
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
    expect(error).toBeInstanceOf(GcsStoreError);
    expect((error as Error).message).toMatch(/gs:\/\/missing-bucket\/full\/.*HTTP 404/);
    expect(run.logs.some((l) => l.startsWith('warn') && l.includes('gs://missing-bucket/full/'))).toBe(true);
    expect(JSON.stringify({ logs: run.logs, stats: run.stats })).not.toContain('never-in-logs');
  });
});
