import sharp from 'sharp';

/** Real images of every kind the pipeline must handle, generated with sharp. */
export interface Fixtures {
  jpeg: Buffer;
  pngAlpha: Buffer;
  gif: Buffer;
  webp: Buffer;
  cmyk: Buffer;
  tiny: Buffer;
  huge: Buffer;
  truncated: Buffer;
  rotated: Buffer;
  wide: Buffer;
  svg: Buffer;
  /** Photo-like (gradients and noise), 640x480: thumbnails of it show resampling differences. */
  photo: Buffer;
  /** Just over the pixel count convertFromOneDecode keeps decoded (4096x4096). */
  oversized: Buffer;
}

/** Left half opaque blue, right half fully transparent. */
async function halfTransparentPng(width: number, height: number): Promise<Buffer> {
  const raw = Buffer.alloc(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4;
      if (x < width / 2) raw.set([0, 0, 255, 255], i);
      else raw.set([0, 0, 0, 0], i);
    }
  }
  return sharp(raw, { raw: { width, height, channels: 4 } }).png().toBuffer();
}

async function photoJpeg(width: number, height: number): Promise<Buffer> {
  const raw = Buffer.alloc(width * height * 3);
  let state = 12345;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      state = (Math.imul(state, 1103515245) + 12345) >>> 0;
      const noise = (state >>> 24) & 31;
      const i = (y * width + x) * 3;
      raw[i] = Math.min(255, Math.floor((x * 255) / width) + noise);
      raw[i + 1] = Math.min(255, Math.floor((y * 255) / height) + noise);
      raw[i + 2] = ((x ^ y) & 255) >> 1;
    }
  }
  return sharp(raw, { raw: { width, height, channels: 3 } }).jpeg({ quality: 90 }).toBuffer();
}

export async function makeFixtures(): Promise<Fixtures> {
  const solid = (width: number, height: number, channels: 3 | 4, background: sharp.Color) => sharp({ create: { width, height, channels, background } });
  const jpeg = await solid(400, 600, 3, { r: 200, g: 40, b: 40 }).jpeg({ quality: 90 }).toBuffer();
  return {
    jpeg,
    pngAlpha: await halfTransparentPng(200, 300),
    gif: await solid(150, 150, 4, { r: 0, g: 200, b: 0, alpha: 0 }).gif().toBuffer(),
    webp: await solid(300, 200, 4, { r: 0, g: 0, b: 255, alpha: 0.5 }).webp().toBuffer(),
    cmyk: await solid(200, 200, 3, { r: 0, g: 128, b: 255 }).toColourspace('cmyk').jpeg().toBuffer(),
    tiny: await solid(60, 60, 3, '#888888').png().toBuffer(),
    huge: await solid(3000, 3000, 3, '#ffffff').png().toBuffer(),
    truncated: jpeg.subarray(0, Math.floor(jpeg.length / 2)),
    // Stored landscape (40x20) with EXIF orientation 6: displayed portrait, 20x40.
    rotated: await solid(40, 20, 3, '#ff0000').jpeg().withMetadata({ orientation: 6 }).toBuffer(),
    wide: await solid(600, 100, 3, '#123456').jpeg().toBuffer(),
    photo: await photoJpeg(640, 480),
    oversized: await solid(4097, 4096, 3, '#204080').png().toBuffer(),
    svg: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="200" height="200"><rect width="200" height="200" fill="red"/></svg>'),
  };
}
