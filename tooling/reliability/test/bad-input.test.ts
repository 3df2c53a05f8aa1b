import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JsonRequest, Request, defineSpider, type Response } from '@crawl/core';
import { filesPipeline, type FileInfo } from '@crawl/pipeline-files';
import { imagesPipeline } from '@crawl/pipeline-images';
import { handlers, type RouteHandler } from '@crawl/test-servers';
import { afterEach, describe, expect, it } from 'vitest';
import { ServerPool } from './servers.js';
import { collect, defaultCrawler, type Logged } from './support.js';

const pool = new ServerPool();
const dirs: string[] = [];
afterEach(async () => {
  await pool.closeAll();
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

function bytes(body: Buffer | string, type: string): RouteHandler {
  return (_req, res) => {
    const b = typeof body === 'string' ? Buffer.from(body) : body;
    res.writeHead(200, { 'Content-Type': type, 'Content-Length': String(b.length) });
    res.end(b);
  };
}

/** Deterministic pseudo-random bytes (with NULs and invalid UTF-8). */
function noise(n: number): Buffer {
  const b = Buffer.alloc(n);
  let x = 0x2545f491;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    b[i] = x & 0xff;
  }
  return b;
}

describe('hostile and broken input: a clear error or a counted skip, never a crash', () => {
  it('malformed HTML and 100,000 levels of nesting are parsed; selectors and links still work', async () => {
    const deep = `<html><body><h1>deep</h1>${'<div>'.repeat(100_000)}<a href="/after">a</a>${'</div>'.repeat(100_000)}</body></html>`;
    const broken = `<html><body><h1>broken<p><table><tr><td>cell<a href="/x">x<a href="/y"</body></html><<<>>></`;
    const a = await pool.start('127.0.0.1', { '/deep': handlers.html(deep), '/broken': handlers.html(broken), '/after': handlers.html('ok'), '/x': handlers.html('ok') });
    const seen: Record<string, { h1: string | undefined; links: string[] }> = {};
    const spider = defineSpider({
      name: 'malformed',
      startUrls: [`http://a.test:${a.port}/deep`, `http://a.test:${a.port}/broken`],
      parse(response: Response) {
        seen[new URL(response.url).pathname] = { h1: response.css('h1::text').get(), links: response.css('a::attr(href)').getall() };
      },
    });
    const { reason, stats } = await defaultCrawler(spider).crawl();
    expect(reason).toBe('finished');
    expect(seen['/deep']).toEqual({ h1: 'deep', links: ['/after'] });
    expect(seen['/broken']!.h1).toBe('broken');
    expect(seen['/broken']!.links).toContain('/x');
    expect(stats['spider_exceptions/count']).toBeUndefined();
  }, 60_000);

  it('invalid and non-ASCII URLs: IDN, percent-encoding and spaces are normalised; an invalid URL is an InvalidUrlError, counted, and the crawl goes on', async () => {
    const a = await pool.start('127.0.0.1', {}, handlers.html('ok'));
    const page = `<a href="/path with spaces">1</a><a href="/caf%C3%A9">2</a><a href="/ünï?q=é">3</a><a href="http://bücher.test:${a.port}/idn">4</a><a href="http://[bad">5</a><a href="http://a.test:99999/">6</a>`;
    a.route('GET', '/start', handlers.html(page));
    const errors: string[] = [];
    const spider = defineSpider({
      name: 'urls',
      startUrls: [`http://a.test:${a.port}/start`],
      *parse(response: Response) {
        if (!response.url.endsWith('/start')) return;
        for (const href of response.css('a::attr(href)').getall()) {
          try {
            yield response.follow(href);
          } catch (error) {
            errors.push((error as Error).name);
          }
        }
        // Thrown out of the callback: counted as a spider exception, the crawl goes on.
        yield new Request('http://exa mple.test/');
      },
    });
    const logs: Logged[] = [];
    const { reason, stats } = await defaultCrawler(spider, { logs, hosts: { 'xn--bcher-kva.test': '127.0.0.1' } }).crawl();
    expect(reason).toBe('finished');
    expect(errors).toEqual(['InvalidUrlError', 'InvalidUrlError']);
    const got = a.requests.map((r) => `${r.host.replace(`:${a.port}`, '')} ${r.url}`).sort();
    expect(got).toEqual(
      ['a.test /caf%C3%A9', 'a.test /path%20with%20spaces', 'a.test /robots.txt', 'a.test /start', 'a.test /%C3%BCn%C3%AF?q=%C3%A9', 'xn--bcher-kva.test /idn', 'xn--bcher-kva.test /robots.txt'].sort(),
    );
    expect(stats['spider_exceptions/InvalidUrlError']).toBe(1);
    expect(logs.some((l) => l.level === 'error' && l.message.includes('exa mple'))).toBe(true);
  });

  it('unknown and wrong charsets, and binary bodies served as text/html, decode without throwing', async () => {
    const a = await pool.start('127.0.0.1', {
      '/unknown': bytes('<h1>café</h1>', 'text/html; charset=x-no-such-charset'),
      '/wrong': bytes('<h1>café</h1>', 'text/html; charset=iso-8859-1'),
      '/meta-wrong': bytes('<meta charset="utf-16"><h1>café</h1>', 'text/html'),
      '/binary': bytes(noise(64 * 1024), 'text/html'),
    });
    const texts: Record<string, string | undefined> = {};
    const spider = defineSpider({
      name: 'charsets',
      startUrls: ['/unknown', '/wrong', '/meta-wrong', '/binary'].map((p) => `http://a.test:${a.port}${p}`),
      parse(response: Response) {
        texts[new URL(response.url).pathname] = response.css('h1::text').get() ?? `(${response.text.length} chars)`;
      },
    });
    const { reason, stats } = await defaultCrawler(spider).crawl();
    expect(reason).toBe('finished');
    expect(texts['/unknown']).toBe('café');
    expect(texts['/wrong']).toBe('cafÃ©'); // the declared charset wins, as in browsers and Scrapy
    // A <meta charset="utf-16"> on an ASCII body is decoded as UTF-16 (as w3lib does; browsers read
    // it as UTF-8 per the HTML prescan): mojibake, but a page, not a crash.
    expect(texts['/meta-wrong']).toMatch(/^\(\d+ chars\)$/);
    expect(texts['/binary']).toBeDefined();
    expect(stats['spider_exceptions/count']).toBeUndefined();
  });

  it('invalid JSON for a JsonRequest: response.json() throwing in the callback is a counted spider exception', async () => {
    const a = await pool.start('127.0.0.1', { '/api': bytes('{"items": [1, 2,', 'application/json'), '/ok': handlers.json({ n: 1 }) });
    const got: unknown[] = [];
    const spider = defineSpider({
      name: 'json',
      *start() {
        yield new JsonRequest(`http://a.test:${a.port}/api`, { data: { q: 1 } });
        yield new JsonRequest(`http://a.test:${a.port}/ok`, { data: { q: 2 } });
      },
      parse(response: Response) {
        got.push(response.json());
      },
    });
    const logs: Logged[] = [];
    const { reason, stats } = await defaultCrawler(spider, { logs }).crawl();
    expect(reason).toBe('finished');
    expect(got).toEqual([{ n: 1 }]);
    expect(stats['spider_exceptions/count']).toBe(1);
    expect(Object.keys(stats).filter((k) => k.startsWith('spider_exceptions/') && k !== 'spider_exceptions/count')).toHaveLength(1);
    expect(logs.some((l) => l.level === 'error' && l.message.includes('/api'))).toBe(true);
  });

  it('callbacks that throw or yield invalid values: each counted and logged, the rest of the output kept', async () => {
    const a = await pool.start('127.0.0.1', {}, handlers.html('ok'));
    const items: unknown[] = [];
    const spider = defineSpider({
      name: 'bad-callbacks',
      *start() {
        yield new Request(`http://a.test:${a.port}/throws`, { callback: () => { throw new TypeError('boom'); } });
        yield new Request(`http://a.test:${a.port}/invalid`, {
          *callback() {
            yield { good: 1 };
            yield 42 as never;
            yield 'a string' as never;
            yield null as never;
            yield { good: 2 };
          },
        });
        yield new Request(`http://a.test:${a.port}/throws-midway`, {
          *callback() {
            yield { good: 3 };
            throw new RangeError('midway');
          },
        });
      },
      parse() {},
    });
    const logs: Logged[] = [];
    const { reason, stats } = await defaultCrawler(spider, { logs, itemPipelines: [collect(items)] }).crawl();
    expect(reason).toBe('finished');
    expect(items).toEqual(expect.arrayContaining([{ good: 1 }, { good: 2 }, { good: 3 }]));
    expect(items).toHaveLength(3);
    expect(stats['spider_exceptions/TypeError']).toBe(1);
    expect(stats['spider_exceptions/RangeError']).toBe(1);
    // 42 and 'a string' are invalid; null is skipped silently, as Scrapy skips None.
    expect(stats['spider_exceptions/InvalidOutputError']).toBe(2);
    expect(logs.filter((l) => l.level === 'error').length).toBeGreaterThanOrEqual(4);
  });

  it('images pipeline: HTML, text and zero-byte bodies at image URLs are failed results on the item, nothing stored', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'crawl-rel-img-'));
    dirs.push(dir);
    const a = await pool.start('127.0.0.1', {
      '/html.png': bytes('<html>login</html>', 'text/html'),
      '/text.jpg': bytes('not an image', 'image/jpeg'),
      '/empty.png': bytes(Buffer.alloc(0), 'image/png'),
    });
    const items: { image_urls: string[]; outcomes?: string[] }[] = [];
    const spider = defineSpider({
      name: 'bad-images',
      *start() {
        yield { image_urls: ['/html.png', '/text.jpg', '/empty.png'].map((p) => `http://a.test:${a.port}${p}`) };
      },
      parse() {},
    });
    const logs: Logged[] = [];
    const { reason } = await defaultCrawler(spider, {
      logs,
      itemPipelines: [
        imagesPipeline<{ image_urls: string[]; outcomes?: string[] }>({
          store: dir,
          itemCompleted(results, item) {
            item.outcomes = results.map(([ok, r]) => (ok ? `stored ${(r as FileInfo).path}` : `${(r as Error).name}: ${(r as Error).message}`));
            return item;
          },
        }),
        collect(items),
      ],
    }).crawl();
    expect(reason).toBe('finished');
    const [html, text, empty] = items[0]!.outcomes!;
    expect(html).toMatch(/^ImageException/);
    expect(text).toMatch(/^ImageException/);
    expect(empty).toMatch(/^FileException.*empty/i);
    expect(await readdir(dir)).toEqual([]);
    expect(logs.filter((l) => l.level === 'warn').length).toBeGreaterThanOrEqual(3);
  });

  it('files pipeline: filePath results escaping the store (../, absolute, NUL) fail that file with a ConfigError; nothing written outside', async () => {
    const parent = await mkdtemp(join(tmpdir(), 'crawl-rel-esc-'));
    dirs.push(parent);
    const store = join(parent, 'store');
    const a = await pool.start('127.0.0.1', {}, bytes('file body', 'text/plain'));
    const names: Record<string, string> = { '/1.txt': '../escaped.txt', '/2.txt': join(parent, 'absolute.txt'), '/3.txt': 'nul\u0000.txt', '/4.txt': 'ok/fine.txt' };
    const items: { file_urls: string[]; outcomes?: string[] }[] = [];
    const spider = defineSpider({
      name: 'escape',
      *start() {
        yield { file_urls: Object.keys(names).map((p) => `http://a.test:${a.port}${p}`) };
      },
      parse() {},
    });
    const { reason } = await defaultCrawler(spider, {
      itemPipelines: [
        filesPipeline<{ file_urls: string[]; outcomes?: string[] }>({
          store,
          filePath: (request) => names[new URL(request.url).pathname]!,
          itemCompleted(results, item) {
            item.outcomes = results.map(([ok, r]) => (ok ? `stored ${(r as FileInfo).path}` : (r as Error).name));
            return item;
          },
        }),
        collect(items),
      ],
    }).crawl();
    expect(reason).toBe('finished');
    expect(items[0]!.outcomes).toEqual(['ConfigError', 'ConfigError', 'ConfigError', 'stored ok/fine.txt']);
    expect((await readdir(parent)).sort()).toEqual(['store']);
    expect(await readdir(store)).toEqual(['ok']);
  });
});


