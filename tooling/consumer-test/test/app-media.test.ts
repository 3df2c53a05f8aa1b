import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { TestServer } from '@crawl/test-servers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jpegSize } from '../src/jpeg-size.js';
import { createNpmApp, lastJsonLine, type NpmApp } from '../src/npm-app.js';
import { consumerContext, tarballsFor } from '../src/packed.js';
import { SITE_IMAGES, startSite } from '../src/site.js';

const BASE = ['@crawl/core', '@crawl/engine', '@crawl/http'];
const MEDIA = ['@crawl/pipeline-files', '@crawl/pipeline-images', '@crawl/store-fs'];
/** Not imported by the app: store-fs's own dependency, given as a tarball since it is not on the registry yet. */
const MEDIA_DEPENDENCIES = ['@crawl/store-kit'];
const FIXTURES = resolve(import.meta.dirname, '../fixtures/app-media');
const RUN_TIMEOUT_MS = 90_000;
/** The thumbnail box media.mjs asks for. */
const THUMB_BOX = 16;

const sha1 = (text: string): string => createHash('sha1').update(text).digest('hex');
const md5 = (data: Uint8Array): string => createHash('md5').update(data).digest('hex');

/** Pillow's thumbnail(): fit inside the box, keep the ratio, never enlarge (the images pipeline's rule). */
function thumbSize(width: number, height: number, box: number): { width: number; height: number } {
  const scale = Math.min(box / width, box / height, 1);
  return { width: Math.round(width * scale), height: Math.round(height * scale) };
}

interface StoredImage {
  url: string;
  path: string;
  checksum: string;
  status: string;
}

// The media packages are being written alongside this test: until they build, App 2 is reported
// as skipped with the reason (their own tarball checks in tarballs.test.ts fail meanwhile).
const mediaMissing = tarballsFor([...MEDIA, ...MEDIA_DEPENDENCIES]).missing;

describe.skipIf(mediaMissing.length > 0)('App 2: App 1 plus the images pipeline and the filesystem store, from tarballs', () => {
  let site: TestServer | undefined;
  let app: NpmApp;
  let storeDir: string;

  beforeAll(async () => {
    const { tarballs, missing } = tarballsFor([...BASE, ...MEDIA, ...MEDIA_DEPENDENCIES]);
    if (missing.length > 0) throw new Error(`App 2 cannot be installed:\n${missing.join('\n')}`);
    const dir = join(consumerContext().workDir, 'app-media');
    storeDir = join(dir, 'store');
    // sharp comes from the registry as pipeline-images' own dependency, as it would for a user.
    app = await createNpmApp(dir, FIXTURES, tarballs);
    site = await startSite();
  });

  afterAll(async () => {
    await site?.close();
  });

  it('stores both images as JPEGs with thumbnails, and reports them on the item', async () => {
    const base = `${site!.url}/media/`;
    const result = await app.node('media.mjs', [base, storeDir], RUN_TIMEOUT_MS);
    const out = lastJsonLine<{ reason: string; items: { images: StoredImage[] }[]; downloaded: number }>(result, 'media.mjs');
    expect(out.reason, result.stderr).toBe('finished');
    expect(out.items, result.stderr).toHaveLength(1);
    expect(out.downloaded, result.stderr).toBe(2);
    const images = out.items[0]!.images;
    expect(images.map((i) => i.url)).toEqual(Object.keys(SITE_IMAGES).map((name) => `${base}img/${name}`));
    for (const [name, spec] of Object.entries(SITE_IMAGES)) {
      const image = images.find((i) => i.url.endsWith(`/img/${name}`))!;
      // Scrapy's layout: full/<sha1 of the URL>.jpg and thumbs/<name>/<sha1 of the URL>.jpg.
      expect(image.path).toBe(`full/${sha1(image.url)}.jpg`);
      expect(image.status).toBe('downloaded');
      const full = join(storeDir, image.path);
      const thumb = join(storeDir, `thumbs/small/${sha1(image.url)}.jpg`);
      expect(existsSync(full), full).toBe(true);
      expect(existsSync(thumb), thumb).toBe(true);
      const fullBytes = readFileSync(full);
      expect(image.checksum).toBe(md5(fullBytes));
      expect(jpegSize(fullBytes)).toEqual({ width: spec.width, height: spec.height });
      expect(jpegSize(readFileSync(thumb))).toEqual(thumbSize(spec.width, spec.height, THUMB_BOX));
    }
  });

  it('loads the media packages with require()', async () => {
    const out = lastJsonLine<Record<string, string[]>>(await app.node('load.cjs', [], RUN_TIMEOUT_MS), 'load.cjs');
    expect(out['images']).toContain('imagesPipeline');
    expect(out['files']).toContain('filesPipeline');
    expect(out['store']).toContain('fsStore');
  });
});

if (mediaMissing.length > 0) {
  describe('App 2', () => {
    it.skip(`skipped: the media packages do not build yet (${mediaMissing.join('; ')})`, () => {});
  });
}
