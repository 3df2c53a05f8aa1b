import { CrawlError, type Request, type Response } from '@crawl/core';
import type { MediaHookContext } from '@crawl/pipeline-files';
import sharp from 'sharp';
import { defaultConvertImage } from './convert-image.js';
import { convertFromOneDecode } from './convert-once.js';
import { ImageException } from './errors.js';
import type { ImageGate } from './limiter.js';
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
  readonly optimizeCoding: boolean;
  readonly convertImage: (image: sharp.Sharp, size: ThumbSize | undefined, ctx: ConvertContext) => Promise<ConvertedImage>;
  readonly thumbPath: (request: Request<any>, thumbId: string, response: Response | undefined, ctx: MediaHookContext<I>) => string;
  /** Bounds how many images are decoded and converted at once (concurrentImages). */
  readonly gate: ImageGate;
}

function message(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  // libvips keeps one error buffer for all threads: a concurrent operation can take the text.
  return text === 'Unknown error' ? 'the image data could not be decoded (libvips lost the reason)' : text;
}

/**
 * Scrapy's get_images: reads the header (format, size), refuses images under the minimum size,
 * then converts the full image and each thumbnail from one decode of the body (bounded by
 * limitInputPixels; a truncated image fails). At most `concurrentImages` images are in sharp at
 * once: more would only share the same cores while each holds its pixels.
 */
export function defaultGetImages<I>(
  settings: GetImagesSettings<I>,
  response: Response,
  request: Request<any>,
  ctx: MediaHookContext<I> & { readonly path: string },
): Promise<ImageOutput[]> {
  return settings.gate.convert(() => getImages(settings, response, request, ctx));
}

async function getImages<I>(
  settings: GetImagesSettings<I>,
  response: Response,
  request: Request<any>,
  ctx: MediaHookContext<I> & { readonly path: string },
): Promise<ImageOutput[]> {
  const url = request.url;
  const body = response.body;
  const input: sharp.SharpOptions = { limitInputPixels: settings.limitInputPixels, failOn: 'truncated' };
  const image = sharp(body, input);
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
  const convertCtx: ConvertContext = { source, quality: settings.quality, optimizeCoding: settings.optimizeCoding };
  const thumbPaths = settings.thumbs.map(([id]) => settings.thumbPath(request, id, response, ctx));
  try {
    if (settings.convertImage === defaultConvertImage) {
      const converted = await convertFromOneDecode(
        source,
        settings.thumbs.map(([, size]) => size),
        { quality: settings.quality, optimiseCoding: settings.optimizeCoding },
        input,
      );
      if (converted !== undefined) return converted.map((out, i): ImageOutput => ({ path: i === 0 ? ctx.path : thumbPaths[i - 1]!, ...out }));
    }
    const outputs = await Promise.all([
      settings.convertImage(image, undefined, convertCtx).then((full): ImageOutput => ({ path: ctx.path, ...full })),
      ...settings.thumbs.map(([, size], i) => settings.convertImage(image, size, convertCtx).then((thumb): ImageOutput => ({ path: thumbPaths[i]!, ...thumb }))),
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
