import type { Awaitable, Request, Response } from '@crawl/core';
import type { MediaHookContext } from '@crawl/pipeline-files';
import type sharp from 'sharp';
import type { ThumbSize } from './thumbnail-size.js';

/** An encoded image ready to store. */
export interface ConvertedImage {
  readonly data: Uint8Array;
  readonly width: number;
  readonly height: number;
}

/** One file to store for an image: the full image first, then its thumbnails. */
export interface ImageOutput extends ConvertedImage {
  readonly path: string;
}

/** The downloaded image as decoded once: its bytes, sharp's metadata, and its size after EXIF orientation. */
export interface ImageSource {
  readonly body: Uint8Array;
  readonly metadata: sharp.Metadata;
  readonly width: number;
  readonly height: number;
}

export interface ConvertContext {
  readonly source: ImageSource;
  /** JPEG quality of re-encoded images. */
  readonly quality: number;
  /** Optimal Huffman tables for re-encoded images (jpegOptimize); false when absent. */
  readonly optimizeCoding?: boolean;
}

/** The image-specific overridable steps (Scrapy's ImagesPipeline methods). */
export interface ImageHooks<I> {
  /** Path of a thumbnail (default `thumbs/<thumbId>/<sha1 of the URL>.jpg`). */
  thumbPath?: (request: Request<any>, thumbId: string, response: Response | undefined, ctx: MediaHookContext<I>) => string;
  /**
   * Encodes the image, or a thumbnail of it when `size` is given (default: EXIF orientation
   * applied, alpha flattened onto white, sRGB, JPEG; an RGB JPEG without orientation is kept as
   * downloaded). `image` is a sharp instance on the downloaded body: clone() it before chaining.
   */
  convertImage?: (image: sharp.Sharp, size: ThumbSize | undefined, ctx: ConvertContext) => Promise<ConvertedImage>;
  /** Every file to store for a downloaded image, the full image first; `ctx.base()` gives the default list. */
  getImages?: (
    response: Response,
    request: Request<any>,
    ctx: MediaHookContext<I> & { readonly path: string; readonly base: () => Promise<ImageOutput[]> },
  ) => Awaitable<Iterable<ImageOutput> | AsyncIterable<ImageOutput>>;
}
