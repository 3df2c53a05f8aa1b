import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { canonicalizeUrl, fingerprint, hostMatchesDomain, Request, safeUrlString, urlIsFromAnyDomain } from '../src/index.js';

describe('canonicalizeUrl (w3lib semantics)', () => {
  it.each([
    ['http://www.example.com', 'http://www.example.com/'],
    ['http://www.example.com/do?b=2&a=1', 'http://www.example.com/do?a=1&b=2'],
    ['http://www.example.com/do?a=2&a=1', 'http://www.example.com/do?a=1&a=2'],
    ['http://www.example.com/do?q=a b', 'http://www.example.com/do?q=a+b'],
    ['http://www.example.com/do?q=a%20b&x', 'http://www.example.com/do?q=a+b&x='],
    ['http://www.example.com/do?path=/x', 'http://www.example.com/do?path=%2Fx'],
    ['http://www.example.com/a%a3do', 'http://www.example.com/a%A3do'],
    ['http://www.example.com/%7Euser', 'http://www.example.com/~user'],
    ['http://www.EXAMPLE.com/page#frag', 'http://www.example.com/page'],
  ])('%s -> %s', (input, expected) => {
    expect(canonicalizeUrl(input)).toBe(expected);
  });

  it('keeps fragments on request', () => {
    expect(canonicalizeUrl('http://a.test/p#x', { keepFragments: true })).toBe('http://a.test/p#x');
  });
});

describe('fingerprint', () => {
  it("hashes Scrapy's JSON layout", () => {
    const r = new Request('http://www.example.com/query?id=111&cat=222');
    const json = '{"body": "", "headers": {}, "method": "GET", "url": "http://www.example.com/query?cat=222&id=111"}';
    expect(fingerprint(r)).toBe(createHash('sha1').update(json).digest('hex'));
  });

  it('is equal for equivalent URLs and differs by method, body and selected headers', () => {
    const a = new Request('http://a.test/x?b=1&a=2#f');
    const b = new Request('http://a.test/x?a=2&b=1');
    expect(fingerprint(a)).toBe(fingerprint(b));
    expect(fingerprint(new Request('http://a.test/x', { method: 'POST' }))).not.toBe(fingerprint(new Request('http://a.test/x')));
    expect(fingerprint(new Request('http://a.test/x', { method: 'POST', body: 'a' }))).not.toBe(fingerprint(new Request('http://a.test/x', { method: 'POST', body: 'b' })));
    const h1 = new Request('http://a.test/x', { headers: { 'X-Lang': 'en' } });
    const h2 = new Request('http://a.test/x', { headers: { 'X-Lang': 'fr' } });
    expect(fingerprint(h1)).toBe(fingerprint(h2));
    expect(fingerprint(h1, { includeHeaders: ['x-lang'] })).not.toBe(fingerprint(h2, { includeHeaders: ['x-lang'] }));
    expect(fingerprint(a, { keepFragments: true })).not.toBe(fingerprint(b, { keepFragments: true }));
  });
});

describe('domain matching', () => {
  it('matches domains and subdomains only', () => {
    expect(hostMatchesDomain('shop.a.test', 'a.test')).toBe(true);
    expect(hostMatchesDomain('A.TEST.', 'a.test')).toBe(true);
    expect(hostMatchesDomain('evila.test', 'a.test')).toBe(false);
    expect(urlIsFromAnyDomain('http://x.b.test/p', ['a.test', 'b.test'])).toBe(true);
    expect(urlIsFromAnyDomain('not a url', ['a.test'])).toBe(false);
  });
});

describe('fingerprint of plain URLs', () => {
  // Simple http(s) URLs skip canonicalisation (they are their own canonical form): the digest must
  // still be the one of the full w3lib pipeline, for them and for the near misses around them.
  const urls = [
    'http://a.test/',
    'https://shop.a.test:8443/p/000123.html',
    'http://127.0.0.1:18080/p/a-b_c.d~e/',
    'http://a.test/x#frag',
    'http://xn--bcher-kva.test/b',
    'http://a.test/with%20space',
    'http://a.test/caf%C3%A9',
    'http://a.test/a;p=1',
    'http://a.test/q?b=2&a=1',
    'http://a.test/q?',
    'http://user:pw@a.test/x',
    'http://[::1]:8080/x',
    'http://a.test/a!$&\'()*+,=:@x',
    'http://a.test/%7Euser',
    'http://a.test/a|b',
    'ftp://a.test/x',
    'http://A.TEST/UPPER/Case',
    'http://a.test:80/default-port',
  ];
  it.each(urls)('%s', (input) => {
    const request = new Request(input);
    const canonical = canonicalizeUrl(safeUrlString(request.url));
    const json = `{"body": "", "headers": {}, "method": "GET", "url": ${JSON.stringify(canonical)}}`;
    expect(fingerprint(request)).toBe(createHash('sha1').update(json).digest('hex'));
    expect(fingerprint(request, { includeHeaders: [] })).toBe(fingerprint(request));
  });
});
