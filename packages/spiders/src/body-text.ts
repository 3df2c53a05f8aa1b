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
