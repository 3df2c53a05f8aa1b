import type { Writable } from 'node:stream';

/**
 * Ordered, back-pressured writes to a stream. While the stream is over its high-water mark,
 * further chunks wait in a small in-order queue and every caller gets the same promise,
 * which settles on 'drain'; callers that await it (emitAsync listeners) slow the producer
 * down instead of growing the stream's buffer without bound. Promises never reject: a
 * stream error is kept in `error` and later writes are dropped.
 */
export interface FeedWriter {
  /** undefined when the chunk went straight into the stream (nothing to wait for). */
  write(chunk: string): Promise<void> | undefined;
  /** Resolves once every queued chunk has been handed to the stream (or the stream failed). */
  flush(): Promise<void>;
  readonly error: unknown;
}

export function createFeedWriter(stream: Writable): FeedWriter {
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
      if (stream.write(chunk)) return undefined;
      waiting = new Promise<void>((resolve) => {
        release = resolve;
      });
      stream.once('drain', onDrain);
      return waiting;
    },
    flush() {
      return waiting ?? Promise.resolve();
    },
    get error() {
      return error;
    },
  };
}
