import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { jpegSize } from '../../src/jpeg-size.js';
import { encodePng } from '../../src/png.js';

describe('encodePng', () => {
  it('writes a PNG whose header and pixels decode back', () => {
    const png = encodePng(3, 2, [10, 20, 30]);
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect(png.toString('latin1', 12, 16)).toBe('IHDR');
    expect(png.readUInt32BE(16)).toBe(3);
    expect(png.readUInt32BE(20)).toBe(2);
    const idatAt = png.indexOf('IDAT', 0, 'latin1');
    const length = png.readUInt32BE(idatAt - 4);
    const raw = inflateSync(png.subarray(idatAt + 4, idatAt + 4 + length));
    expect([...raw]).toEqual([0, 10, 20, 30, 10, 20, 30, 10, 20, 30, 0, 10, 20, 30, 10, 20, 30, 10, 20, 30]);
    expect(png.toString('latin1', png.length - 8, png.length - 4)).toBe('IEND');
  });
});

describe('jpegSize', () => {
  it('reads the frame size after other segments, and refuses what is not a JPEG', () => {
    const app0 = [0xff, 0xe0, 0x00, 0x06, 0x4a, 0x46, 0x49, 0x46];
    const dht = [0xff, 0xc4, 0x00, 0x04, 0x00, 0x00];
    const sof2 = [0xff, 0xc2, 0x00, 0x0b, 0x08, 0x01, 0x2c, 0x02, 0x58, 0x01, 0x01, 0x11, 0x00];
    const jpeg = Uint8Array.from([0xff, 0xd8, ...app0, ...dht, ...sof2, 0xff, 0xd9]);
    expect(jpegSize(jpeg)).toEqual({ width: 600, height: 300 });
    expect(jpegSize(encodePng(2, 2, [0, 0, 0]))).toBeUndefined();
    expect(jpegSize(Uint8Array.from([0xff, 0xd8, 0x00, 0x01]))).toBeUndefined();
  });
});
