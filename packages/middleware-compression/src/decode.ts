import type { Transform } from 'node:stream';
import { constants, createBrotliDecompress, createGunzip, createInflate, createInflateRaw } from 'node:zlib';
import { createZstdDecompress, type Codec } from './encodings.js';

/** Output is produced and counted in pieces of this size, so a limit is never overshot by more (Scrapy: 64 KiB). */
export const OUTPUT_CHUNK_SIZE = 64 * 1024;

/** The decoded output passed the limit; decoding stopped at `decoded` bytes. */
export class DecodedSizeExceeded extends Error {
  readonly decoded: number;
  constructor(decoded: number, limit: number) {
    super(`decoded output passed ${limit} bytes`);
    this.decoded = decoded;
  }
}

interface Run {
  readonly chunks: Buffer[];
  readonly size: number;
  readonly error: Error | undefined;
}

/**
 * Feeds `input` through a zlib stream and collects its output, counting each chunk: past `limit`
 * (0 = none) the stream is destroyed at once, so a bomb costs at most limit + one chunk of
 * memory. Resolves with the error instead of rejecting on a codec failure, so the caller can
 * decide what partial output is worth.
 */
function run(stream: Transform, input: Uint8Array, limit: number): Promise<Run> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    stream.on('data', (chunk: Buffer) => {
      if (settled) return;
      size += chunk.length;
      if (limit > 0 && size > limit) {
        settled = true;
        stream.destroy();
        reject(new DecodedSizeExceeded(size, limit));
        return;
      }
      chunks.push(chunk);
    });
    // `on`, not `once`: a destroyed stream may still report the write it was in the middle of.
    stream.on('error', (error: Error) => {
      if (settled) return;
      settled = true;
      resolve({ chunks, size, error });
    });
    stream.on('end', () => {
      if (settled) return;
      settled = true;
      resolve({ chunks, size, error: undefined });
    });
    stream.end(input);
  });
}

function joined(result: Run): Uint8Array {
  return result.chunks.length === 1 ? result.chunks[0]! : Buffer.concat(result.chunks, result.size);
}

function options(lenientEnd: boolean, brotli: boolean): { chunkSize: number; finishFlush?: number } {
  if (!lenientEnd) return { chunkSize: OUTPUT_CHUNK_SIZE };
  // A flush instead of a finish at the end of input: a cut-off stream yields what it holds instead of failing.
  return { chunkSize: OUTPUT_CHUNK_SIZE, finishFlush: brotli ? constants.BROTLI_OPERATION_FLUSH : constants.Z_SYNC_FLUSH };
}

async function decoded(stream: Transform, input: Uint8Array, limit: number): Promise<Uint8Array> {
  const result = await run(stream, input, limit);
  if (result.error !== undefined) throw result.error;
  return joined(result);
}

/**
 * Undoes one content coding within `limit` decoded bytes (0 = no limit). Rejects with
 * DecodedSizeExceeded past the limit, or with the codec's error for a corrupt body. With
 * `lenientEnd` (a body the download handler already flagged as cut short), a stream that stops
 * early yields what it holds instead of failing.
 */
export async function decode(codec: Codec, input: Uint8Array, limit: number, lenientEnd = false): Promise<Uint8Array> {
  if (codec === 'identity' || input.byteLength === 0) return input;
  const zlibOptions = options(lenientEnd, false);
  switch (codec) {
    case 'gzip':
      return decoded(createGunzip(zlibOptions), input, limit);
    case 'deflate': {
      const wrapped = await run(createInflate(zlibOptions), input, limit);
      if (wrapped.error === undefined) return joined(wrapped);
      // Some servers (old IIS among them) send raw deflate as "deflate": it fails the zlib header check at once.
      if (wrapped.size > 0) throw wrapped.error;
      const raw = await run(createInflateRaw(zlibOptions), input, limit);
      if (raw.error === undefined) return joined(raw);
      throw wrapped.error;
    }
    case 'br':
      return decoded(createBrotliDecompress(options(lenientEnd, true)), input, limit);
    case 'zstd':
      if (createZstdDecompress === undefined) throw new Error('zstd is not supported by this Node.js');
      return decoded(createZstdDecompress(zlibOptions), input, limit);
  }
}
