import { createHash } from 'node:crypto';
import { availableParallelism } from 'node:os';
import type { Request, Response } from '@crawl/core';
import { createMediaPipeline, type MediaHookContext, type MediaPipeline } from '@crawl/pipeline-files';
import { defaultConvertImage } from './convert-image.js';
import { ImageException } from './errors.js';
import { defaultGetImages, type GetImagesSettings } from './get-images.js';
import { defaultImagePath, defaultThumbPath } from './image-paths.js';
import { ImageGate } from './limiter.js';
import { pauseSharpCache } from './sharp-cache.js';
import { resolveImagesOptions, type ImagesPipelineOptions } from './options.js';
import type { ImageOutput } from './types.js';

/**
 * Scrapy's ImagesPipeline: the files pipeline's machinery (dedupe, expiry, stores, hooks) with
 * `image_urls` / `images` fields, every image stored as an sRGB JPEG at `full/<sha1>.jpg`,
 * thumbnails at `thumbs/<name>/<sha1>.jpg` and a minimum size. The checksum is the MD5 of the
 * stored full image.
 *
 * @example
 * imagesPipeline({ store: 'out/images', thumbs: { small: [50, 50], big: [270, 270] }, minWidth: 110, minHeight: 110 });
 */
export function imagesPipeline<I = any>(options: ImagesPipelineOptions<I>): MediaPipeline<I> {
  const o = resolveImagesOptions(options);
  // Converting is CPU-bound and sharp gives each image one libvips thread on glibc Linux (its
  // default there): one image per core keeps the cores busy, more only interleave on them while
  // each holds its decoded pixels. Four items per image slot (two or three images each, many of
  // them already stored) keep the next bodies downloaded before a slot frees.
  const concurrency = o.concurrentImages === 0 ? availableParallelism() : o.concurrentImages;
  const gate = new ImageGate(concurrency, 4 * concurrency);
  const settings: GetImagesSettings<I> = {
    thumbs: o.thumbs,
    minWidth: o.minWidth,
    minHeight: o.minHeight,
    limitInputPixels: o.limitInputPixels,
    quality: o.jpegQuality,
    optimizeCoding: o.jpegOptimize,
    convertImage: o.convertImage ?? defaultConvertImage,
    thumbPath: o.thumbPath ?? ((request, thumbId) => defaultThumbPath(request, thumbId)),
    gate,
  };

  // Scrapy's image_downloaded: store every output, the checksum being the first (full) image's.
  const imageDownloaded = async (response: Response, request: Request<any>, ctx: MediaHookContext<I> & { readonly path: string }): Promise<string> => {
    const base = (): Promise<ImageOutput[]> => defaultGetImages(settings, response, request, ctx);
    const produced = o.getImages ? await o.getImages(response, request, { ...ctx, base }) : await base();
    const outputs: ImageOutput[] = [];
    for await (const output of produced) outputs.push(output);
    const full = outputs[0];
    if (full === undefined) throw new ImageException(request.url, 'invalid-image', `getImages produced no image for ${request.url}`);
    const checksum = createHash('md5').update(full.data).digest('hex');
    await Promise.all(outputs.map((out) => ctx.info.store.persist(out.path, out.data, { contentType: 'image/jpeg' })));
    return checksum;
  };

  const media = createMediaPipeline<I>({
    ...o,
    filePath: o.filePath ?? ((request) => defaultImagePath(request)),
    fileDownloaded: o.fileDownloaded ?? imageDownloaded,
    name: '@crawl/pipeline-images',
    mediaName: 'image',
  });
  let resumeCache: (() => void) | undefined;
  // Wrapped, not spread: `store` is a getter.
  const pipeline: MediaPipeline<I> = {
    name: media.name,
    get store() {
      return media.store;
    },
    async open(crawler) {
      if (!o.sharpCache) resumeCache ??= pauseSharpCache();
      try {
        await media.open!(crawler);
      } catch (error) {
        resumeCache?.();
        resumeCache = undefined;
        throw error;
      }
    },
    async close(crawler, reason) {
      try {
        await media.close!(crawler, reason);
      } finally {
        resumeCache?.();
        resumeCache = undefined;
      }
    },
    processItem: (item, crawler) => gate.item(async () => media.processItem(item, crawler)),
  };
  return pipeline;
}
