import { createServer } from 'node:net';
import { Readable } from 'node:stream';
import { ConfigError, ConnectionRefusedError, createResponse, defineDownloaderMiddleware, FormRequest, IgnoreRequest, NotConfigured, Request, type Response } from '@crawl/core';
import { Crawler } from '@crawl/engine';
import { httpHandler } from '@crawl/http';
import { fakeCrawler, testDownloaderMiddleware } from '@crawl/testing';
import { handlers, startTestServer, type TestServer } from '@crawl/test-servers';
import { afterEach, describe, expect, it } from 'vitest';
import { DOWNLOADER_STATS_DEFAULTS, downloaderStats, requestBytes, responseBytes } from '../src/index.js';

testDownloaderMiddleware('downloaderStats', () => downloaderStats());

const settingDefaults = { downloaderStats: true };
const bytes = (s: string): number => Buffer.byteLength(s, 'latin1');

/** Scrapy's response size, spelled out: body + Σ(name: value) + CRLF between names + status line + 4. */
function scrapyResponseBytes(status: number, reason: string, headerLines: [string, string][], body: Uint8Array): number {
  const names = new Set(headerLines.map(([n]) => n.toLowerCase()));
  const headerSize = headerLines.reduce((n, [k, v]) => n + bytes(`${k}: ${v}`), 0) + 2 * (names.size - 1);
  return body.byteLength + headerSize + bytes(`HTTP/1.1 ${status} ${reason}\r\n`) + 4;
}

describe('downloaderStats() options', () => {
  it("exports Scrapy's defaults and validates options", () => {
    expect(DOWNLOADER_STATS_DEFAULTS).toEqual({ enabled: true, order: 850 });
    expect(downloaderStats().order).toBe(850);
    expect(() => downloaderStats({ enable: true } as never)).toThrow(/Unknown downloaderStats\(\) option "enable"/);
    expect(() => downloaderStats({ enabled: 'no' } as never)).toThrow(ConfigError);
    expect(() => downloaderStats({ order: Infinity })).toThrow(/order must be a finite number/);
  });

  it('is NotConfigured when the downloaderStats setting is false', () => {
    expect(() => downloaderStats().open(fakeCrawler({ settingDefaults, settings: { downloaderStats: false } }))).toThrow(NotConfigured);
    expect(() => downloaderStats({ enabled: false }).open(fakeCrawler({ settingDefaults }))).toThrow(NotConfigured);
  });
});

describe('request and response sizes', () => {
  it('counts the request as Scrapy serialises it (request line, Host, header lines, blank line, body)', () => {
    const request = new Request('http://a.test:8080/p/a?q=1#frag', { method: 'POST', headers: [['User-Agent', 'bot/1'], ['Accept', 'a'], ['Accept', 'b']], body: 'hello' });
    expect(requestBytes(request)).toBe(bytes('POST /p/a?q=1 HTTP/1.1\r\nHost: a.test\r\nUser-Agent: bot/1\r\nAccept: a\r\nAccept: b\r\n\r\nhello'));
    expect(requestBytes(new Request('http://a.test/?'))).toBe(bytes('GET / HTTP/1.1\r\nHost: a.test\r\n\r\n'));
    expect(requestBytes(new Request('https://[::1]:8443/x'))).toBe(bytes('GET /x HTTP/1.1\r\nHost: ::1\r\n\r\n'));
    expect(requestBytes(new Request('https://bücher.test/ä'))).toBe(bytes('GET /%C3%A4 HTTP/1.1\r\nHost: xn--bcher-kva.test\r\n\r\n'));
  });

  it("counts the response as Scrapy's get_header_size + get_status_size + body + 4", () => {
    const response = createResponse('http://a.test/', {
      status: 200,
      headers: [
        ['Content-Type', 'text/html'],
        ['Set-Cookie', 'a=1'],
        ['Set-Cookie', 'b=2'],
      ],
      body: 'hi',
    });
    // 2 (body) + 23 + 15 + 15 (lines) + 2 (one CRLF between two names) + 17 ("HTTP/1.1 200 OK\r\n") + 4
    expect(responseBytes(response)).toBe(78);
    expect(responseBytes(createResponse('http://a.test/', { status: 404, headers: [['X', 'y']], body: '' }))).toBe(bytes('X: y') + bytes('HTTP/1.1 404 Not Found\r\n') + 4);
    // An unknown status has no reason phrase.
    expect(responseBytes(createResponse('http://a.test/', { status: 599, headers: [['X', 'y']], body: '' }))).toBe(4 + 15 + 4);
  });

  it('sizes the same with Headers from an older @crawl/core, which have no forEach()', () => {
    const response = createResponse('http://a.test/', { status: 200, headers: [['Content-Type', 'text/html'], ['Set-Cookie', 'a=1'], ['Set-Cookie', 'b=2']], body: 'hi' });
    const request = new Request('http://a.test:8080/p', { headers: [['Accept', 'a'], ['Accept', 'b']] });
    const expected = [responseBytes(response), requestBytes(request)];
    for (const headers of [response.headers, request.headers]) Object.defineProperty(headers, 'forEach', { value: undefined });
    expect([responseBytes(response), requestBytes(request)]).toEqual(expected);
  });

  it('counts exceptions by error class name, IgnoreRequest included (as Scrapy does)', () => {
    const crawler = fakeCrawler({ settingDefaults });
    const mw = downloaderStats();
    mw.open(crawler);
    mw.processException(new Request('http://a.test/'), new IgnoreRequest('Forbidden by robots.txt'), crawler);
    mw.processException(new Request('http://a.test/'), new ConnectionRefusedError('http://a.test/', 'refused'), crawler);
    mw.processException(new Request('http://a.test/'), new TypeError('boom'), crawler);
    expect(crawler.stats.all()).toMatchObject({
      'downloader/exception_count': 3,
      'downloader/exception_type_count/IgnoreRequest': 1,
      'downloader/exception_type_count/ConnectionRefusedError': 1,
      'downloader/exception_type_count/TypeError': 1,
    });
  });
});

describe('streamed bodies (meta.streamBody)', () => {
  it('counts the body as it is read, passing every byte on unchanged', async () => {
    const crawler = fakeCrawler({ settingDefaults });
    const request = new Request('http://a.test/big', { meta: { streamBody: true } });
    const parts = [Buffer.alloc(70_000, 1), Buffer.alloc(5, 2)];
    const streamed = createResponse(request.url, { request, headers: { 'Content-Type': 'application/octet-stream' }, bodyStream: Readable.from(parts, { objectMode: false }) });
    const out = downloaderStats().processResponse(request, streamed, crawler);
    const headersOnly = responseBytes(streamed);
    expect(crawler.stats.get('downloader/response_bytes')).toBe(headersOnly);
    const got: Buffer[] = [];
    for await (const chunk of out.bodyStream!) got.push(Buffer.from(chunk));
    expect(Buffer.concat(got).equals(Buffer.concat(parts))).toBe(true);
    expect(crawler.stats.get('downloader/response_bytes')).toBe(headersOnly + 70_005);
  });
});

describe('downloaderStats() in a real crawl', () => {
  let server: TestServer | undefined;
  afterEach(async () => server?.close());

  async function closedPort(): Promise<number> {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const { port } = probe.address() as { port: number };
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    return port;
  }

  it('counts a known set of requests, responses and errors exactly', async () => {
    server = await startTestServer({
      routes: {
        'GET /page': handlers.html('<html><body>page</body></html>'),
        'POST /form': handlers.json({ created: true }, 201),
      },
    });
    const refused = await closedPort();
    const sent: { method: string; url: string; hostname: string; lines: [string, string][]; body: Uint8Array }[] = [];
    const received: Response[] = [];
    // After the stats middleware in processRequest and before it in processResponse: sees what it sees.
    const spy = defineDownloaderMiddleware({
      name: 'spy',
      order: 900,
      processRequest(request) {
        sent.push({ method: request.method, url: request.url, hostname: request.hostname, lines: [...request.headers], body: request.body });
      },
      processResponse(_request, response) {
        received.push(response);
        return response;
      },
    });
    const base = server.url;
    const crawler = new Crawler(
      {
        name: 'stats',
        start: () => [
          new Request(`${base}/page?x=1`, { headers: { 'User-Agent': 'statsbot/1.0', Accept: 'text/html' } }),
          new FormRequest(`${base}/form`, { formdata: { name: 'Zoë', tags: ['a', 'b'] } }),
          new Request(`${base}/missing`),
          new Request(`http://127.0.0.1:${refused}/down`),
        ],
        parse: () => undefined,
      },
      { downloadHandlers: [httpHandler()], downloaderMiddlewares: [downloaderStats(), spy], settings: { logStatsInterval: 0, logLevel: 'silent' } },
    );
    const { stats } = await crawler.crawl();

    const expectedRequestBytes = sent.reduce((total, r) => {
      const target = new URL(r.url);
      const raw = `${r.method} ${target.pathname}${target.search} HTTP/1.1\r\nHost: ${r.hostname}\r\n${r.lines.map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n`;
      return total + bytes(raw) + r.body.byteLength;
    }, 0);
    const reasons: Record<number, string> = { 200: 'OK', 201: 'Created', 404: 'Not Found' };
    const expectedResponseBytes = received.reduce((total, r) => total + scrapyResponseBytes(r.status, reasons[r.status]!, [...r.headers], r.body), 0);

    expect(sent).toHaveLength(4);
    expect(received.map((r) => r.status).sort()).toEqual([200, 201, 404]);
    const downloader = Object.fromEntries(Object.entries(stats).filter(([k]) => k.startsWith('downloader/')));
    expect(downloader).toEqual({
      'downloader/request_count': 4,
      'downloader/request_method_count/GET': 3,
      'downloader/request_method_count/POST': 1,
      'downloader/request_bytes': expectedRequestBytes,
      'downloader/response_count': 3,
      'downloader/response_status_count/200': 1,
      'downloader/response_status_count/201': 1,
      'downloader/response_status_count/404': 1,
      'downloader/response_bytes': expectedResponseBytes,
      'downloader/exception_count': 1,
      'downloader/exception_type_count/ConnectionRefusedError': 1,
    });
    // Known fixed parts, as a sanity check on the computation above.
    expect(expectedRequestBytes).toBeGreaterThan(bytes('GET /page?x=1 HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: statsbot/1.0\r\nAccept: text/html\r\n\r\n'));
    expect(received.find((r) => r.status === 201)?.body.byteLength).toBe(bytes('{"created":true}'));
  });
});
