import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { HtmlResponse } from '../src/index.js';
import { joinPlainLink, linkBase } from '../src/join-link.js';

const BASES = [
  'http://127.0.0.1:18080/p/000001.html',
  'http://127.0.0.1:18080',
  'https://Example.COM:443/a/b/',
  'http://user:pa%20ss@example.com:8080/dir/page?q=1/2#frag/x',
  'http://example.com/a/b?x=/y/z',
  'http://example.com/a/b#/c/d',
  'http://[::1]:8080/x/y',
  'https://bücher.example/katalog/seite',
  'http://example.com/a%20b/c d/e',
  'http://example.com//double//slash',
];

const LINKS = [
  '002539.html',
  '/p/001767.html',
  '/',
  'a',
  'a/',
  'a//b',
  '...',
  '.a/b.',
  'a/..b/c..',
  '~user/x-y_z',
  'A/B/C.HTML',
  '/#cat-electronics',
  '?q=1&r=2',
  '#top',
  '#',
  '?',
  'p.html?x=/y#z?w',
  // Not plain: each must go through the WHATWG parser.
  '',
  '.',
  '..',
  './a',
  '../a',
  'a/./b',
  'a/../b',
  'a/.',
  'a/..',
  '//other.example/x',
  'a/./b?x',
  '#a/./b', // plain, but a dot segment anywhere sends a link the slow way
  '.?x',
  '?q=a b',
  '#a"b',
  "?a'b",
  'a b',
  ' a',
  'a%2e',
  'mailto:x@example.com',
  'http:foo',
  'HTTP://other/',
  'c:/x',
  'a\\b',
  'é.html',
];

// Deterministic, so a failure names an input that can be rerun.
function* randomLinks(count: number, seed: number): Generator<string> {
  const alphabet = 'aZ09._~/-?#%: \\@!=&\'"';
  let state = seed;
  for (let i = 0; i < count; i++) {
    let link = '';
    const length = i % 13;
    for (let j = 0; j < length; j++) {
      state = (state * 1103515245 + 12345) % 2 ** 31;
      link += alphabet[state % alphabet.length];
    }
    yield link;
  }
}

describe('joinPlainLink', () => {
  it('gives what new URL(link, base) gives, or leaves the link to it', () => {
    let plain = 0;
    for (const baseUrl of BASES) {
      const base = linkBase(baseUrl)!;
      expect(base.hostname).toBe(new URL(baseUrl).hostname);
      for (const link of [...LINKS, ...randomLinks(3000, baseUrl.length)]) {
        const joined = joinPlainLink(base, link);
        if (joined === undefined) continue;
        plain++;
        expect(joined, `${link} against ${baseUrl}`).toBe(new URL(link, baseUrl).href);
      }
    }
    expect(plain).toBeGreaterThan(BASES.length * 17);
  });

  it('takes plain links and leaves the others', () => {
    const base = linkBase('http://h.test/p/1.html?page=3#reviews')!;
    expect(LINKS.slice(0, 17).map((link) => joinPlainLink(base, link))).toEqual([
      'http://h.test/p/002539.html',
      'http://h.test/p/001767.html',
      'http://h.test/',
      'http://h.test/p/a',
      'http://h.test/p/a/',
      'http://h.test/p/a//b',
      'http://h.test/p/...',
      'http://h.test/p/.a/b.',
      'http://h.test/p/a/..b/c..',
      'http://h.test/p/~user/x-y_z',
      'http://h.test/p/A/B/C.HTML',
      'http://h.test/#cat-electronics',
      'http://h.test/p/1.html?q=1&r=2',
      'http://h.test/p/1.html?page=3#top',
      'http://h.test/p/1.html?page=3#',
      'http://h.test/p/1.html?',
      'http://h.test/p/p.html?x=/y#z?w',
    ]);
    for (const link of LINKS.slice(17)) expect(joinPlainLink(base, link), link).toBeUndefined();
  });

  it('has no base for schemes other than http(s) or an invalid URL', () => {
    expect(linkBase('ftp://h.test/a')).toBeNull();
    expect(linkBase('data:text/html,x')).toBeNull();
    expect(linkBase('not a url')).toBeNull();
  });
});

describe('followAll with plain links', () => {
  const page = `<html><head><base href="/shop/"></head><body>
    <a href="002539.html">a</a> <a href="/p/001767.html">b</a> <a href="../up.html">c</a>
    <a href="?page=2">d</a> <a href=" spaced.html ">e</a> <a href="HTTPS://Other.test/x">f</a>
    <a href="mailto:x@h.test">g</a></body></html>`;

  it('resolves against <base href>, the same URLs and hostnames as through the WHATWG parser', () => {
    const response = new HtmlResponse('http://h.test:8080/p/000001.html', { body: page });
    const requests = response.followAll({ css: 'a' });
    expect(requests.map((r) => r.url)).toEqual([
      'http://h.test:8080/shop/002539.html',
      'http://h.test:8080/p/001767.html',
      'http://h.test:8080/up.html',
      'http://h.test:8080/shop/?page=2',
      'http://h.test:8080/shop/spaced.html',
      'https://other.test/x',
    ]);
    expect(requests.map((r) => r.hostname)).toEqual(['h.test', 'h.test', 'h.test', 'h.test', 'h.test', 'other.test']);
  });

  it('gives an IPv6 base its hostname without brackets', () => {
    const [request] = new HtmlResponse('http://[::1]:8080/a/b.html', { body: '<a href="c.html">c</a>' }).followAll({ css: 'a' });
    expect(request!.url).toBe('http://[::1]:8080/a/c.html');
    expect(request!.hostname).toBe('::1');
  });
});

describe('a followed link keeps nothing of its page alive', () => {
  // V8 keeps a link string as a slice of the page's text and a concatenation as a cons string
  // pointing to it; joinPlainLink flattens its result. A child process with --expose-gc, after
  // enough joins for the optimising compiler to have taken over, holds 400 requests from 400
  // pages of 100 KB each and measures the heap.
  it('holds 400 requests from 400 pages of 100 KB in well under one page per request', { timeout: 30_000 }, async () => {
    const child = fileURLToPath(new URL('./fixtures/retention-child.mjs', import.meta.url));
    const packageDir = fileURLToPath(new URL('..', import.meta.url));
    const stdout = await new Promise<string>((resolve, reject) => {
      execFile(process.execPath, ['--expose-gc', child], { cwd: packageDir, timeout: 30_000, env: { ...process.env, NODE_OPTIONS: '' } }, (error, out, stderr) =>
        error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(out),
      );
    });
    const { kept, urls, heldBytes } = JSON.parse(stdout.trim().split('\n').at(-1)!) as { kept: number; urls: string[]; heldBytes: number };
    expect(kept).toBe(400);
    expect(urls).toEqual(['http://h.test/p/000000-a-long-product-name.html', 'http://h.test/p/000399-a-long-product-name.html']);
    // 400 pages kept alive would be 40 MB; the requests themselves are well under 1 MB.
    expect(heldBytes).toBeLessThan(4 * 1024 * 1024);
  });
});
