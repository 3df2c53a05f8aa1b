import { CrawlError, type Request, type Response } from '@crawl/core';
import type { MediaHookContext } from '@crawl/pipeline-files';
import sharp from 'sharp';
import { ImageException } from './errors.js';
import type { ThumbSize } from './thumbnail-size.js';
import type { ConvertContext, ConvertedImage, ImageOutput, ImageSource } from './types.js';

/** Raster formats Pillow also reads. SVG and the rest are refused: a crawled "image" should not run a renderer. */
const FORMATS: ReadonlySet<string> = new Set(['jpeg', 'png', 'webp', 'gif', 'tiff', 'heif', 'avif']);

export interface GetImagesSettings<I> {
  readonly thumbs: readonly (readonly [name: string, size: ThumbSize])[];
  readonly minWidth: number;
  readonly minHeight: number;
  readonly limitInputPixels: number;
  readonly quality: number;
  readonly convertImage: (image: sharp.Sharp, size: ThumbSize | undefined, ctx: ConvertContext) => Promise<ConvertedImage>;
  readonly thumbPath: (request: Request<any>, thumbId: string, response: Response | undefined, ctx: MediaHookContext<I>) => string;
}

function message(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  // libvips keeps one error buffer for all threads: a concurrent operation can take the text.
  return text === 'Unknown error' ? 'the image data could not be decoded (libvips lost the reason)' : text;
}

/**
 * Scrapy's get_images: decodes the body once (bounded by limitInputPixels; a truncated image
 * fails), refuses images under the minimum size, then converts the full image and each thumbnail.
 */
export async function defaultGetImages<I>(
  settings: GetImagesSettings<I>,
  response: Response,
  request: Request<any>,
  ctx: MediaHookContext<I> & { readonly path: string },
): Promise<ImageOutput[]> {
  const url = request.url;
  const body = response.body;
  const image = sharp(body, { limitInputPixels: settings.limitInputPixels, failOn: 'truncated' });
  let metadata: sharp.Metadata;
  try {
    metadata = await image.metadata();
  } catch (cause) {
    throw new ImageException(url, 'invalid-image', `Cannot read image from ${url}: ${message(cause)}`, { cause });
  }
  if (metadata.format === undefined || !FORMATS.has(metadata.format)) {
    throw new ImageException(url, 'unsupported-format', `Unsupported image format ${metadata.format ?? 'unknown'} from ${url} (supported: ${[...FORMATS].join(', ')})`);
  }
  const { width, height } = metadata.autoOrient;
  const { minWidth, minHeight } = settings;
  if (width < minWidth || height < minHeight) {
    throw new ImageException(url, 'too-small', `Image too small (${width}x${height} < ${minWidth}x${minHeight})`);
  }
  const source: ImageSource = { body, metadata, width, height };
  const convertCtx: ConvertContext = { source, quality: settings.quality };
  try {
    const outputs = await Promise.all([
      settings.convertImage(image, undefined, convertCtx).then((full): ImageOutput => ({ path: ctx.path, ...full })),
      ...settings.thumbs.map(([id, size]) =>
        settings.convertImage(image, size, convertCtx).then((thumb): ImageOutput => ({ path: settings.thumbPath(request, id, response, ctx), ...thumb })),
      ),
    ]);
    // A JPEG kept as downloaded has only had its header read: decode it once, so a truncated
    // one fails here instead of being stored (thumbnails, when made, have already decoded it).
    // Not stats(): under concurrency libvips sometimes lets it finish on a truncated image,
    // whereas a pipeline with an output reports the failure; a tiny one keeps memory flat.
    if (settings.thumbs.length === 0 && outputs[0]!.data === body) await image.clone().resize(8, 8, { fit: 'fill' }).raw().toBuffer();
    return outputs;
  } catch (cause) {
    if (cause instanceof CrawlError) throw cause;
    throw new ImageException(url, 'invalid-image', `Cannot convert image from ${url}: ${message(cause)}`, { cause });
  }
}
