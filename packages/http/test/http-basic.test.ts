import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Server } from 'node:http';
import {
  DownloadError,
  HtmlResponse,
  Request,
  Response,
  TextResponse,
  UnsupportedSchemeError,
  XmlResponse,
  type DownloadHandler,
} from '@crawl/core';
import { loopbackLookup } from '@crawl/test-servers';
import { httpHandler } from '../src/index.js';
import { fakeCrawler, startHttp, type Started } from './support.js';

// Shift_JIS bytes of 日本語 and windows-1252 bytes of "café €".
const SHIFT_JIS = Buffer.from([0x93, 0xfa, 0x96, 0x7b, 0x8c, 0xea]);
const CP1252 = Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x20, 0x80]);

let server: Started<Server>;
let handler: DownloadHandler;
const crawler = fakeCrawler();

beforeAll(async () => {
  server = await startHttp((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = req.url ?? '/';
      if (path.startsWith('/echo')) {
        const body = JSON.stringify({
          method: req.method,
          url: req.url,
          rawHeaders: req.rawHeaders,
          body: Buffer.concat(chunks).toString('latin1'),
          remoteAddress: req.socket.remoteAddress,
        });
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(body);
      } else if (path === '/cookies') {
        res.setHeader('Set-Cookie', ['a=1; Path=/', 'b=2; Path=/']);
        res.setHeader('Content-Type', 'text/plain');
        res.end('ok');
      } else if (path === '/html') {
        res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
        res.end('<html><head><title>Hi</title></head><body><a href="/x">x</a></body></html>');
      } else if (path === '/xml') {
        res.writeHead(200, { 'Content-Type': 'application/xml' });
        res.end('<?xml version="1.0"?><root><item>1</item></root>');
      } else if (path === '/json') {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end('{"a":[1,2]}');
      } else if (path === '/binary') {
        res.writeHead(200, { 'Content-Type': 'application/octet-stream' });
        res.end(Buffer.from([0, 1, 2, 3, 255, 0, 7]));
      } else if (path === '/sjis') {
        res.writeHead(200, { 'Content-Type': 'text/html; charset=Shift_JIS' });
        res.end(Buffer.concat([Buffer.from('<html><body><p>'), SHIFT_JIS, Buffer.from('</p></body></html>')]));
      } else if (path === '/cp1252') {
        res.writeHead(200, { 'Content-Type': 'text/plain; charset=windows-1252' });
        res.end(CP1252);
      } else if (path === '/gzip') {
        // Not really gzip: the handler must pass the bytes and the header through untouched.
        res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Encoding': 'gzip' });
        res.end(Buffer.from([0x1f, 0x8b, 1, 2, 3]));
      } else if (path === '/redirect') {
        res.writeHead(302, { Location: '/html' });
        res.end();
      } else if (path === '/empty') {
        res.writeHead(204);
        res.end();
      } else {
        res.writeHead(404, { 'Content-Type': 'text/plain' });
        res.end('nope');
      }
    });
  });
  handler = httpHandler();
  await handler.open?.(crawler);
});

afterAll(async () => {
  await handler.close?.(crawler, 'finished');
  await server.close();
});

function pairs(raw: string[]): [string, string][] {
  const out: [string, string][] = [];
  for (let i = 0; i < raw.length; i += 2) out.push([raw[i]!.toLowerCase(), raw[i + 1]!]);
  return out;
}

describe('httpHandler requests', () => {
  it('is named and handles only http and https', () => {
    expect(handler.name).toBe('@crawl/http');
    expect(handler.schemes).toEqual(['http', 'https']);
  });

  it('sends a GET with multi-value headers and no body', async () => {
    const request = new Request(`${server.url}/echo?q=1#frag`, {
      headers: [
        ['X-Multi', 'one'],
        ['X-Multi', 'two'],
        ['User-Agent', 'testbot/1'],
      ],
    });
    const response = await handler.download(request, crawler);
    expect(response.status).toBe(200);
    const echo = response.json<{ method: string; url: string; rawHeaders: string[]; body: string }>();
    expect(echo.method).toBe('GET');
    expect(echo.url).toBe('/echo?q=1');
    const headers = pairs(echo.rawHeaders);
    expect(headers.filter(([n]) => n === 'x-multi').map(([, v]) => v)).toEqual(['one', 'two']);
    expect(headers).toContainEqual(['user-agent', 'testbot/1']);
    expect(headers.some(([n]) => n === 'content-length' || n === 'transfer-encoding')).toBe(false);
    // No automatic Accept-Encoding: that belongs to the compression middleware.
    expect(headers.some(([n]) => n === 'accept-encoding')).toBe(false);
    expect(echo.body).toBe('');
    expect(response.request).toBe(request);
    expect(response.protocol).toBe('HTTP/1.1');
    expect(typeof request.meta.downloadLatency).toBe('number');
    expect(request.meta.downloadLatency).toBeGreaterThanOrEqual(0);
  });

  it('sends a POST body as bytes with its length', async () => {
    const body = new Uint8Array([0x61, 0x3d, 0x31, 0xff, 0x00]);
    const request = new Request(`${server.url}/echo`, {
      method: 'POST',
      body,
      headers: { 'Content-Type': 'application/octet-stream' },
    });
    const echo = (await handler.download(request, crawler)).json<{ method: string; rawHeaders: string[]; body: string }>();
    expect(echo.method).toBe('POST');
    expect(Buffer.from(echo.body, 'latin1')).toEqual(Buffer.from(body));
    expect(pairs(echo.rawHeaders)).toContainEqual(['content-length', '5']);
  });

  it('keeps multi-value response headers apart (two Set-Cookie lines)', async () => {
    const response = await handler.download(new Request(`${server.url}/cookies`), crawler);
    expect(response.headers.getAll('set-cookie')).toEqual(['a=1; Path=/', 'b=2; Path=/']);
    expect(response.headers.get('Content-Type')).toBe('text/plain');
  });

  it('picks the response class from the content', async () => {
    const html = await handler.download(new Request(`${server.url}/html`), crawler);
    expect(html).toBeInstanceOf(HtmlResponse);
    expect(html.css('title::text').get()).toBe('Hi');
    const xml = await handler.download(new Request(`${server.url}/xml`), crawler);
    expect(xml).toBeInstanceOf(XmlResponse);
    const json = await handler.download(new Request(`${server.url}/json`), crawler);
    expect(json.constructor).toBe(TextResponse);
    expect(json.json()).toEqual({ a: [1, 2] });
    const binary = await handler.download(new Request(`${server.url}/binary`), crawler);
    expect(binary.constructor).toBe(Response);
    expect(binary.body).toEqual(new Uint8Array([0, 1, 2, 3, 255, 0, 7]));
    expect(binary.body).toBeInstanceOf(Uint8Array);
  });

  it('decodes non-UTF-8 pages by their Content-Type charset', async () => {
    const sjis = await handler.download(new Request(`${server.url}/sjis`), crawler);
    expect(sjis.css('p::text').get()).toBe('日本語');
    const cp1252 = await handler.download(new Request(`${server.url}/cp1252`), crawler);
    expect(cp1252.text).toBe('café €');
  });

  it('neither decompresses nor follows redirects', async () => {
    const gz = await handler.download(new Request(`${server.url}/gzip`), crawler);
    expect(gz.headers.get('content-encoding')).toBe('gzip');
    expect(gz.body).toEqual(new Uint8Array([0x1f, 0x8b, 1, 2, 3]));
    const redirect = await handler.download(new Request(`${server.url}/redirect`), crawler);
    expect(redirect.status).toBe(302);
    expect(redirect.headers.get('location')).toBe('/html');
  });

  it('returns error statuses and bodiless responses as responses', async () => {
    const missing = await handler.download(new Request(`${server.url}/missing`), crawler);
    expect(missing.status).toBe(404);
    expect(missing.text).toBe('nope');
    const empty = await handler.download(new Request(`${server.url}/empty`), crawler);
    expect(empty.status).toBe(204);
    expect(empty.body.byteLength).toBe(0);
    expect(empty.flags).toEqual([]);
    const head = await handler.download(new Request(`${server.url}/html`, { method: 'HEAD' }), crawler);
    expect(head.status).toBe(200);
    expect(head.body.byteLength).toBe(0);
  });

  it('rejects schemes other than http and https', async () => {
    for (const url of ['file:///etc/passwd', 'data:,hello']) {
      const error = await handler.download(new Request(url), crawler).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(UnsupportedSchemeError);
      expect(String((error as Error).message)).toContain(url);
    }
  });

  it('turns a request undici refuses into a DownloadError, not a crash', async () => {
    const request = new Request(`${server.url}/echo`, { headers: { Expect: '100-continue' } });
    const error = await handler.download(request, crawler).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DownloadError);
    expect((error as Error).message).toContain(request.url);
    const twoHosts = new Request(`${server.url}/echo`, { headers: [['Host', 'a.test'], ['Host', 'b.test']] });
    await expect(handler.download(twoHosts, crawler)).rejects.toBeInstanceOf(DownloadError);
    const upgrade = new Request(`${server.url}/echo`, { headers: { Upgrade: 'websocket' } });
    await expect(handler.download(upgrade, crawler)).rejects.toThrow(/Invalid request for .*invalid upgrade header/);
    // The handler still works afterwards.
    expect((await handler.download(new Request(`${server.url}/json`), crawler)).status).toBe(200);
  });

  it('resolves hostnames through the lookup option and keeps the Host header', async () => {
    const local = httpHandler({ lookup: loopbackLookup({ 'shop.example.test': '127.0.0.1' }) });
    try {
      const response = await local.download(new Request(`http://shop.example.test:${server.port}/echo`), crawler);
      const echo = response.json<{ rawHeaders: string[] }>();
      expect(pairs(echo.rawHeaders)).toContainEqual(['host', `shop.example.test:${server.port}`]);
    } finally {
      await local.close?.(crawler, 'finished');
    }
  });

  it('connects from meta.bindAddress', async () => {
    const response = await handler.download(new Request(`${server.url}/echo`, { meta: { bindAddress: '127.0.0.2' } }), crawler);
    expect(response.json<{ remoteAddress: string }>().remoteAddress).toMatch(/127\.0\.0\.2$/);
    const plain = await handler.download(new Request(`${server.url}/echo`), crawler);
    expect(plain.json<{ remoteAddress: string }>().remoteAddress).toMatch(/127\.0\.0\.1$/);
  });

  it('connects from the bindAddress option', async () => {
    const bound = httpHandler({ bindAddress: '127.0.0.3' });
    try {
      const response = await bound.download(new Request(`${server.url}/echo`), crawler);
      expect(response.json<{ remoteAddress: string }>().remoteAddress).toMatch(/127\.0\.0\.3$/);
    } finally {
      await bound.close?.(crawler, 'finished');
    }
  });
});
