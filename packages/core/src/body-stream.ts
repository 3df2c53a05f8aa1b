import { PassThrough, Readable, type Transform } from 'node:stream';
import type { BodyStream } from './response.js';

function ignore(): void {}

export interface PipeBodyStreamOptions {
  /** Maps an error raised by one of the stages (not by the source) before the reader sees it. */
  mapStageError?: (error: Error) => Error;
  /** Called once the reader has received the whole body. */
  onEnd?: () => void;
}

/**
 * A streamed body (`response.bodyStream`) seen through transforms, for downloader middlewares that
 * rewrite or watch a body as it is read (decoding, counting). Back-pressure still reaches the
 * download; an error of the source reaches the reader unchanged and a stage's error through
 * `mapStageError`; an error that happens before anyone reads stays on the result for the first read
 * (never an unhandled 'error' event); and destroying the result destroys the source, so the
 * download stops and its connection is released.
 */
export function pipeBodyStream(source: BodyStream, stages: readonly Transform[], options: PipeBodyStreamOptions = {}): BodyStream {
  const input: Readable = source instanceof Readable ? source : Readable.from(source, { objectMode: false });
  const out = new PassThrough();
  out.on('error', ignore);
  if (options.onEnd !== undefined) out.once('end', options.onEnd);
  const upstream: (Readable | Transform)[] = [input, ...stages];
  let failed = false;
  const fail = (error: Error): void => {
    if (failed) return;
    failed = true;
    for (const stream of upstream) stream.destroy();
    out.destroy(error);
  };
  const mapStageError = options.mapStageError ?? ((error: Error) => error);
  input.on('error', (error: Error) => fail(error));
  for (const stage of stages) stage.on('error', (error: Error) => fail(mapStageError(error)));
  out.on('close', () => {
    // The reader let go before the end: stop the stages and the download.
    if (!out.readableEnded && !failed) {
      failed = true;
      for (const stream of upstream) stream.destroy();
    }
  });
  let previous: Readable = input;
  for (const stage of stages) previous = previous.pipe(stage);
  previous.pipe(out);
  return out;
}
