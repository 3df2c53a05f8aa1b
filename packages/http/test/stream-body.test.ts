import { afterEach, describe, expect, it } from 'vitest';
import type { ServerResponse } from 'node:http';
import { DownloadTimeoutError, Request, ResponseDataLossError, ResponseTooLargeError, StopDownload, type Response } from '@crawl/core';
import { httpHandler } from '../src/index.js';
import { STREAM_THRESHOLD } from '../src/download.js';
import { fakeCrawler, startHttp, startRaw, until, type FakeCrawler } from './support.js';

const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const MiB = 1024 * 1024;

/** Deterministic bytes, so a reordered or dropped chunk changes the content. */
function pattern(size: number): Buffer {
  const out = Buffer.allocUnsafe(size);
  for (let i = 0; i < size; i++) out[i] = (i * 31 + (i >> 16)) & 0xff;
  return out;
}

interface Served {
  /** Bytes the server handed to the socket so far. */
  written: number;
  closed: boolean;
}

/** Writes `body` in 64 KiB pieces with back-pressure; `length` false sends it chunked. */
function send(res: ServerResponse, body: Buffer, served: Served, length = true): void {
  res.writeHead(200, { 'Content-Type': 'application/octet-stream', ...(length ? { 'Content-Length': String(body.length) } : {}) });
  res.on('close', () => (served.closed = true));
  let offset = 0;
  const pump = (): void => {
    while (offset < body.length && !res.destroyed) {
      const piece = body.subarray(offset, offset + 64 * 1024);
      offset += piece.length;
      served.written = offset;
      if (!res.write(piece)) return void res.once('drain', pump);
    }
    if (!res.destroyed) res.end();
  };
  pump();
}

async function setup(respond: (res: ServerResponse, path: string, served: Served) => void, settings: Parameters<typeof fakeCrawler>[0] = {}) {
  const served: Served = { written: 0, closed: false };
  const server = await startHttp((req, res) => respond(res, req.url ?? '/', served));
  cleanups.push(() => server.close());
  const handler = httpHandler();
  const crawler: FakeCrawler = fakeCrawler(settings);
  cleanups.push(() => handler.close?.(crawler, 'finished'));
  const get = (path: string, meta: Record<string, unknown> = { streamBody: true }, method = 'GET'): Promise<Response> =>
    handler.download(new Request(`${server.url}${path}`, { method, meta }), crawler);
  return { served, get, crawler };
}

async function readAll(response: Response): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of response.bodyStream!) parts.push(Buffer.from(chunk));
  return Buffer.concat(parts);
}

describe('meta.streamBody', () => {
  it('delivers a body past the threshold as a stream, byte-exact, with an empty body', async () => {
    const body = pattern(5 * MiB + 123);
    const { get } = await setup((res, _p, served) => send(res, body, served));
    const response = await get('/big');
    expect(response.status).toBe(200);
    expect(response.body.byteLength).toBe(0);
    expect(response.bodyStream).toBeDefined();
    expect((await readAll(response)).equals(body)).toBe(true);
  });

  it('streams a chunked body with no Content-Length', async () => {
    const body = pattern(3 * MiB);
    const { get } = await setup((res, _p, served) => send(res, body, served, false));
    const response = await get('/chunked');
    expect((await readAll(response)).equals(body)).toBe(true);
  });

  it('delivers a body that ends within the threshold whole, as without streamBody', async () => {
    const body = pattern(STREAM_THRESHOLD - 10);
    const { get } = await setup((res, _p, served) => send(res, body, served));
    const response = await get('/small');
    expect(response.bodyStream).toBeUndefined();
    expect(Buffer.from(response.body).equals(body)).toBe(true);
  });

  it('never streams non-2xx responses or HEAD', async () => {
    const body = pattern(2 * MiB);
    const { get } = await setup((res, path, served) => {
      if (path === '/missing') {
        res.writeHead(404, { 'Content-Length': String(body.length) });
        res.end(body);
      } else send(res, body, served);
    });
    const missing = await get('/missing');
    expect(missing.status).toBe(404);
    expect(missing.bodyStream).toBeUndefined();
    expect(missing.body.byteLength).toBe(body.length);
    const head = await get('/big', { streamBody: true }, 'HEAD');
    expect(head.bodyStream).toBeUndefined();
  });

  it('pauses the socket while nobody reads: the server cannot push the whole body', async () => {
    const body = pattern(64 * MiB);
    const { get, served } = await setup((res, _p, s) => send(res, body, s));
    const response = await get('/huge');
    // Give the server every chance to run ahead; back-pressure must hold it to buffers' worth.
    await new Promise((r) => setTimeout(r, 300));
    expect(served.written).toBeLessThan(16 * MiB);
    response.bodyStream!.destroy();
    await until(() => served.closed, 5000, 'the server to see the connection close');
  });

  it('releases the connection when the reader destroys the stream early', async () => {
    const body = pattern(8 * MiB);
    const { get, served } = await setup((res, _p, s) => send(res, body, s));
    const response = await get('/big');
    let read = 0;
    for await (const chunk of response.bodyStream!) {
      read += chunk.byteLength;
      if (read > 2 * MiB) break; // for-await's break destroys the stream
    }
    await until(() => served.closed, 5000, 'the server to see the connection close');
    expect(served.written).toBeLessThan(body.length);
  });

  it('fails the stream with ResponseTooLargeError past downloadMaxSize (no Content-Length)', async () => {
    const body = pattern(4 * MiB);
    const { get } = await setup((res, _p, served) => send(res, body, served, false), { downloadMaxSize: 2 * MiB });
    const response = await get('/chunked');
    await expect(readAll(response)).rejects.toBeInstanceOf(ResponseTooLargeError);
  });

  it('fails the stream with ResponseDataLossError when the connection drops before Content-Length', async () => {
    const server = await startRaw((socket) => {
      socket.write(`HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: ${4 * MiB}\r\n\r\n`);
      socket.write(pattern(2 * MiB), () => socket.destroy());
    });
    cleanups.push(() => server.close());
    const handler = httpHandler();
    const crawler = fakeCrawler();
    cleanups.push(() => handler.close?.(crawler, 'finished'));
    const response = await handler.download(new Request(`${server.url}/cut`, { meta: { streamBody: true } }), crawler);
    await expect(readAll(response)).rejects.toBeInstanceOf(ResponseDataLossError);
  });

  it('fails the stream with DownloadTimeoutError when the body stalls, even before anyone reads', async () => {
    const { get } = await setup((res) => {
      res.writeHead(200, { 'Content-Length': String(4 * MiB) });
      res.write(pattern(2 * MiB)); // then nothing more
    });
    const response = await get('/stall', { streamBody: true, downloadTimeout: 0.5 });
    // The timeout fires while the stream sits unread: that must not crash the process.
    await new Promise((r) => setTimeout(r, 800));
    await expect(readAll(response)).rejects.toBeInstanceOf(DownloadTimeoutError);
  });

  it('ends or fails the stream where a bytesReceived listener raised StopDownload', async () => {
    const body = pattern(4 * MiB);
    for (const fail of [false, true]) {
      const { get, crawler } = await setup((res, _p, served) => send(res, body, served));
      let seen = 0;
      crawler.events.on('bytesReceived', (chunk) => {
        seen += chunk.byteLength;
        if (seen > 2 * MiB) throw new StopDownload({ fail });
      });
      const response = await get('/big');
      if (fail) await expect(readAll(response)).rejects.toBeInstanceOf(StopDownload);
      else {
        const got = await readAll(response);
        expect(got.length).toBeGreaterThan(MiB);
        expect(got.length).toBeLessThan(body.length);
        expect(got.equals(body.subarray(0, got.length))).toBe(true);
      }
    }
  });
});
