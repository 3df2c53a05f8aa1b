import { Headers } from './headers.js';
import type { Request } from './request.js';
import type { Response } from './response.js';
import { createResponse } from './response-types.js';

// The byte format key-value cache storages (LMDB, LevelDB, a third party's) keep responses in.

/** What a cached response's JSON part holds. */
export interface CacheRecordHead {
  /** Format version, so a future layout can tell old records apart. */
  readonly v: 1;
  readonly status: number;
  readonly url: string;
  /** One [name, value] pair per header line, in order. */
  readonly headers: readonly (readonly [string, string])[];
}

const FORMAT = 1;
const PREFIX = 12; // f64 timestamp + u32 JSON length

/**
 * One cached response as bytes: `[f64 BE timestamp (s)][u32 BE n][n bytes of JSON head][body]`.
 * The body stays raw (no base64), and the timestamp comes first so an expired record is
 * recognised without decoding the rest.
 */
export function encodeCacheRecord(response: Response, timestamp: number): Buffer {
  const head: CacheRecordHead = { v: FORMAT, status: response.status, url: response.url, headers: [...response.headers] };
  const json = Buffer.from(JSON.stringify(head), 'utf8');
  const out = Buffer.allocUnsafe(PREFIX + json.length + response.body.byteLength);
  out.writeDoubleBE(timestamp, 0);
  out.writeUInt32BE(json.length, 8);
  json.copy(out, PREFIX);
  out.set(response.body, PREFIX + json.length);
  return out;
}

/** Seconds since the epoch when the record was stored. */
export function cacheRecordTimestamp(record: Uint8Array): number {
  if (record.byteLength < PREFIX) throw new TypeError(`cache record too short (${record.byteLength} bytes)`);
  return Buffer.from(record.buffer, record.byteOffset, record.byteLength).readDoubleBE(0);
}

/** Rebuilds the response (the right Response subclass, tied to `request`). Throws TypeError on a damaged record. */
export function decodeCacheRecord(record: Uint8Array, request: Request<any>): Response {
  const buf = Buffer.from(record.buffer, record.byteOffset, record.byteLength);
  if (buf.length < PREFIX) throw new TypeError(`cache record too short (${buf.length} bytes)`);
  const length = buf.readUInt32BE(8);
  if (PREFIX + length > buf.length) throw new TypeError('cache record truncated');
  const head = JSON.parse(buf.toString('utf8', PREFIX, PREFIX + length)) as Partial<CacheRecordHead>;
  if (head.v !== FORMAT || typeof head.status !== 'number' || typeof head.url !== 'string' || !Array.isArray(head.headers)) {
    throw new TypeError('not a cache record of this format');
  }
  const headers = new Headers(head.headers);
  // A copy, so the response does not keep the database's buffer alive or see it reused.
  const body = new Uint8Array(buf.subarray(PREFIX + length));
  return createResponse(head.url, { status: head.status, headers, body, request });
}
