import { gzipSync } from 'node:zlib';
import { ConfigError, createResponse, Request, TextResponse, type Response } from '@crawl/core';
import { fakeCrawler, testDownloaderMiddleware } from '@crawl/testing';
import { describe, expect, it } from 'vitest';
import { ACCEPT_ENCODING, compression, COMPRESSION_DEFAULTS } from '../src/index.js';
import { createZstdDecompress, planDecoding } from '../src/encodings.js';

testDownloaderMiddleware('compression', () => compression());

describe('planDecoding', () => {
  it.each([
    [['gzip'], ['gzip'], []],
    [['gzip, br'], ['br', 'gzip'], []],
    [['deflate', 'X-GZIP'], ['x-gzip', 'deflate'], []],
    [['gzip,,  br '], ['br', 'gzip'], []],
    [['foo, gzip'], ['gzip'], ['foo']],
    [['gzip, foo'], [], ['gzip', 'foo']],
    [['identity'], ['identity'], []],
    [[''], [], []],
  ])('%j -> decode %j, keep %j', (header, decode, keep) => {
    const plan = planDecoding(header);
    expect(plan.decode.map((d) => d.name)).toEqual(decode);
    expect(plan.keep).toEqual(keep);
  });

  it(`advertises what Node ${process.version} can decode`, () => {
    expect(ACCEPT_ENCODING).toBe(createZstdDecompress ? 'gzip, deflate, br, zstd' : 'gzip, deflate, br');
    expect(planDecoding(['zstd']).decode.length).toBe(createZstdDecompress ? 1 : 0);
  });
});

describe('compression()', () => {
  it('has Scrapy order 590 and rejects unknown or bad options', () => {
    expect(compression().order).toBe(COMPRESSION_DEFAULTS.order);
    expect(compression({ order: 1 }).order).toBe(1);
    expect(() => compression({ level: 9 } as never)).toThrow(/Unknown compression\(\) option "level"; known options: order/);
    expect(() => compression({ order: Infinity })).toThrow(ConfigError);
  });

  const gzipped = (request: Request<any>, init: { headers?: Record<string, string>; flags?: string[] } = {}): Response =>
    createResponse(request.url, {
      headers: { 'Content-Encoding': 'gzip', ...init.headers },
      body: gzipSync('plain words'),
      request,
      flags: init.flags ?? [],
    });

  it('keeps a text response class and its flags, and answers synchronously when there is nothing to decode', async () => {
    const crawler = fakeCrawler();
    const mw = compression();
    const request = new Request('http://a.test/notes.txt');
    const original = gzipped(request, { headers: { 'Content-Type': 'text/plain' }, flags: ['cached'] });
    const out = (await mw.processResponse!(request, original, crawler)) as Response;
    expect(out).toBeInstanceOf(TextResponse);
    expect(out.text).toBe('plain words');
    expect(out.flags).toEqual(['cached']);
    expect(out.request).toBe(request);
    const plain = createResponse(request.url, { body: 'x', request });
    expect(mw.processResponse!(request, plain, crawler)).toBe(plain);
  });

  it('rejects a bad meta.downloadMaxSize with a ConfigError naming the request', async () => {
    const request = new Request('http://a.test/', { meta: { downloadMaxSize: -1 } });
    await expect(compression().processResponse!(request, gzipped(request), fakeCrawler())).rejects.toThrow(
      /meta\.downloadMaxSize must be a number of bytes >= 0, got -1 \(http:\/\/a\.test\/\)/,
    );
  });

  it.runIf(createZstdDecompress !== undefined)('decodes zstd where Node.js has it', async () => {
    const { zstdCompressSync } = (await import('node:zlib')) as unknown as { zstdCompressSync: (b: Buffer) => Buffer };
    const request = new Request('http://a.test/z.txt');
    const response = createResponse(request.url, { headers: { 'Content-Encoding': 'zstd', 'Content-Type': 'text/plain' }, body: zstdCompressSync(Buffer.from('zstd words')), request });
    expect(((await compression().processResponse!(request, response, fakeCrawler())) as Response).text).toBe('zstd words');
  });

  it.runIf(createZstdDecompress === undefined)('leaves zstd encoded on Node.js without it, saying which version has it', async () => {
    const crawler = fakeCrawler();
    const request = new Request('http://a.test/z.txt');
    const response = createResponse(request.url, { headers: { 'Content-Encoding': 'zstd' }, body: 'opaque', request });
    expect(await compression().processResponse!(request, response, crawler)).toBe(response);
    expect(crawler.messages('warn', '@crawl/middleware-compression')).toEqual([
      `Cannot decode the response for http://a.test/z.txt from unsupported encoding(s) 'zstd'. zstd needs Node.js 22.15 or later (this is ${process.version}).`,
    ]);
  });
});
