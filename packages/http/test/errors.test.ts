import { afterEach, describe, expect, it } from 'vitest';
import { createServer, type AddressInfo } from 'node:net';
import {
  ConfigError,
  ConnectionLostError,
  ConnectionRefusedError,
  DnsLookupError,
  DownloadError,
  DownloadTimeoutError,
  Request,
  ResponseDataLossError,
} from '@crawl/core';
import { loopbackLookup } from '@crawl/test-servers';
import { httpHandler } from '../src/index.js';
import { fakeCrawler, startHttp, startRaw, until } from './support.js';

const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function handlerFor(options: Parameters<typeof httpHandler>[0] = {}) {
  const handler = httpHandler(options);
  const crawler = fakeCrawler();
  cleanups.push(() => handler.close?.(crawler, 'finished'));
  return handler;
}

async function failure(promise: Promise<unknown>): Promise<Error> {
  return promise.then(
    () => {
      throw new Error('expected the download to fail');
    },
    (error: unknown) => error as Error,
  );
}

describe('download timeout', () => {
  it('fails a stalled download with DownloadTimeoutError after meta.downloadTimeout', async () => {
    let received = 0;
    const server = await startHttp(() => {
      received++; // never answers
    });
    cleanups.push(() => server.close());
    const handler = handlerFor();
    const url = `${server.url}/stall`;
    const error = await failure(handler.download(new Request(url, { meta: { downloadTimeout: 1 } }), fakeCrawler()));
    expect(error).toBeInstanceOf(DownloadTimeoutError);
    expect((error as DownloadTimeoutError).timeoutMs).toBe(1000);
    expect(error.message).toContain(url);
    expect(received).toBe(1);
    // The stalled connection was dropped, not left to hang.
    await until(() => server.connections[0]?.destroyed === true, 5000, 'server socket closed');
  });

  it('covers the body too: a response that stops mid-body times out', async () => {
    const server = await startHttp((_req, res) => {
      res.writeHead(200, { 'Content-Length': '100' });
      res.write('x'.repeat(10)); // then nothing
    });
    cleanups.push(() => server.close());
    const crawler = fakeCrawler({ downloadTimeout: 0.3 });
    const error = await failure(handlerFor().download(new Request(`${server.url}/`), crawler));
    expect(error).toBeInstanceOf(DownloadTimeoutError);
    expect((error as DownloadTimeoutError).timeoutMs).toBe(300);
  });

  it('rejects a malformed meta.downloadTimeout with ConfigError', async () => {
    const error = await failure(
      handlerFor().download(new Request('http://127.0.0.1:9/', { meta: { downloadTimeout: 'soon' as unknown as number } }), fakeCrawler()),
    );
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toContain('meta.downloadTimeout');
  });
});

describe('connection failures', () => {
  it('maps a refused connection to ConnectionRefusedError', async () => {
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const { port } = probe.address() as AddressInfo;
    await new Promise<void>((r) => probe.close(() => r()));
    const url = `http://127.0.0.1:${port}/`;
    const error = await failure(handlerFor().download(new Request(url), fakeCrawler()));
    expect(error).toBeInstanceOf(ConnectionRefusedError);
    expect(error.message).toContain(url);
    expect((error as Error & { cause?: { code?: string } }).cause?.code).toBe('ECONNREFUSED');
  });

  it('maps a failed DNS lookup to DnsLookupError', async () => {
    // The lookup answers ENOTFOUND for every name it does not know: no DNS traffic leaves the machine.
    const handler = handlerFor({ lookup: loopbackLookup({}) });
    const url = 'http://nonexistent.invalid/page';
    const error = await failure(handler.download(new Request(url), fakeCrawler()));
    expect(error).toBeInstanceOf(DnsLookupError);
    expect(error.message).toContain(url);
    expect(error.message).toContain('ENOTFOUND');
  });

  it('maps a connection closed before the headers to ConnectionLostError', async () => {
    const server = await startRaw((socket) => socket.end());
    cleanups.push(() => server.close());
    const error = await failure(handlerFor().download(new Request(`${server.url}/`), fakeCrawler()));
    expect(error).toBeInstanceOf(ConnectionLostError);
    expect(error.message).toContain(server.url);
  });

  it('maps a reset (RST) before the headers to ConnectionLostError', async () => {
    const server = await startRaw((socket) => socket.resetAndDestroy());
    cleanups.push(() => server.close());
    const error = await failure(handlerFor().download(new Request(`${server.url}/`), fakeCrawler()));
    expect(error).toBeInstanceOf(ConnectionLostError);
  });

  it('maps a malformed response to DownloadError', async () => {
    const server = await startRaw((socket) => socket.end('HTTP/1.1 abc nonsense\r\n\r\n'));
    cleanups.push(() => server.close());
    const error = await failure(handlerFor().download(new Request(`${server.url}/`), fakeCrawler()));
    expect(error).toBeInstanceOf(DownloadError);
    expect(error.message).toMatch(/Malformed HTTP response/);
  });
});

describe('data loss', () => {
  const cutShort = (head: string, body: string, how: 'end' | 'reset') =>
    startRaw((socket) => {
      socket.write(`HTTP/1.1 200 OK\r\n${head}\r\n\r\n${body}`, () => {
        if (how === 'end') socket.end();
        else setTimeout(() => socket.resetAndDestroy(), 20);
      });
    });

  it('fails a body shorter than Content-Length with ResponseDataLossError', async () => {
    const server = await cutShort('Content-Type: text/plain\r\nContent-Length: 1000', 'x'.repeat(100), 'end');
    cleanups.push(() => server.close());
    const error = await failure(handlerFor().download(new Request(`${server.url}/`), fakeCrawler()));
    expect(error).toBeInstanceOf(ResponseDataLossError);
    expect(error.message).toContain(server.url);
    expect(error.message).toContain('100 of 1000');
  });

  it('treats a reset mid-body as data loss', async () => {
    const server = await cutShort('Content-Length: 1000', 'x'.repeat(100), 'reset');
    cleanups.push(() => server.close());
    const error = await failure(handlerFor().download(new Request(`${server.url}/`), fakeCrawler()));
    expect(error).toBeInstanceOf(ResponseDataLossError);
  });

  it('treats a chunked body cut before its last chunk as data loss', async () => {
    const server = await cutShort('Transfer-Encoding: chunked', '5\r\nhello\r\n', 'end');
    cleanups.push(() => server.close());
    const error = await failure(handlerFor().download(new Request(`${server.url}/`), fakeCrawler()));
    expect(error).toBeInstanceOf(ResponseDataLossError);
  });

  it('returns the partial body flagged dataloss when meta.downloadFailOnDataloss is false', async () => {
    const server = await cutShort('Content-Type: text/plain\r\nContent-Length: 1000', 'y'.repeat(100), 'end');
    cleanups.push(() => server.close());
    const request = new Request(`${server.url}/`, { meta: { downloadFailOnDataloss: false } });
    const response = await handlerFor().download(request, fakeCrawler());
    expect(response.status).toBe(200);
    expect(response.flags).toEqual(['dataloss']);
    expect(response.text).toBe('y'.repeat(100));
  });

  it('follows settings.downloadFailOnDataloss, and meta wins over it', async () => {
    const server = await cutShort('Transfer-Encoding: chunked', '3\r\nabc\r\n', 'end');
    cleanups.push(() => server.close());
    const lenient = fakeCrawler({ downloadFailOnDataloss: false });
    const handler = handlerFor();
    const response = await handler.download(new Request(`${server.url}/`), lenient);
    expect(response.flags).toEqual(['dataloss']);
    expect(new TextDecoder().decode(response.body)).toBe('abc');
    const strict = new Request(`${server.url}/`, { meta: { downloadFailOnDataloss: true } });
    expect(await failure(handler.download(strict, lenient))).toBeInstanceOf(ResponseDataLossError);
  });

  it('flags a close-delimited body (no length, not chunked) as partial, like Scrapy', async () => {
    const server = await cutShort('Content-Type: text/plain\r\nConnection: close', 'whole body', 'end');
    cleanups.push(() => server.close());
    const response = await handlerFor().download(new Request(`${server.url}/`), fakeCrawler());
    expect(response.text).toBe('whole body');
    expect(response.flags).toEqual(['partial']);
  });
});

describe('crawler shutdown', () => {
  it('aborts an in-flight download when crawler.abortSignal fires', async () => {
    let arrived = 0;
    const server = await startHttp(() => {
      arrived++;
    });
    cleanups.push(() => server.close());
    const controller = new AbortController();
    const crawler = fakeCrawler({}, controller.signal);
    const handler = handlerFor();
    const pending = failure(handler.download(new Request(`${server.url}/stall`), crawler));
    await until(() => arrived === 1, 5000, 'request at the server');
    controller.abort(new Error('shutdown'));
    const error = await pending;
    expect(error).toBeInstanceOf(ConnectionLostError);
    expect(error.message).toMatch(/aborted by crawler shutdown/);
    await until(() => server.connections[0]?.destroyed === true, 5000, 'server socket closed');
    // Later downloads on an aborted crawler fail at once.
    expect(await failure(handler.download(new Request(`${server.url}/again`), crawler))).toBeInstanceOf(ConnectionLostError);
    expect(arrived).toBe(1);
  });

  it('aborts many downloads with one signal listener', async () => {
    const server = await startHttp(() => undefined);
    cleanups.push(() => server.close());
    const controller = new AbortController();
    const crawler = fakeCrawler({}, controller.signal);
    const handler = handlerFor({ connections: 20 });
    const warnings: Error[] = [];
    const onWarning = (w: Error) => warnings.push(w);
    process.on('warning', onWarning);
    cleanups.push(() => process.off('warning', onWarning));
    const pending = Array.from({ length: 20 }, (_, i) => failure(handler.download(new Request(`${server.url}/${i}`), crawler)));
    await until(() => server.connections.length === 20, 5000, '20 connections');
    controller.abort();
    const errors = await Promise.all(pending);
    expect(errors.every((e) => e instanceof ConnectionLostError)).toBe(true);
    expect(warnings.filter((w) => w.name === 'MaxListenersExceededWarning')).toEqual([]);
  });
});
