import { WriteStream } from 'node:fs';
import type { Writable } from 'node:stream';

/**
 * Ordered, back-pressured writes to a stream. While the stream is over its high-water mark,
 * further chunks wait in a small in-order queue and every caller gets the same promise,
 * which settles on 'drain'; callers that await it (emitAsync listeners) slow the producer
 * down instead of growing the stream's buffer without bound. Promises never reject: a
 * stream error is kept in `error` and later writes are dropped.
 */
export interface FeedWriter {
  /** undefined when there is nothing to wait for (the chunk is in the stream or in the current batch). */
  write(chunk: string): Promise<void> | undefined;
  /** Hands the current batch to the stream; resolves once every queued chunk has been handed over (or the stream failed). */
  flush(): Promise<void>;
  readonly error: unknown;
}

/**
 * Into a file, items are gathered into writes of about this many characters (or the stream's
 * high-water mark if smaller), as Python's 8 KiB file buffer does for Scrapy's feeds: a file
 * stream otherwise issues a write (a thread-pool round trip) for almost every item. flush() writes
 * the rest. Other streams (uploads, user storages) get every item as it comes.
 */
const FILE_BATCH_CHARS = 8192;

export function createFeedWriter(stream: Writable): FeedWriter {
  const batchChars = stream instanceof WriteStream ? Math.min(FILE_BATCH_CHARS, stream.writableHighWaterMark) : 0;
  let batch = '';
  let pending: string[] = [];
  let waiting: Promise<void> | undefined;
  let release: (() => void) | undefined;
  let error: unknown;

  const settle = (): void => {
    const r = release;
    waiting = undefined;
    release = undefined;
    pending = [];
    stream.off('drain', onDrain);
    r?.();
  };

  function onDrain(): void {
    if (pending.length > 0) {
      const chunk = pending.length === 1 ? pending[0]! : pending.join('');
      pending = [];
      if (!stream.write(chunk)) {
        stream.once('drain', onDrain);
        return;
      }
    }
    settle();
  }

  stream.on('error', (e: unknown) => {
    error ??= e;
    settle();
  });

  return {
    write(chunk) {
      if (error !== undefined) return undefined;
      if (waiting !== undefined) {
        pending.push(chunk);
        return waiting;
      }
      batch += chunk;
      if (batch.length < batchChars) return undefined;
      const out = batch;
      batch = '';
      if (stream.write(out)) return undefined;
      waiting = new Promise<void>((resolve) => {
        release = resolve;
      });
      stream.once('drain', onDrain);
      return waiting;
    },
    flush() {
      if (waiting !== undefined) return waiting;
      if (batch !== '' && error === undefined) {
        const out = batch;
        batch = '';
        stream.write(out);
      }
      return Promise.resolve();
    },
    get error() {
      return error;
    },
  };
}
