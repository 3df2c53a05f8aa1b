import { brotliCompressSync, constants, createBrotliCompress, deflateRawSync, gzipSync } from 'node:zlib';

const MiB = 1024 * 1024;
const BLOCK = 16 * MiB;
const zeros = (): Buffer => Buffer.alloc(BLOCK);

/**
 * Decompression bombs of `total` zero bytes (a multiple of 16 MiB), built without holding the
 * decoded size in memory: gzip as repeated members (a valid multi-member stream), deflate as a
 * repeated full-flush block (which references nothing before it) closed by an empty final block.
 */
export function gzipBomb(total: number): Buffer {
  const member = gzipSync(zeros(), { level: 9 });
  return Buffer.concat(Array.from({ length: total / BLOCK }, () => member));
}

function rawDeflateBlocks(total: number): Buffer {
  const block = deflateRawSync(zeros(), { level: 9, finishFlush: constants.Z_FULL_FLUSH });
  // BFINAL=1, BTYPE=01 (fixed Huffman), then the end-of-block code: ten bits, 0x03 0x00.
  return Buffer.concat([...Array.from({ length: total / BLOCK }, () => block), Buffer.from([0x03, 0x00])]);
}

export function rawDeflateBomb(total: number): Buffer {
  return rawDeflateBlocks(total);
}

/** zlib-wrapped deflate: header, blocks, and the Adler-32 of `total` zeros (a = 1, b = total mod 65521). */
export function zlibBomb(total: number): Buffer {
  const adler = Buffer.alloc(4);
  adler.writeUInt32BE((((total % 65521) << 16) | 1) >>> 0);
  return Buffer.concat([Buffer.from([0x78, 0xda]), rawDeflateBlocks(total), adler]);
}

export async function brotliBomb(total: number): Promise<Buffer> {
  const stream = createBrotliCompress({ params: { [constants.BROTLI_PARAM_QUALITY]: 5 } });
  const out: Buffer[] = [];
  stream.on('data', (c: Buffer) => out.push(c));
  const done = new Promise<void>((resolve, reject) => {
    stream.once('end', resolve);
    stream.once('error', reject);
  });
  const block = zeros();
  for (let written = 0; written < total; written += BLOCK) {
    if (!stream.write(block)) await new Promise((resolve) => stream.once('drain', resolve));
  }
  stream.end();
  await done;
  return Buffer.concat(out);
}

export const brotli = (body: Buffer): Buffer => brotliCompressSync(body);
export const gzip = (body: Buffer): Buffer => gzipSync(body, { level: 9 });
export { MiB };
