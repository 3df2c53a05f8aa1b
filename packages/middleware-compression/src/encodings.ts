import type { Transform } from 'node:stream';
import * as zlib from 'node:zlib';

/** Node's zstd decoder (Node >= 22.15 and 23.8); absent from Node 20, whose zlib has no zstd. */
type ZstdFactory = (options?: { chunkSize?: number }) => Transform;
export const createZstdDecompress: ZstdFactory | undefined = (zlib as unknown as { createZstdDecompress?: ZstdFactory }).createZstdDecompress;

export type Codec = 'gzip' | 'deflate' | 'br' | 'zstd' | 'identity';

const CODECS: ReadonlyMap<string, Codec> = new Map<string, Codec>([
  ['gzip', 'gzip'],
  ['x-gzip', 'gzip'],
  ['deflate', 'deflate'],
  ['br', 'br'],
  ...(createZstdDecompress ? ([['zstd', 'zstd']] as const) : []),
  ['identity', 'identity'],
]);

/** What this runtime can decode, in Scrapy's order: `gzip, deflate, br` (plus `zstd` where zlib has it). */
export const ACCEPT_ENCODING: string = ['gzip', 'deflate', 'br', ...(createZstdDecompress ? ['zstd'] : [])].join(', ');

export interface EncodingPlan {
  /** Codecs to undo, outermost (last applied) first. */
  readonly decode: readonly { readonly name: string; readonly codec: Codec }[];
  /** Encodings left in Content-Encoding because an unsupported one sits above them, in header order. */
  readonly keep: readonly string[];
}

/**
 * Scrapy's _split_encodings: Content-Encoding lists codings in the order they were applied, so
 * they are undone from the last; the first unsupported one stops decoding, and it and
 * everything under it stay encoded.
 */
export function planDecoding(headerValues: readonly string[]): EncodingPlan {
  const names: string[] = [];
  for (const value of headerValues) {
    for (const part of value.split(',')) {
      const name = part.trim().toLowerCase();
      if (name !== '') names.push(name);
    }
  }
  const decode: { name: string; codec: Codec }[] = [];
  while (names.length > 0) {
    const name = names[names.length - 1]!;
    const codec = CODECS.get(name);
    if (codec === undefined) break;
    names.pop();
    decode.push({ name, codec });
  }
  return { decode, keep: names };
}
