import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import type { BodyStream, FilesStore, PersistMeta } from '@crawl/core';

/** The first chunk of a streamed body, and a stream of the whole body that starts with it. */
export interface PeekedBody {
  /** True when the body turned out to be empty (the stream is then released). */
  readonly empty: boolean;
  readonly stream: BodyStream;
}

/**
 * Reads up to the first chunk, so an empty body is refused before anything reaches the store
 * (Scrapy's "empty-content"). Rejects with the download's own error if the body fails first.
 */
export async function peekBody(source: BodyStream): Promise<PeekedBody> {
  const iterator = source[Symbol.asyncIterator]();
  let first: IteratorResult<Uint8Array>;
  try {
    first = await iterator.next();
  } catch (error) {
    source.destroy();
    throw error;
  }
  if (first.done === true) return { empty: true, stream: source };
  const head = first.value;
  async function* whole(): AsyncGenerator<Uint8Array> {
    try {
      yield head;
      for (;;) {
        const next = await iterator.next();
        if (next.done === true) return;
        yield next.value;
      }
    } finally {
      // Ends early when the store gives up: the download must stop too.
      source.destroy();
    }
  }
  return { empty: false, stream: Readable.from(whole(), { objectMode: false }) };
}

/** Streams a body into `store.persistStream`, computing the MD5 hex of what was stored on the way. */
export async function persistHashed(store: FilesStore, path: string, body: BodyStream, meta: PersistMeta): Promise<string> {
  const hash = createHash('md5');
  async function* hashed(): AsyncGenerator<Uint8Array> {
    try {
      for await (const chunk of body) {
        hash.update(chunk);
        yield chunk;
      }
    } finally {
      body.destroy();
    }
  }
  await store.persistStream!(path, Readable.from(hashed(), { objectMode: false }), meta);
  return hash.digest('hex');
}
