import { ConfigError, createResponse } from '@crawl/core';
import { handlers, startTestServer, type TestServer } from '@crawl/test-servers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IGNORED_EXTENSIONS, LINK_EXTRACTOR_DEFAULTS, linkExtractor, type LinkExtractorOptions } from '../src/index.js';
import { fromCrawl } from './crawl-helper.js';

const PAGE = `<!DOCTYPE html><html><head><title>t</title></head><body>
<div id="nav"><a href="/about.html">About <b>us</b></a> <a href=" /contact.html ">Contact</a></div>
<div class="content">
  <a href="item/1.html">Item 1</a>
  <a href="item/2.html#reviews" rel="nofollow noopener">Item 2 reviews</a>
  <a href="item/2.html#specs">Item 2 specs</a>
  <a href="item/1.html">Item 1 again</a>
  <a href="/files/report.pdf">Report</a>
  <a href="/files/archive.ZIP">Archive</a>
  <a href="javascript:void(0)">JS</a>
  <a href="mailto:someone@example.com">Mail</a>
  <a href="http://other.example/page">Other</a>
  <a href="http://sub.other.example/page">Sub other</a>
  <a href="http://[bogus">Bogus</a>
  <area href="/map-area.html">
  <link href="/style-link.html">
  <img src="/image-src.html" data-href="/data-href.html">
  <a href="/q?b=2&a=1">Query</a>
  <a href="/q?a=1&b=2">Query sorted</a>
</div></body></html>`;

let server: TestServer;
let base: string;
beforeAll(async () => {
  server = await startTestServer({
    routes: {
      'GET /page/index.html': handlers.html(PAGE),
      'GET /based.html': handlers.html('<html><head><base href="/elsewhere/"></head><body><a href="x.html">x</a></body></html>'),
      'GET /plain.txt': handlers.text('<a href="/not-a-link">no</a>'),
    },
  });
  base = server.url;
});
afterAll(() => server.close());

async function urls(options: LinkExtractorOptions, path = '/page/index.html'): Promise<string[]> {
  const le = linkExtractor(options);
  return fromCrawl(`${base}${path}`, (r) => le.extractLinks(r).map((l) => l.url.replace(base, '')));
}

describe('linkExtractor() on a loopback site', () => {
  it('extracts a and area hrefs with defaults: absolute, deduplicated, skipping javascript:/mailto:, bogus URLs and binary extensions', async () => {
    const le = linkExtractor();
    const links = await fromCrawl(`${base}/page/index.html`, (r) => le.extractLinks(r));
    const rel = links.map((l) => ({ ...l, url: l.url.replace(base, '') }));
    expect(rel.map((l) => l.url)).toEqual([
      '/about.html',
      '/contact.html',
      '/page/item/1.html',
      '/page/item/2.html#reviews',
      '/page/item/2.html#specs',
      'http://other.example/page',
      'http://sub.other.example/page',
      '/map-area.html',
      '/q?b=2&a=1',
      '/q?a=1&b=2',
    ]);
    expect(rel[0]).toEqual({ url: '/about.html', text: 'About us', fragment: '', nofollow: false });
    expect(rel[3]).toEqual({ url: '/page/item/2.html#reviews', text: 'Item 2 reviews', fragment: 'reviews', nofollow: true });
    expect(rel[2]?.text).toBe('Item 1');
    expect(rel[7]).toEqual({ url: '/map-area.html', text: '', fragment: '', nofollow: false });
  });

  it('allow and deny are regexes searched in the absolute URL; deny wins', async () => {
    expect(await urls({ allow: '/item/' })).toEqual(['/page/item/1.html', '/page/item/2.html#reviews', '/page/item/2.html#specs']);
    expect(await urls({ allow: [/item\/1/, 'about'], deny: /about/ })).toEqual(['/page/item/1.html']);
    expect(await urls({ allow: new RegExp('item', 'g') })).toHaveLength(3);
  });

  it('allowDomains and denyDomains match the domain and its subdomains', async () => {
    expect(await urls({ allowDomains: 'other.example' })).toEqual(['http://other.example/page', 'http://sub.other.example/page']);
    expect(await urls({ denyDomains: ['sub.other.example', '127.0.0.1'] })).toEqual(['http://other.example/page']);
  });

  it('denyExtensions defaults to IGNORED_EXTENSIONS (case-insensitive) and [] keeps everything', async () => {
    expect(IGNORED_EXTENSIONS).toContain('pdf');
    expect(LINK_EXTRACTOR_DEFAULTS.denyExtensions).toBe(IGNORED_EXTENSIONS);
    const all = await urls({ denyExtensions: [] });
    expect(all).toContain('/files/report.pdf');
    expect(all).toContain('/files/archive.ZIP');
    const noPdf = await urls({ denyExtensions: ['.pdf'] });
    expect(noPdf).not.toContain('/files/report.pdf');
    expect(noPdf).toContain('/files/archive.ZIP');
  });

  it('restrictCss and restrictXpath limit extraction to regions', async () => {
    expect(await urls({ restrictCss: '#nav' })).toEqual(['/about.html', '/contact.html']);
    expect(await urls({ restrictXpath: '//div[@id="nav"]' })).toEqual(['/about.html', '/contact.html']);
    expect(await urls({ restrictCss: ['#nav', '#nav a:first-child'] })).toEqual(['/about.html', '/contact.html']);
    expect(await urls({ restrictCss: '#missing' })).toEqual([]);
  });

  it('restrictText filters by link text', async () => {
    expect(await urls({ restrictText: /^Item 2/ })).toEqual(['/page/item/2.html#reviews', '/page/item/2.html#specs']);
  });

  it('tags and attrs choose where links come from', async () => {
    expect(await urls({ tags: ['img', 'link'], attrs: ['src', 'data-href', 'href'] })).toEqual(['/style-link.html', '/image-src.html', '/data-href.html']);
    expect(await urls({ tags: 'area' })).toEqual(['/map-area.html']);
  });

  it('canonicalize sorts queries and drops fragments, and then deduplicates', async () => {
    const got = await urls({ canonicalize: true });
    expect(got).toContain('/page/item/2.html');
    expect(got).not.toContain('/page/item/2.html#reviews');
    expect(got.filter((u) => u.startsWith('/q'))).toEqual(['/q?a=1&b=2']);
    expect(got.filter((u) => u === '/page/item/2.html')).toHaveLength(1);
  });

  it('unique: false keeps duplicates', async () => {
    const got = await urls({ unique: false });
    expect(got.filter((u) => u === '/page/item/1.html')).toHaveLength(2);
  });

  it('processValue rewrites or drops values, and a relative result is resolved against the response URL', async () => {
    const got = await urls({
      processValue: (v) => (v.includes('about') ? null : v.includes('contact') ? 'rewritten.html' : v),
      restrictCss: '#nav',
    });
    expect(got).toEqual(['/page/rewritten.html']);
  });

  it('stripWhitespace: false is accepted; the WHATWG URL parser strips HTML whitespace around URLs anyway', async () => {
    expect(await urls({ stripWhitespace: false, restrictCss: '#nav' })).toEqual(['/about.html', '/contact.html']);
  });

  it('resolves against <base href>', async () => {
    expect(await urls({}, '/based.html')).toEqual(['/elsewhere/x.html']);
  });

  it('returns [] for a response that is not HTML or XML', async () => {
    expect(await urls({}, '/plain.txt')).toEqual([]);
  });

  it('matches() applies allow/deny and domains to a URL', () => {
    const le = linkExtractor({ allow: '/item/', deny: 'draft', allowDomains: 'example.com' });
    expect(le.matches('https://www.example.com/item/1')).toBe(true);
    expect(le.matches('https://www.example.com/item/draft')).toBe(false);
    expect(le.matches('https://other.com/item/1')).toBe(false);
    expect(le.matches('not a url')).toBe(false);
  });
});

describe('options validation', () => {
  it('rejects unknown keys and bad values with ConfigError naming the option', () => {
    expect(() => linkExtractor({ alow: 'x' } as never)).toThrow(ConfigError);
    expect(() => linkExtractor({ alow: 'x' } as never)).toThrow(/alow/);
    expect(() => linkExtractor({ allow: '(' })).toThrow(/allow.*invalid regular expression/);
    expect(() => linkExtractor({ tags: 3 } as never)).toThrow(/tags/);
    expect(() => linkExtractor({ unique: 'yes' } as never)).toThrow(/unique/);
    expect(() => linkExtractor({ processValue: 'x' } as never)).toThrow(/processValue/);
  });
});

describe('robustness', () => {
  it('walks a pathologically deep document without overflowing the stack', () => {
    const depth = 20_000;
    const html = `<html><body>${'<div>'.repeat(depth)}<a href="/deep">deep</a>${'</div>'.repeat(depth)}</body></html>`;
    const response = createResponse('http://127.0.0.1/deep.html', { headers: { 'content-type': 'text/html' }, body: html });
    expect(linkExtractor().extractLinks(response).map((l) => l.url)).toEqual(['http://127.0.0.1/deep']);
  });
});
