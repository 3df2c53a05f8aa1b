import { pipeBodyStream, type BodyStream } from '@crawl/core';
import { Transform, type TransformCallback } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate, createInflateRaw } from 'node:zlib';
import { DecodedSizeExceeded, OUTPUT_CHUNK_SIZE } from './decode.js';
import { createZstdDecompress, type Codec } from './encodings.js';

/** Fails the stream as soon as the decoded output passes `limit` bytes (0 = none): a bomb costs limit + one chunk. */
class SizeGuard extends Transform {
  size = 0;
  constructor(private readonly limit: number) {
    super();
  }
  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.size += chunk.length;
    if (this.limit > 0 && this.size > this.limit) callback(new DecodedSizeExceeded(this.size, this.limit));
    else callback(null, chunk);
  }
}

/**
 * "deflate" is zlib-wrapped by the RFC but raw in some servers' output (old IIS). A buffered body
 * can be retried raw after a failure; a stream cannot be replayed, so the first two bytes decide:
 * a zlib header has compression method 8 in the low nibble and is a multiple of 31.
 */
class AutoInflate extends Transform {
  private inner: Transform | undefined;
  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    if (this.inner === undefined) {
      const wrapped = chunk.length >= 2 && (chunk[0]! & 0x0f) === 8 && ((chunk[0]! << 8) | chunk[1]!) % 31 === 0;
      const inner = wrapped ? createInflate({ chunkSize: OUTPUT_CHUNK_SIZE }) : createInflateRaw({ chunkSize: OUTPUT_CHUNK_SIZE });
      inner.on('data', (out: Buffer) => this.push(out));
      inner.on('error', (error) => this.destroy(error));
      this.inner = inner;
    }
    this.inner.write(chunk, () => callback());
  }
  override _flush(callback: TransformCallback): void {
    if (this.inner === undefined) return callback();
    this.inner.once('end', () => callback());
    this.inner.end();
  }
  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.inner?.destroy();
    callback(error);
  }
}

function decoder(codec: Codec): Transform | undefined {
  const options = { chunkSize: OUTPUT_CHUNK_SIZE };
  switch (codec) {
    case 'gzip':
      return createGunzip(options);
    case 'deflate':
      return new AutoInflate();
    case 'br':
      return createBrotliDecompress(options);
    case 'zstd':
      if (createZstdDecompress === undefined) throw new Error('zstd is not supported by this Node.js');
      return createZstdDecompress(options);
    case 'identity':
      return undefined;
  }
}

/**
 * A streamed body (meta.streamBody) decoded as it is read, outermost coding first, with the decoded
 * size held to `limit`. Destroying the result destroys the source. An error of the source (a
 * timeout, data loss) reaches the reader as it is; a decoding failure or DecodedSizeExceeded goes
 * through `mapError` first, so the reader gets a typed error.
 */
export function decodeStream(
  codecs: readonly Codec[],
  source: BodyStream,
  limit: number,
  mapError: (error: Error) => Error,
  onEnd: (decodedBytes: number) => void,
): BodyStream {
  const stages: Transform[] = [];
  for (const codec of codecs) {
    const stage = decoder(codec);
    if (stage !== undefined) stages.push(stage);
  }
  const guard = new SizeGuard(limit);
  stages.push(guard);
  return pipeBodyStream(source, stages, { mapStageError: mapError, onEnd: () => onEnd(guard.size) });
}
