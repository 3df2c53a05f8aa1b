import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  DownloadError,
  HtmlResponse,
  Request,
  Response,
  ResponseTooLargeError,
  TextResponse,
  UnsupportedSchemeError,
} from '@crawl/core';
import { dataHandler, fileHandler } from '../src/index.js';
import { fakeCrawler } from './support.js';

const crawler = fakeCrawler();

describe('fileHandler', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'crawl-http-file-'));
    await writeFile(join(dir, 'page.html'), '<html><body><h1>Local</h1></body></html>');
    await writeFile(join(dir, 'data.bin'), Buffer.from([0, 1, 2, 250]));
    await writeFile(join(dir, 'big.txt'), 'x'.repeat(5000));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const url = (name: string) => pathToFileURL(join(dir, name)).href;

  it('serves only file: URLs', () => {
    const handler = fileHandler();
    expect(handler.schemes).toEqual(['file']);
  });

  it('reads a local file, picking the class from the extension', async () => {
    const response = await fileHandler().download(new Request(url('page.html')), crawler);
    expect(response).toBeInstanceOf(HtmlResponse);
    expect(response.status).toBe(200);
    expect(response.css('h1::text').get()).toBe('Local');
    const binary = await fileHandler().download(new Request(url('data.bin')), crawler);
    expect(binary.constructor).toBe(Response);
    expect(binary.body).toEqual(new Uint8Array([0, 1, 2, 250]));
  });

  it('fails a missing file with DownloadError naming the path', async () => {
    const path = join(dir, 'missing.txt');
    const error = await fileHandler()
      .download(new Request(url('missing.txt')), crawler)
      .catch((e: unknown) => e as Error);
    expect(error).toBeInstanceOf(DownloadError);
    expect((error as Error).message).toContain(path);
    expect((error as Error).message).toContain('no such file');
  });

  it('fails a directory with DownloadError', async () => {
    const error = await fileHandler()
      .download(new Request(pathToFileURL(dir).href), crawler)
      .catch((e: unknown) => e as Error);
    expect(error).toBeInstanceOf(DownloadError);
    expect((error as Error).message).toContain('is a directory');
  });

  it('honours downloadMaxSize before reading', async () => {
    const tooBig = new Request(url('big.txt'), { meta: { downloadMaxSize: 1000 } });
    await expect(fileHandler().download(tooBig, crawler)).rejects.toBeInstanceOf(ResponseTooLargeError);
    const ok = await fileHandler().download(new Request(url('big.txt')), fakeCrawler({ downloadMaxSize: 5000 }));
    expect(ok.body.byteLength).toBe(5000);
  });

  it('refuses other schemes', async () => {
    await expect(fileHandler().download(new Request('http://127.0.0.1/'), crawler)).rejects.toBeInstanceOf(UnsupportedSchemeError);
  });
});

describe('dataHandler', () => {
  const handler = dataHandler();
  const get = (url: string) => handler.download(new Request(url), crawler);

  it('serves only data: URLs', async () => {
    expect(handler.schemes).toEqual(['data']);
    await expect(get('http://127.0.0.1/')).rejects.toBeInstanceOf(UnsupportedSchemeError);
  });

  it('decodes percent-encoded text with the RFC 2397 default media type', async () => {
    const response = await get('data:,Hello%2C%20World%21');
    expect(response).toBeInstanceOf(TextResponse);
    expect(response.headers.get('content-type')).toBe('text/plain;charset=US-ASCII');
    expect(response.text).toBe('Hello, World!');
  });

  it('decodes base64 and uses the media type for the response class', async () => {
    const html = Buffer.from('<html><body><p>data</p></body></html>').toString('base64');
    const response = await get(`data:text/html;base64,${html}`);
    expect(response).toBeInstanceOf(HtmlResponse);
    expect(response.headers.get('content-type')).toBe('text/html');
    expect(response.css('p::text').get()).toBe('data');
  });

  it('keeps raw bytes and honours a charset parameter', async () => {
    const utf8 = await get('data:text/plain;charset=utf-8,caf%C3%A9');
    expect(utf8.text).toBe('café');
    const latin1 = await get('data:text/plain;charset=iso-8859-1,caf%E9');
    expect(latin1.text).toBe('café');
    const binary = await get('data:application/octet-stream;base64,AAEC/w==');
    expect(binary.constructor).toBe(Response);
    expect(binary.body).toEqual(new Uint8Array([0, 1, 2, 255]));
  });

  it('defaults the type for ";charset=..." only and for unpadded base64', async () => {
    const response = await get('data:;charset=utf-8;base64,aMOp');
    expect(response.headers.get('content-type')).toBe('text/plain;charset=utf-8');
    expect(response.text).toBe('hé');
  });

  it('rejects malformed data: URLs with DownloadError', async () => {
    await expect(get('data:text/plain;base64')).rejects.toThrow(/missing ","/);
    const bad = await get('data:text/plain;base64,@@@@').catch((e: unknown) => e as Error);
    expect(bad).toBeInstanceOf(DownloadError);
    expect((bad as Error).message).toMatch(/invalid base64/);
  });

  it('honours downloadMaxSize', async () => {
    const request = new Request(`data:,${'a'.repeat(100)}`, { meta: { downloadMaxSize: 10 } });
    await expect(handler.download(request, crawler)).rejects.toBeInstanceOf(ResponseTooLargeError);
  });
});
