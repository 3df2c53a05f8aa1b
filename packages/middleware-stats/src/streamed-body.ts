import { Transform, type TransformCallback } from 'node:stream';
import { pipeBodyStream, type Response, type Stats } from '@crawl/core';

/** Adds each chunk's size to downloader/response_bytes as it passes, so a body cut short counts what arrived. */
class ByteCounter extends Transform {
  constructor(private readonly stats: Stats) {
    super();
  }
  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.stats.inc('downloader/response_bytes', chunk.length);
    callback(null, chunk);
  }
}

/** The response with its body stream counted on the way through. */
export function countStreamedBody(response: Response, stats: Stats): Response {
  return response.replace({ bodyStream: pipeBodyStream(response.bodyStream!, [new ByteCounter(stats)]) });
}
