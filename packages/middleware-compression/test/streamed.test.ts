import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { brotliCompressSync, deflateRawSync, deflateSync, gzipSync } from 'node:zlib';
import { DownloadError, ResponseTooLargeError, Request, Response, type BodyStream } from '@crawl/core';
import { startTestServer, type TestServer } from '@crawl/test-servers';
import { fakeCrawler } from '@crawl/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compression } from '../src/index.js';
import { gzipBomb, MiB } from './bombs.js';
import { crawl, encoded } from './support.js';

// Incompressible, so the encoded body is past the 1 MiB the HTTP handler buffers before streaming.
const PLAIN = randomBytes(3 * MiB);

async function readAll(stream: BodyStream): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of stream) parts.push(Buffer.from(chunk));
  return Buffer.concat(parts);
}

/** The middleware's answer for a streamed response carrying `wire` with Content-Encoding `coding`. */
async function decodeStreamed(wire: Buffer, coding: string, settings: Record<string, unknown> = {}): Promise<{ response: Response; source: Readable }> {
  const crawler = fakeCrawler({ settings });
  const request = new Request('http://site.test/file', { meta: { streamBody: true } });
  // Small pieces, as a socket delivers them.
  const pieces: Buffer[] = [];
  for (let i = 0; i < wire.length; i += 16 * 1024) pieces.push(wire.subarray(i, i + 16 * 1024));
  const source = Readable.from(pieces, { objectMode: false });
  const response = new Response(request.url, { status: 200, request, headers: { 'Content-Encoding': coding }, bodyStream: source });
  const out = await compression().processResponse!(request, response, crawler);
  return { response: out as Response, source };
}

describe('streamed bodies (meta.streamBody) are decoded as they are read', () => {
  it.each([
    ['gzip', gzipSync(PLAIN)],
    ['deflate', deflateSync(PLAIN)],
    ['deflate', deflateRawSync(PLAIN)],
    ['br', brotliCompressSync(PLAIN)],
    ['gzip, br', brotliCompressSync(gzipSync(PLAIN))],
  ])('%s', async (coding, wire) => {
    const { response } = await decodeStreamed(wire, coding);
    expect(response.headers.has('content-encoding')).toBe(false);
    expect((await readAll(response.bodyStream!)).equals(PLAIN)).toBe(true);
  });

  it('stops a bomb just past downloadMaxSize with ResponseTooLargeError (S9)', async () => {
    const { response, source } = await decodeStreamed(gzipBomb(1024 * MiB), 'gzip', { downloadMaxSize: 5 * MiB });
    const error = await readAll(response.bodyStream!).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ResponseTooLargeError);
    expect(source.destroyed).toBe(true);
  });

  it('fails a corrupt body with a DownloadError naming the coding', async () => {
    const wire = gzipSync(PLAIN);
    wire.fill(0x41, 1000, 2000);
    const { response } = await decodeStreamed(wire, 'gzip');
    const error = await readAll(response.bodyStream!).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DownloadError);
    expect((error as Error).message).toMatch(/gzip/);
  });

  it('destroys the download when the reader gives up', async () => {
    const { response, source } = await decodeStreamed(gzipSync(PLAIN), 'gzip');
    for await (const _ of response.bodyStream!) break;
    await new Promise((r) => setImmediate(r));
    expect(source.destroyed).toBe(true);
  });
});

describe('a streamed gzip body through a real crawl', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ routes: { '/big.gz': encoded(gzipSync(PLAIN), { 'Content-Type': 'application/octet-stream', 'Content-Encoding': 'gzip' }) } });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('arrives decoded in the callback, and counts into httpcompression stats', async () => {
    const { body, stats, failures } = await crawlReading(server);
    expect(failures).toEqual([]);
    expect(body.equals(PLAIN)).toBe(true);
    expect(stats['httpcompression/response_bytes']).toBe(PLAIN.length);
    expect(stats['httpcompression/response_count']).toBe(1);
  });
});

/** A crawl whose callback reads the streamed body. */
async function crawlReading(server: TestServer): Promise<{ body: Buffer; stats: Record<string, unknown>; failures: unknown[] }> {
  let body: Buffer = Buffer.alloc(0);
  const request = new Request(`${server.url}/big.gz`, {
    meta: { streamBody: true },
    callback: async (response) => {
      body = await readAll(response.bodyStream!);
    },
  });
  const outcome = await crawl([request], [compression()]);
  return { body, stats: outcome.stats, failures: outcome.failures };
}
