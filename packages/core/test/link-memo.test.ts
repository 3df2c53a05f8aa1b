import { describe, expect, it } from 'vitest';
import { HtmlResponse } from '../src/index.js';
import { LINK_MEMO_MAX, resolveLink } from '../src/link-memo.js';

function expected(link: string, base: string): { href: string; hostname: string } | 'throws' {
  try {
    const url = new URL(link, base);
    return { href: url.href, hostname: url.hostname };
  } catch {
    return 'throws';
  }
}

function actual(link: string, base: string): { href: string; hostname: string } | 'throws' {
  try {
    const { href, hostname } = resolveLink(link, base);
    return { href, hostname };
  } catch {
    return 'throws';
  }
}

const BASES = [
  'http://example.com/a/b?q=1#f',
  'https://user:pw@example.com:8443/dir/page.html',
  'http://[::1]:8080/x/',
  'http://EXAMPLE.com/',
  'http://ho\tst/p',
  'http://a\\b/c',
  'http://a?x/y',
  'http://a#x/y',
  'http://example.com',
  'http:///weird/host',
  'http://h/a/..',
  'http://h/a/./b/',
  'http://h/a/%2e%2e/b',
  'https://h/dir/sub/page?x=/y/#/z',
  'https://h/dir/sub/',
  'ftp://example.com/dir/',
  'file:///tmp/x.html',
  'foo://host/path',
];

const LINKS = [
  '/p/000123.html',
  '/p/../q/./r?x=1#y',
  '/',
  '/%7Euser/é space',
  '//other.example/x',
  '/\\other.example/x',
  '/\t/other.example/x',
  '/a\nb',
  '/a\rb',
  ' /lead',
  '/trail ',
  'relative/x',
  '?q',
  '#frag',
  'http://abs.example/z',
  '/a:b@c',
  '/%2e%2e/x',
  'p/2.html',
  '002343.html',
  '../up/x?y#z',
  './here',
  '.',
  '..',
  '%2e%2e/x',
  'a:b',
  'a/b:c',
  'mailto:x@y',
  'javascript:void(0)',
  'seg\\other',
  '',
];

describe('resolveLink', () => {
  it('gives exactly what new URL(link, base) gives, twice (memo miss, then hit), for every base and link', () => {
    for (let round = 0; round < 2; round++) {
      for (const base of BASES) {
        for (const link of LINKS) expect(actual(link, base), `${JSON.stringify(link)} against ${JSON.stringify(base)}`).toEqual(expected(link, base));
      }
    }
  });

  it('agrees with new URL on random relative links against random http(s) bases, serialized or not', () => {
    const chars = ['/', '\\', '.', '..', '%2e', '?', '#', ':', '@', 'a', 'Z', '0', ' ', '\t', '\u00e9', '%', '[', ']', '//'];
    const starts = ['/', '', './', '../', 'p/'];
    let seed = 7;
    const next = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    const hosts = ['example.com', 'user@h.example', 'h.example:81', '[::1]', 'x.example:0', '@bad', 'a b'];
    const paths = ['page', 'dir/', 'dir/page', 'a/../b/', 'a/./', '%2e%2e/x/', 'x?q=/a/#/b', 'd/#f/'];
    for (let i = 0; i < 3000; i++) {
      const base = `${next(2) ? 'https' : 'http'}://${hosts[next(hosts.length)]}/${paths[next(paths.length)]}`;
      let link = starts[next(starts.length)]!;
      for (let j = next(8); j > 0; j--) link += chars[next(chars.length)];
      expect(actual(link, base), `${JSON.stringify(link)} against ${JSON.stringify(base)}`).toEqual(expected(link, base));
    }
  });

  it('keeps at most LINK_MEMO_MAX entries and stays correct past it', () => {
    for (let i = 0; i < LINK_MEMO_MAX * 2 + 10; i++) {
      const link = `/p/${i}.html`;
      expect(resolveLink(link, 'http://many.example/x').href).toBe(`http://many.example${link}`);
    }
    expect(resolveLink('/p/1.html', 'http://many.example/y').href).toBe('http://many.example/p/1.html');
  });

  it('is what followAll() and urljoin() use: same URLs and hostnames across pages of a site', () => {
    const html = '<a href="/p/1.html">1</a><a href="/p/2.html?x=1#f">2</a><a href="//cdn.example/i.png">i</a>';
    for (const page of ['http://shop.example/', 'http://shop.example/p/9.html', 'https://shop.example/']) {
      const response = new HtmlResponse(page, { body: html });
      const requests = response.followAll({ css: 'a' });
      const scheme = page.slice(0, page.indexOf(':'));
      expect(requests.map((r) => r.url)).toEqual([`${scheme}://shop.example/p/1.html`, `${scheme}://shop.example/p/2.html?x=1#f`, `${scheme}://cdn.example/i.png`]);
      expect(requests.map((r) => r.hostname)).toEqual(['shop.example', 'shop.example', 'cdn.example']);
      expect(response.urljoin('/p/1.html')).toBe(`${scheme}://shop.example/p/1.html`);
    }
  });

  it('honours <base href> (the memo is keyed by the base in effect)', () => {
    const response = new HtmlResponse('http://shop.example/p/9.html', { body: '<base href="https://other.example:8443/d/"><a href="/x">x</a>' });
    expect(response.followAll({ css: 'a' }).map((r) => r.url)).toEqual(['https://other.example:8443/x']);
  });
});
