import { charsetFromContentType, encodingFromBody, encodingFromBom, type Response } from '@crawl/core';

/** Characters-worth of bytes decoded per step: big enough to amortise, small enough to stay bounded. */
export const CHUNK_BYTES = 64 * 1024;

/**
 * The encoding of a body without decoding it whole: BOM, then the Content-Type charset, then the
 * body's own declaration (XML declaration or <meta>), else UTF-8 (XML's default).
 */
export function sniffEncoding(body: Uint8Array, contentType: string | undefined): { encoding: string; skip: number } {
  const bom = encodingFromBom(body);
  if (bom) return { encoding: bom.encoding, skip: bom.length };
  return { encoding: charsetFromContentType(contentType) ?? encodingFromBody(body) ?? 'utf-8', skip: 0 };
}

/**
 * Decodes a body in CHUNK_BYTES slices with a streaming TextDecoder, so a parser can consume
 * a large body without the whole text (twice the bytes, as UTF-16) ever being in memory.
 */
export function* textChunks(body: Uint8Array, encoding: string, skip = 0, chunkBytes = CHUNK_BYTES): Generator<string> {
  const decoder = new TextDecoder(encoding, { ignoreBOM: true });
  for (let at = skip; at < body.byteLength; at += chunkBytes) {
    const text = decoder.decode(body.subarray(at, Math.min(at + chunkBytes, body.byteLength)), { stream: true });
    if (text !== '') yield text;
  }
  const rest = decoder.decode();
  if (rest !== '') yield rest;
}

/** The text chunks of a response body, in its sniffed encoding. */
export function responseTextChunks(response: Response, body: Uint8Array = response.body, contentType = response.headers.get('content-type')): Generator<string> {
  const { encoding, skip } = sniffEncoding(body, contentType ?? undefined);
  return textChunks(body, encoding, skip);
}

type Decoder = InstanceType<typeof TextDecoder>;

/** What core's encodingFromBody reads of a body (its first 4 KiB) to find a declared encoding. */
const SNIFF_BYTES = 4096;

/** The push-style decoder of a body that arrives in pieces (see textDecodeStep). */
export interface TextDecodeStep {
  /** The text `bytes` complete (none while the head is still being collected), in pieces of at most chunkBytes bytes. */
  write(bytes: Uint8Array): Generator<string>;
  /** The rest: the head of a body shorter than SNIFF_BYTES, and a trailing incomplete character (as U+FFFD). */
  end(): Generator<string>;
}

/**
 * Bytes in, text out, for a body that arrives in pieces. The first SNIFF_BYTES are held until they
 * arrived (or the body ended), so the encoding is sniffed from the same bytes as for a whole body;
 * the TextDecoder runs in streaming mode, so a character split across two pieces decodes whole.
 */
export function textDecodeStep(contentType: string | undefined, chunkBytes = CHUNK_BYTES): TextDecodeStep {
  let head: Uint8Array[] = [];
  let headBytes = 0;
  let decoder: Decoder | undefined;

  function* decode(active: Decoder, bytes: Uint8Array): Generator<string> {
    for (let at = 0; at < bytes.byteLength; at += chunkBytes) {
      const text = active.decode(bytes.subarray(at, Math.min(at + chunkBytes, bytes.byteLength)), { stream: true });
      if (text !== '') yield text;
    }
  }
  function* start(): Generator<string> {
    const bytes = head.length === 1 ? head[0]! : Buffer.concat(head, headBytes);
    head = [];
    const { encoding, skip } = sniffEncoding(bytes, contentType);
    decoder = new TextDecoder(encoding, { ignoreBOM: true });
    yield* decode(decoder, bytes.subarray(skip));
  }
  return {
    *write(bytes) {
      if (decoder !== undefined) return yield* decode(decoder, bytes);
      head.push(bytes);
      headBytes += bytes.byteLength;
      if (headBytes >= SNIFF_BYTES) yield* start();
    },
    *end() {
      if (decoder === undefined) yield* start();
      const rest = decoder!.decode();
      if (rest !== '') yield rest;
    },
  };
}

/** The text chunks of a body read from a stream, decoded as the bytes arrive (see textDecodeStep). */
export async function* streamTextChunks(source: AsyncIterable<Uint8Array>, contentType: string | undefined, chunkBytes = CHUNK_BYTES): AsyncGenerator<string> {
  const step = textDecodeStep(contentType, chunkBytes);
  for await (const bytes of source) yield* step.write(bytes);
  yield* step.end();
}

/**
 * The text of a response for a feed parser: from `bodyStream` as it is read when the body is
 * streamed (meta.streamBody), else from `body`.
 */
export function responseText(response: Response): Iterable<string> | AsyncIterable<string> {
  const contentType = response.headers.get('content-type') ?? undefined;
  if (response.bodyStream !== undefined) return streamTextChunks(response.bodyStream, contentType);
  return responseTextChunks(response);
}
