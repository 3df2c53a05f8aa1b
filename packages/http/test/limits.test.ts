import { afterEach, describe, expect, it } from 'vitest';
import type { ServerResponse } from 'node:http';
import { Request, ResponseTooLargeError } from '@crawl/core';
import { httpHandler } from '../src/index.js';
import { fakeCrawler, startHttp, until, type FakeCrawler } from './support.js';

const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const CHUNK = Buffer.alloc(64 * 1024, 0x61);

interface Sent {
  bytes: number;
  finished: boolean;
  closed: boolean;
}

function watchClose(res: ServerResponse, sent: Sent): void {
  res.on('close', () => (sent.closed = true));
}

/** Writes `total` bytes in 64 KiB chunks, respecting back-pressure, and records how far it got. */
function stream(res: ServerResponse, total: number, sent: Sent): void {
  const pump = (): void => {
    while (sent.bytes < total && !res.destroyed) {
      const n = Math.min(CHUNK.length, total - sent.bytes);
      sent.bytes += n;
      if (!res.write(n === CHUNK.length ? CHUNK : CHUNK.subarray(0, n))) {
        res.once('drain', pump);
        return;
      }
    }
    if (sent.bytes >= total && !res.destroyed) res.end(() => (sent.finished = true));
  };
  pump();
}

async function serve(respond: (res: ServerResponse, path: string) => void) {
  const server = await startHttp((req, res) => respond(res, req.url ?? '/'));
  cleanups.push(() => server.close());
  const handler = httpHandler();
  const crawler = fakeCrawler();
  cleanups.push(() => handler.close?.(crawler, 'finished'));
  return { server, handler };
}

function warnings(crawler: FakeCrawler): string[] {
  return crawler.lines.filter((l) => l.level === 'warn').map((l) => l.message);
}

describe('downloadMaxSize', () => {
  it('cancels on a declared Content-Length above the limit before reading the body', async () => {
    const total = 64 * 1024 * 1024;
    const sent: Sent = { bytes: 0, finished: false, closed: false };
    const { server, handler } = await serve((res) => {
      watchClose(res, sent);
      res.writeHead(200, { 'Content-Length': String(total), 'Content-Type': 'application/octet-stream' });
      res.flushHeaders();
      // The body starts only after the client has had the headers for a while.
      setTimeout(() => stream(res, total, sent), 100);
    });
    const crawler = fakeCrawler({ downloadMaxSize: 1024 * 1024 });
    let chunks = 0;
    crawler.events.on('bytesReceived', () => void chunks++);
    const url = `${server.url}/huge`;
    const error = await handler.download(new Request(url), crawler).catch((e: unknown) => e as Error);
    expect(error).toBeInstanceOf(ResponseTooLargeError);
    expect((error as ResponseTooLargeError).maxSize).toBe(1024 * 1024);
    expect((error as Error).message).toContain(url);
    expect((error as Error).message).toContain(String(total));
    expect(chunks).toBe(0);
    expect(warnings(crawler).some((m) => m.startsWith(`Cancelling download of ${url}: expected response size (${total})`))).toBe(true);
    await until(() => sent.closed, 5000, 'server response closed');
    expect(sent.finished).toBe(false);
    expect(sent.bytes).toBeLessThan(total);
  });

  it('stops a chunked body as soon as the received bytes pass the limit', async () => {
    const total = 64 * 1024 * 1024;
    const sent: Sent = { bytes: 0, finished: false, closed: false };
    const { server, handler } = await serve((res) => {
      watchClose(res, sent);
      res.writeHead(200, { 'Content-Type': 'application/octet-stream' }); // chunked: no length declared
      stream(res, total, sent);
    });
    const crawler = fakeCrawler();
    let received = 0;
    crawler.events.on('bytesReceived', (chunk) => void (received += chunk.byteLength));
    const maxSize = 200_000;
    const request = new Request(`${server.url}/stream`, { meta: { downloadMaxSize: maxSize } });
    const error = await handler.download(request, crawler).catch((e: unknown) => e as Error);
    expect(error).toBeInstanceOf(ResponseTooLargeError);
    expect(received).toBeGreaterThan(maxSize);
    // At most one socket read past the limit.
    expect(received).toBeLessThan(maxSize + 1024 * 1024);
    expect(warnings(crawler).some((m) => m.startsWith('Received (') && m.includes(`download max size (${maxSize})`))).toBe(true);
    await until(() => sent.closed, 5000, 'server response closed');
    expect(sent.finished).toBe(false);
  });

  it('is disabled by 0 in meta even when settings set a limit', async () => {
    const { server, handler } = await serve((res) => {
      res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': '5000' });
      res.end(Buffer.alloc(5000, 1));
    });
    const crawler = fakeCrawler({ downloadMaxSize: 100 });
    await expect(handler.download(new Request(`${server.url}/`), crawler)).rejects.toBeInstanceOf(ResponseTooLargeError);
    const response = await handler.download(new Request(`${server.url}/`, { meta: { downloadMaxSize: 0 } }), crawler);
    expect(response.body.byteLength).toBe(5000);
  });

  it('ignores the declared length of a HEAD response', async () => {
    const { server, handler } = await serve((res) => {
      res.writeHead(200, { 'Content-Length': '999999' });
      res.end();
    });
    const response = await handler.download(new Request(`${server.url}/`, { method: 'HEAD' }), fakeCrawler({ downloadMaxSize: 10 }));
    expect(response.status).toBe(200);
  });
});

describe('downloadWarnSize', () => {
  it('warns once for a declared size above the warn size', async () => {
    const { server, handler } = await serve((res) => {
      res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': '5000' });
      // Several writes: the received-bytes check must not warn a second time.
      for (let i = 0; i < 5; i++) res.write('z'.repeat(1000));
      res.end();
    });
    const crawler = fakeCrawler({ downloadWarnSize: 1000 });
    const response = await handler.download(new Request(`${server.url}/`), crawler);
    expect(response.body.byteLength).toBe(5000);
    const lines = warnings(crawler);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^Expected response size \(5000\) larger than download warn size \(1000\) in request <GET /);
  });

  it('warns once when a chunked body passes the warn size', async () => {
    const { server, handler } = await serve((res) => {
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      let i = 0;
      const next = () => {
        if (i++ === 5) return void res.end();
        res.write('w'.repeat(1000));
        setTimeout(next, 5);
      };
      next();
    });
    const crawler = fakeCrawler();
    const request = new Request(`${server.url}/`, { meta: { downloadWarnSize: 1500 } });
    const response = await handler.download(request, crawler);
    expect(response.body.byteLength).toBe(5000);
    expect(warnings(crawler)).toEqual([`Received more bytes than download warn size (1500) in request <GET ${server.url}/>.`]);
  });

  it('does not warn when the warn size is 0', async () => {
    const { server, handler } = await serve((res) => res.end('x'.repeat(5000)));
    const crawler = fakeCrawler({ downloadWarnSize: 0 });
    await handler.download(new Request(`${server.url}/`), crawler);
    expect(warnings(crawler)).toEqual([]);
  });
});
