import type sharp from 'sharp';
import { thumbnailSize, type ThumbSize } from './thumbnail-size.js';
import type { ConvertContext, ConvertedImage } from './types.js';

const WHITE = { r: 255, g: 255, b: 255 };

/**
 * Already what we would produce: Scrapy stores such a JPEG as downloaded rather than re-encoding
 * it (no generation loss), which also makes its checksum the MD5 of the downloaded body.
 */
export function isPlainRgbJpeg(metadata: sharp.Metadata): boolean {
  return metadata.format === 'jpeg' && metadata.channels === 3 && metadata.space === 'srgb' && (metadata.orientation === undefined || metadata.orientation === 1);
}

/**
 * Scrapy's convert_image on sharp: EXIF orientation applied, transparency flattened onto white,
 * any colour space (CMYK, greyscale, 16-bit) to 8-bit sRGB, JPEG; with `size`, a thumbnail that
 * fits the box as Pillow's thumbnail() sizes it (never enlarged).
 */
export async function defaultConvertImage(image: sharp.Sharp, size: ThumbSize | undefined, ctx: ConvertContext): Promise<ConvertedImage> {
  const { source, quality, optimizeCoding = false } = ctx;
  if (size === undefined && isPlainRgbJpeg(source.metadata)) return { data: source.body, width: source.width, height: source.height };
  let width = source.width;
  let height = source.height;
  let pipeline = image.clone().autoOrient();
  const box = size === undefined ? undefined : thumbnailSize(width, height, size);
  if (box !== undefined) {
    // Both sides are given, so sharp keeps exactly Pillow's rounding; the ratio is already preserved.
    pipeline = pipeline.resize(box[0], box[1], { fit: 'fill', kernel: 'lanczos3' });
    [width, height] = box;
  }
  const data = await pipeline.flatten({ background: WHITE }).toColourspace('srgb').jpeg({ quality, optimiseCoding: optimizeCoding }).toBuffer();
  return { data, width, height };
}
