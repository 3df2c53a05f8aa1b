import { randomBytes } from 'node:crypto';
import { brotliCompressSync, deflateRawSync, deflateSync, gzipSync } from 'node:zlib';
import { DownloadError, HtmlResponse, Response, TextResponse } from '@crawl/core';
import { handlers, startTestServer, type TestServer } from '@crawl/test-servers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACCEPT_ENCODING, compression } from '../src/index.js';
import { crawl, encoded, Request } from './support.js';

let server: TestServer;
const PAGE = `<!DOCTYPE html><html><head><title>Zipped</title></head><body>${'<p>compressible text</p>'.repeat(200)}</body></html>`;
const page = Buffer.from(PAGE);
const html = { 'Content-Type': 'text/html; charset=utf-8' };
// Hex of random bytes: compresses to half, so half of the gzip stream holds a good part of the text.
const noisy = Buffer.from(randomBytes(40000).toString('hex'));

beforeAll(async () => {
  server = await startTestServer({
    routes: {
      '/echo': handlers.echo(),
      '/gzip': encoded(gzipSync(page), { ...html, 'Content-Encoding': 'gzip' }),
      '/x-gzip': encoded(gzipSync(page), { ...html, 'Content-Encoding': 'x-gzip' }),
      '/deflate': encoded(deflateSync(page), { ...html, 'Content-Encoding': 'deflate' }),
      '/raw-deflate': encoded(deflateRawSync(page), { ...html, 'Content-Encoding': 'deflate' }),
      '/br': encoded(brotliCompressSync(page), { ...html, 'Content-Encoding': 'br' }),
      // Applied gzip first, then br: undone br first.
      '/gzip-br': encoded(brotliCompressSync(gzipSync(page)), { ...html, 'Content-Encoding': 'gzip, br' }),
      // The same coding list over two header lines.
      '/deflate-gzip-lines': encoded(gzipSync(deflateSync(page)), { ...html, 'Content-Encoding': ['deflate', 'gzip'] }),
      '/upper': encoded(gzipSync(page), { ...html, 'Content-Encoding': ' GZIP ' }),
      '/unknown-under-gzip': encoded(gzipSync(page), { ...html, 'Content-Encoding': 'foo, gzip' }),
      '/unknown-only': encoded(page, { ...html, 'Content-Encoding': 'foo' }),
      '/untyped': encoded(gzipSync(page), { 'Content-Encoding': 'gzip' }),
      '/cp1251': encoded(gzipSync(Buffer.concat([Buffer.from('<html><head><meta charset="windows-1251"></head><body>'), Buffer.from([0xcf, 0xf0, 0xe8, 0xe2, 0xe5, 0xf2]), Buffer.from('</body></html>')])), {
        'Content-Type': 'text/html',
        'Content-Encoding': 'gzip',
      }),
      '/corrupt-gzip': encoded(Buffer.from('this is not gzip at all'), { ...html, 'Content-Encoding': 'gzip' }),
      '/corrupt-br': encoded(Buffer.from([0x1b, 0xff, 0xff, 0xff, 0x00, 0x01, 0x02]), { ...html, 'Content-Encoding': 'br' }),
      '/corrupt-deflate': encoded(Buffer.from('neither zlib nor raw deflate'), { ...html, 'Content-Encoding': 'deflate' }),
      '/truncated-gzip': encoded(gzipSync(noisy).subarray(0, gzipSync(noisy).length >> 1), { 'Content-Type': 'text/plain', 'Content-Encoding': 'gzip' }),
      '/gzip-garbage': encoded(Buffer.concat([gzipSync(page), Buffer.from('\n\n<garbage>')]), { ...html, 'Content-Encoding': 'gzip' }),
      '/gzip-zero-padding': encoded(Buffer.concat([gzipSync(page), Buffer.alloc(16)]), { ...html, 'Content-Encoding': 'gzip' }),
      // Promises the whole body, sends half of it and hangs up: a data loss the handler may accept.
      '/gzip-dataloss': (_req, res) => {
        const whole = gzipSync(noisy);
        res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Encoding': 'gzip', 'Content-Length': whole.length });
        res.write(whole.subarray(0, whole.length >> 1), () => res.destroy());
      },
      '/empty': encoded(Buffer.alloc(0), { 'Content-Encoding': 'gzip' }),
      '/big': encoded(gzipSync(Buffer.alloc(3 * 1024 * 1024, 0x61)), { 'Content-Type': 'text/plain', 'Content-Encoding': 'gzip' }),
    },
  });
});

afterAll(async () => {
  await server?.close();
});

const url = (path: string) => `${server.url}${path}`;

describe('Accept-Encoding', () => {
  it(`asks for ${ACCEPT_ENCODING} unless the request says otherwise`, async () => {
    const { responses } = await crawl(
      [new Request(url('/echo?default')), new Request(url('/echo?own'), { headers: { 'Accept-Encoding': 'identity' } })],
      [compression()],
    );
    const byUrl = new Map(responses.map((r) => [r.url, r.json<{ headers: Record<string, string> }>().headers]));
    expect(byUrl.get(url('/echo?default'))!['accept-encoding']).toBe('gzip, deflate, br');
    expect(byUrl.get(url('/echo?own'))!['accept-encoding']).toBe('identity');
  });
});

describe('decoding', () => {
  it.each(['/gzip', '/x-gzip', '/deflate', '/raw-deflate', '/br', '/gzip-br', '/deflate-gzip-lines', '/upper'])('decodes %s', async (path) => {
    const { responses, failures, stats } = await crawl([new Request(url(path))], [compression()]);
    expect(failures).toEqual([]);
    const response = responses[0]!;
    expect(response).toBeInstanceOf(HtmlResponse);
    expect(response.text).toBe(PAGE);
    expect(response.css('title::text').get()).toBe('Zipped');
    expect(response.headers.has('Content-Encoding')).toBe(false);
    expect(stats['httpcompression/response_count']).toBe(1);
    expect(stats['httpcompression/response_bytes']).toBe(page.byteLength);
  });

  it('re-picks the class of a response typed from its compressed bytes', async () => {
    const { responses } = await crawl([new Request(url('/untyped'))], [compression()]);
    expect(responses[0]).toBeInstanceOf(HtmlResponse);
    const plain = await crawl([new Request(url('/untyped'))], []);
    expect(plain.responses[0]!.constructor).toBe(Response);
  });

  it('sniffs the text encoding from the decoded body, not the compressed one', async () => {
    const { responses } = await crawl([new Request(url('/cp1251'))], [compression()]);
    expect((responses[0] as TextResponse).encoding).toBe('windows-1251');
    expect(responses[0]!.css('body::text').get()).toBe('Привет');
  });

  it('stops at an unknown coding, keeps it in Content-Encoding and warns', async () => {
    const under = await crawl([new Request(url('/unknown-under-gzip'))], [compression()]);
    expect(under.responses[0]!.headers.get('Content-Encoding')).toBe('foo');
    expect(Buffer.from(under.responses[0]!.body).equals(page)).toBe(true);
    expect(under.warnings()).toEqual([`Cannot decode the response for ${url('/unknown-under-gzip')} from unsupported encoding(s) 'foo'.`]);
    const only = await crawl([new Request(url('/unknown-only'))], [compression()]);
    expect(only.responses[0]!.headers.get('Content-Encoding')).toBe('foo');
    expect(only.stats['httpcompression/response_count']).toBeUndefined();
  });

  it('leaves HEAD responses and empty bodies alone', async () => {
    const { responses, failures } = await crawl([new Request(url('/gzip'), { method: 'HEAD' }), new Request(url('/empty'))], [compression()]);
    expect(failures).toEqual([]);
    const head = responses.find((r) => r.url === url('/gzip'))!;
    expect(head.headers.get('Content-Encoding')).toBe('gzip');
    const empty = responses.find((r) => r.url === url('/empty'))!;
    expect(empty.body.byteLength).toBe(0);
    expect(empty.headers.has('Content-Encoding')).toBe(false);
  });

  it.each([
    ['/corrupt-gzip', 'gzip'],
    ['/corrupt-br', 'br'],
    ['/corrupt-deflate', 'deflate'],
  ])('fails %s with a DownloadError naming the URL and the coding', async (path, coding) => {
    const { responses, failures } = await crawl([new Request(url(path))], [compression()]);
    expect(responses).toEqual([]);
    const error = failures[0]!.error as Error;
    expect(error).toBeInstanceOf(DownloadError);
    expect(error.message).toMatch(new RegExp(`^Cannot decode the ${coding}-encoded body of <200 ${url(path).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}>: .+`));
  });

  it.each(['/truncated-gzip', '/gzip-garbage'])('fails %s, a damaged gzip stream, with a DownloadError', async (path) => {
    const { responses, failures } = await crawl([new Request(url(path))], [compression()]);
    expect(responses).toEqual([]);
    expect(failures[0]!.error).toBeInstanceOf(DownloadError);
    expect((failures[0]!.error as Error).message).toContain(`Cannot decode the gzip-encoded body of <200 ${url(path)}>`);
  });

  it('accepts zero padding after a gzip stream', async () => {
    const { responses } = await crawl([new Request(url('/gzip-zero-padding'))], [compression()]);
    expect(responses[0]!.text).toBe(PAGE);
  });

  it('decodes what arrived of a body the handler kept despite a data loss', async () => {
    const { responses, failures } = await crawl([new Request(url('/gzip-dataloss'))], [compression()], { downloadFailOnDataloss: false });
    expect(failures).toEqual([]);
    const response = responses[0]!;
    expect(response.flags).toContain('dataloss');
    expect(response.body.byteLength).toBeGreaterThan(1000);
    expect(noisy.subarray(0, response.body.byteLength).equals(Buffer.from(response.body))).toBe(true);
    const strict = await crawl([new Request(url('/gzip-dataloss'))], [compression()]);
    expect(strict.responses).toEqual([]);
  });
});

describe('size limits on the decoded body', () => {
  it('applies downloadMaxSize, with meta.downloadMaxSize overriding it', async () => {
    const MiB = 1024 * 1024;
    const { responses, failures } = await crawl(
      [new Request(url('/big')), new Request(url('/big?meta'), { meta: { downloadMaxSize: 4 * MiB } })],
      [compression()],
      { downloadMaxSize: 2 * MiB },
    );
    expect(responses.map((r) => r.url)).toEqual([url('/big?meta')]);
    expect(responses[0]!.body.byteLength).toBe(3 * MiB);
    expect(failures).toHaveLength(1);
    expect((failures[0]!.error as Error).message).toMatch(
      new RegExp(`^Ignored response <200 ${url('/big').replace(/[.?]/g, '\\$&')}> because its body \\(\\d+ B compressed\\) is larger than the download max size \\(2097152 B\\) once decoded: stopped after \\d+ B of gzip output$`),
    );
  });

  it('warns once when the decoded body passes downloadWarnSize', async () => {
    const { warnings } = await crawl([new Request(url('/big'))], [compression()], { downloadWarnSize: 1024 * 1024 });
    expect(warnings()).toEqual([`<200 ${url('/big')}> body size after decompression (3145728 B) is larger than the download warn size (1048576 B).`]);
  });
});
