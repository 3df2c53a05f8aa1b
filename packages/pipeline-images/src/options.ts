import { ConfigError } from '@crawl/core';
import { FILES_PIPELINE_DEFAULTS, resolveMediaOptions, type MediaPipelineDefaults, type MediaPipelineOptions, type ResolvedMediaOptions } from '@crawl/pipeline-files';
import type { ThumbSize } from './thumbnail-size.js';
import type { ImageHooks } from './types.js';

export interface ImagesPipelineOptions<I = any> extends MediaPipelineOptions<I>, ImageHooks<I> {
  /** Thumbnails to make, by name: `{ small: [50, 50], big: [270, 270] }` (Scrapy's IMAGES_THUMBS). */
  thumbs?: Readonly<Record<string, ThumbSize>>;
  /** Images narrower than this fail with 'too-small' (thumbnails are not affected). IMAGES_MIN_WIDTH. */
  minWidth?: number;
  /** Images shorter than this fail with 'too-small'. IMAGES_MIN_HEIGHT. */
  minHeight?: number;
  /** Images with more pixels fail without being decoded (decompression bombs); 0 removes the limit. */
  limitInputPixels?: number;
  /** JPEG quality (1–100) of converted images and thumbnails; Pillow's default is 75. */
  jpegQuality?: number;
  /**
   * Optimal Huffman tables in converted images and thumbnails: about 5% smaller files for about
   * 10% more encoding time. Off by default, as in Pillow's JPEG encoder (Scrapy's); sharp's own
   * default is on.
   */
  jpegOptimize?: boolean;
  /**
   * How many downloaded images are decoded and converted at once; 0 (the default) means one per
   * CPU this process may run on (os.availableParallelism(), which honours taskset/cpusets).
   */
  concurrentImages?: number;
  /**
   * Leave sharp's (libvips') operation cache as it is while the pipeline is open. By default the
   * pipeline turns that process-wide cache off while it is open and restores its limits at close:
   * each image is converted once, so the cache would only cost time and memory.
   */
  sharpCache?: boolean;
}

export interface ImagesPipelineDefaults extends MediaPipelineDefaults {
  readonly thumbs: Readonly<Record<string, ThumbSize>>;
  readonly minWidth: number;
  readonly minHeight: number;
  readonly limitInputPixels: number;
  readonly jpegQuality: number;
  readonly jpegOptimize: boolean;
  readonly concurrentImages: number;
  readonly sharpCache: boolean;
}

export const IMAGES_PIPELINE_DEFAULTS: ImagesPipelineDefaults = Object.freeze({
  ...FILES_PIPELINE_DEFAULTS,
  urlsField: 'image_urls',
  resultField: 'images',
  thumbs: Object.freeze({}),
  minWidth: 0,
  minHeight: 0,
  // sharp's own default, 0x3FFF * 0x3FFF.
  limitInputPixels: 268_402_689,
  jpegQuality: 75,
  jpegOptimize: false,
  concurrentImages: 0,
  sharpCache: false,
});

const IMAGE_KEYS = ['thumbs', 'minWidth', 'minHeight', 'limitInputPixels', 'jpegQuality', 'jpegOptimize', 'concurrentImages', 'sharpCache', 'thumbPath', 'convertImage', 'getImages'] as const;

export interface ResolvedImagesOptions<I> extends ResolvedMediaOptions<I>, ImageHooks<I> {
  readonly thumbs: readonly (readonly [name: string, size: ThumbSize])[];
  readonly minWidth: number;
  readonly minHeight: number;
  readonly limitInputPixels: number;
  readonly jpegQuality: number;
  readonly jpegOptimize: boolean;
  readonly concurrentImages: number;
  readonly sharpCache: boolean;
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value == null) return String(value);
  return Array.isArray(value) ? 'an array' : typeof value;
}

function fail(key: string, expected: string, value: unknown): never {
  throw new ConfigError(`imagesPipeline option ${key} must be ${expected}, got ${describe(value)}`);
}

function integer(key: string, value: unknown, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) fail(key, `an integer from ${min}${max === Number.MAX_SAFE_INTEGER ? '' : ` to ${max}`}`, value);
  return value;
}

function resolveThumbs(value: unknown): [string, ThumbSize][] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail('thumbs', 'an object of name: [width, height]', value);
  const out: [string, ThumbSize][] = [];
  for (const [name, size] of Object.entries(value as Record<string, unknown>)) {
    // The name becomes a directory: keep it one plain segment.
    if (name === '' || name === '.' || name === '..' || /[/\\\0]/.test(name)) fail(`thumbs name ${JSON.stringify(name)}`, 'a plain directory name', name);
    if (!Array.isArray(size) || size.length !== 2) fail(`thumbs.${name}`, 'a [width, height] pair', size);
    const [w, h] = size as unknown[];
    out.push([name, [integer(`thumbs.${name}[0]`, w, 1), integer(`thumbs.${name}[1]`, h, 1)]]);
  }
  return out;
}

/** Validates the images pipeline's options (shared ones included) and applies IMAGES_PIPELINE_DEFAULTS. */
export function resolveImagesOptions<I>(options: ImagesPipelineOptions<I>): ResolvedImagesOptions<I> {
  const base = resolveMediaOptions('imagesPipeline', options, IMAGES_PIPELINE_DEFAULTS, IMAGE_KEYS);
  const d = IMAGES_PIPELINE_DEFAULTS;
  for (const flag of ['jpegOptimize', 'sharpCache'] as const) {
    if (options[flag] !== undefined && typeof options[flag] !== 'boolean') fail(flag, 'a boolean', options[flag]);
  }
  for (const hook of ['thumbPath', 'convertImage', 'getImages'] as const) {
    if (options[hook] !== undefined && typeof options[hook] !== 'function') fail(hook, 'a function', options[hook]);
  }
  const resolved: ResolvedImagesOptions<I> = {
    ...base,
    thumbs: resolveThumbs(options.thumbs ?? d.thumbs),
    minWidth: integer('minWidth', options.minWidth ?? d.minWidth, 0),
    minHeight: integer('minHeight', options.minHeight ?? d.minHeight, 0),
    limitInputPixels: integer('limitInputPixels', options.limitInputPixels ?? d.limitInputPixels, 0),
    jpegQuality: integer('jpegQuality', options.jpegQuality ?? d.jpegQuality, 1, 100),
    jpegOptimize: options.jpegOptimize ?? d.jpegOptimize,
    concurrentImages: integer('concurrentImages', options.concurrentImages ?? d.concurrentImages, 0),
    sharpCache: options.sharpCache ?? d.sharpCache,
  };
  if (options.thumbPath) (resolved as { thumbPath?: unknown }).thumbPath = options.thumbPath;
  if (options.convertImage) (resolved as { convertImage?: unknown }).convertImage = options.convertImage;
  if (options.getImages) (resolved as { getImages?: unknown }).getImages = options.getImages;
  return resolved;
}
