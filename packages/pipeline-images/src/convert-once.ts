import sharp from 'sharp';
import { isPlainRgbJpeg } from './convert-image.js';
import { thumbnailSize, type ThumbSize } from './thumbnail-size.js';
import type { ConvertedImage, ImageSource } from './types.js';

const WHITE = { r: 255, g: 255, b: 255 };
const LANCZOS = { fit: 'fill', kernel: 'lanczos3' } as const;

/**
 * Largest image whose pixels are kept in memory between the decode and the encodes (4096x4096,
 * 48 MiB as RGB). A bigger one is decoded once per output instead: libvips then streams it in
 * strips, so memory stays flat however large the image within limitInputPixels.
 */
export const DECODE_ONCE_MAX_PIXELS = 4096 * 4096;

type Box = readonly [width: number, height: number];

interface Pixels {
  readonly data: Buffer;
  readonly raw: sharp.Raw;
}

function encode(pixels: Pixels, box: Box | undefined, jpeg: sharp.JpegOptions): Promise<Buffer> {
  let pipeline = sharp(pixels.data, { raw: pixels.raw });
  if (box !== undefined && (box[0] !== pixels.raw.width || box[1] !== pixels.raw.height)) pipeline = pipeline.resize(box[0], box[1], LANCZOS);
  return pipeline.jpeg(jpeg).toBuffer();
}

/**
 * What defaultConvertImage produces for the full image and each of `sizes`, from a single decode
 * of the body: the decoded, oriented, flattened sRGB pixels are encoded as the full JPEG and
 * resized for every thumbnail. A plain RGB JPEG is stored as downloaded, so only thumbnails are
 * needed: it is decoded straight at the largest thumbnail's size (libjpeg's DCT scaling does most
 * of the shrinking) and smaller thumbnails are resized from those pixels when they are at least
 * twice as small in both directions (the gap Pillow's thumbnail() also leaves before its last
 * resampling step); a thumbnail closer in size is made from the body, as it would be alone.
 * Undefined when the full-size pixels would be needed and the image has more than
 * DECODE_ONCE_MAX_PIXELS: the caller then converts each output on its own.
 */
export async function convertFromOneDecode(
  source: ImageSource,
  sizes: readonly ThumbSize[],
  jpeg: sharp.JpegOptions,
  input: sharp.SharpOptions,
): Promise<ConvertedImage[] | undefined> {
  const { body, width, height } = source;
  const keep = isPlainRgbJpeg(source.metadata);
  const boxes = sizes.map((size) => thumbnailSize(width, height, size));
  const fullPixels = !keep || boxes.includes(undefined);
  if (fullPixels && width * height > DECODE_ONCE_MAX_PIXELS) return undefined;
  const full: ConvertedImage = { data: body, width, height };
  if (!fullPixels && boxes.length === 0) {
    // Only the header has been read: decode the body once, so a truncated JPEG fails instead of
    // being stored. Not stats(): under concurrency libvips sometimes lets it finish on a
    // truncated image, whereas a pipeline with an output reports the failure; a tiny one keeps
    // memory flat.
    await sharp(body, input).resize(8, 8, { fit: 'fill' }).raw().toBuffer();
    return [full];
  }

  let pipeline = sharp(body, input).autoOrient();
  let largest: Box | undefined;
  if (!fullPixels) {
    for (const box of boxes as Box[]) if (largest === undefined || box[0] * box[1] > largest[0] * largest[1]) largest = box;
    pipeline = pipeline.resize(largest![0], largest![1], LANCZOS);
  }
  const { data, info } = await pipeline.flatten({ background: WHITE }).toColourspace('srgb').raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
  const pixels: Pixels = { data, raw: { width: info.width, height: info.height, channels: info.channels } };

  const thumb = (box: Box | undefined): Promise<Buffer> => {
    if (box === undefined || fullPixels) return encode(pixels, box, jpeg);
    const same = box[0] === info.width && box[1] === info.height;
    if (same || (info.width >= 2 * box[0] && info.height >= 2 * box[1])) return encode(pixels, box, jpeg);
    return sharp(body, input).autoOrient().resize(box[0], box[1], LANCZOS).flatten({ background: WHITE }).toColourspace('srgb').jpeg(jpeg).toBuffer();
  };
  const [fullData, ...thumbs] = await Promise.all([keep ? body : encode(pixels, undefined, jpeg), ...boxes.map(thumb)]);
  return [
    { ...full, data: fullData! },
    ...thumbs.map((data, i): ConvertedImage => {
      const box = boxes[i];
      return { data, width: box?.[0] ?? width, height: box?.[1] ?? height };
    }),
  ];
}
