import { describe, expect, it } from 'vitest';
import { createResponse, HtmlResponse, NotSupported, Request, Response, TextResponse, XmlResponse } from '../src/index.js';

const html = `<!doctype html><html><head><title> Shop </title></head><body>
<h1>Books <small>all</small></h1>
<ul><li><a href="/a">A</a></li><li><a href="b.html" class="x">B</a></li><li><a href="#top">T</a></li></ul>
<p class="price">£51.77</p><img src="img/1.png"></body></html>`;

function htmlResponse(body: string, url = 'http://shop.test/cat/index.html', headers: Record<string, string> = { 'Content-Type': 'text/html; charset=utf-8' }) {
  return createResponse(url, { headers, body, request: new Request(url, { meta: { k: 1 } }) });
}

describe('response types', () => {
  it.each([
    [{ 'Content-Type': 'text/html' }, '<p>x</p>', 'http://a.test/', HtmlResponse],
    [{ 'Content-Type': 'application/xhtml+xml' }, '<p/>', 'http://a.test/', HtmlResponse],
    [{ 'Content-Type': 'application/rss+xml' }, '<rss/>', 'http://a.test/', XmlResponse],
    [{ 'Content-Type': 'text/xml' }, '<a/>', 'http://a.test/', XmlResponse],
    [{ 'Content-Type': 'application/json' }, '{}', 'http://a.test/', TextResponse],
    [{ 'Content-Type': 'text/plain' }, 'hi', 'http://a.test/', TextResponse],
    [{ 'Content-Type': 'image/png' }, '\x89PNG', 'http://a.test/x.png', Response],
    [{ 'Content-Type': 'application/octet-stream' }, '<html><body>x', 'http://a.test/page', HtmlResponse],
    [{}, '<?xml version="1.0"?><a/>', 'http://a.test/feed', XmlResponse],
    [{}, 'plain words', 'http://a.test/readme', TextResponse],
    [{}, '\x00\x01\x02binary', 'http://a.test/blob', Response],
    [{}, 'x', 'http://a.test/sitemap.xml', XmlResponse],
    [{ 'Content-Disposition': 'attachment; filename="data.json"' }, '{}', 'http://a.test/dl', TextResponse],
  ])('%j + body -> class', (headers, body, url, cls) => {
    const r = createResponse(url, { headers, body: Buffer.from(body, 'latin1') });
    expect(r.constructor).toBe(cls);
  });

  it('binary responses refuse text methods with NotSupported', () => {
    const r = new Response('http://a.test/x.png', { body: new Uint8Array([1, 2]) });
    expect(() => r.text).toThrow(NotSupported);
    expect(() => r.css('a')).toThrow(NotSupported);
    expect(() => r.meta).toThrow(/not tied to a request/);
    expect(r.urljoin('y.png')).toBe('http://a.test/y.png');
  });
});

describe('selectors', () => {
  const r = htmlResponse(html);

  it('supports ::text, descendant ::text and ::attr()', () => {
    expect(r.css('title::text').get()).toBe(' Shop ');
    expect(r.css('h1::text').getall()).toEqual(['Books ']);
    expect(r.css('h1 ::text').getall()).toEqual(['Books ', 'all']);
    expect(r.css('a::attr(href)').getall()).toEqual(['/a', 'b.html', '#top']);
    expect(r.css('a.x::attr(href), p.price::text').getall()).toEqual(['b.html', '£51.77']);
    expect(r.css('.missing::text').get()).toBeUndefined();
    expect(r.css('.missing::text').get('default')).toBe('default');
  });

  it('chains, iterates, exposes attrib, re and the cheerio document', () => {
    const items = [...r.css('li')].map((li) => li.css('a::text').get());
    expect(items).toEqual(['A', 'B', 'T']);
    expect(r.css('a.x').attrib).toEqual({ href: 'b.html', class: 'x' });
    expect(r.css('p.price::text').re(/£([\d.]+)/)).toEqual(['51.77']);
    expect(r.css('li').at(-1).css('a::text').get()).toBe('T');
    expect(r.$('li').length).toBe(3);
    expect(r.css('h1').text()).toBe('Books all');
    expect(r.css('a.x').get()).toBe('<a href="b.html" class="x">B</a>');
  });

  it('parses once', () => {
    expect(r.$).toBe(r.$);
  });

  it('works on XML', () => {
    const x = createResponse('http://a.test/feed.xml', { body: '<?xml version="1.0"?><urlset><url><loc>http://a.test/1</loc></url><url><loc>http://a.test/2</loc></url></urlset>' });
    expect(x).toBeInstanceOf(XmlResponse);
    expect(x.css('loc::text').getall()).toEqual(['http://a.test/1', 'http://a.test/2']);
  });
});

describe('urljoin and follow', () => {
  it('honours <base href>', () => {
    const r = htmlResponse('<html><head><base href="http://cdn.test/root/"></head><body><a href="x">x</a></body></html>');
    expect(r.urljoin('x')).toBe('http://cdn.test/root/x');
    expect(r.follow(r.css('a')).url).toBe('http://cdn.test/root/x');
  });

  it('finds <base> in any case and tag spacing, and only a real <base> element', () => {
    const spelled = ['<BASE HREF="http://cdn.test/u/">', '<Base\nhref="http://cdn.test/u/">', '<base\thref="http://cdn.test/u/"/>', '<base/href="http://cdn.test/u/">'];
    for (const tag of spelled) expect(htmlResponse(`<html><head>${tag}</head><body></body></html>`).urljoin('x')).toBe('http://cdn.test/u/x');
    // Tags that merely start with "base", and a <base> without href, leave the page URL as base.
    for (const tag of ['<basefont href="http://cdn.test/u/">', '<base-x href="http://cdn.test/u/">', '<base target="_top">']) {
      expect(htmlResponse(`<html><head>${tag}</head><body></body></html>`).urljoin('x')).toBe('http://shop.test/cat/x');
    }
  });

  it('follows strings, anchors and attribute values without inheriting meta', () => {
    const r = htmlResponse(html);
    const cb = () => undefined;
    const req = r.follow('b.html', { callback: cb, cbKwargs: { n: 1 } });
    expect(req.url).toBe('http://shop.test/cat/b.html');
    expect(req.callback).toBe(cb);
    expect(req.cbKwargs).toEqual({ n: 1 });
    expect(req.meta).toEqual({});
    expect(r.follow(r.css('a.x')).url).toBe('http://shop.test/cat/b.html');
    expect(r.follow(r.css('img::attr(src)')).url).toBe('http://shop.test/cat/img/1.png');
    expect(r.follow(r.css('img')).url).toBe('http://shop.test/cat/img/1.png');
    expect(() => r.follow(r.css('p.price'))).toThrow(/only <a>, <area>, <link> \(href\) and <img> \(src\) elements are supported, got <p>/);
    expect(r.followAll({ css: 'a' }).map((x) => x.url)).toEqual(['http://shop.test/a', 'http://shop.test/cat/b.html', 'http://shop.test/cat/index.html#top']);
    expect(r.followAll(['x', '/y']).map((x) => x.url)).toEqual(['http://shop.test/cat/x', 'http://shop.test/y']);
  });

  it('exposes the request meta and json()', () => {
    const r = createResponse('http://a.test/api', { headers: { 'Content-Type': 'application/json' }, body: '{"a":[1]}', request: new Request('http://a.test/api', { meta: { m: 2 } }) });
    expect(r.json()).toEqual({ a: [1] });
    expect(r.meta).toEqual({ m: 2 });
  });
});

describe('encodings', () => {
  it('uses the Content-Type charset', () => {
    const body = Buffer.from('caf\xe9', 'latin1');
    const r = createResponse('http://a.test/', { headers: { 'Content-Type': 'text/plain; charset=ISO-8859-1' }, body });
    expect(r.text).toBe('café');
    expect((r as TextResponse).encoding).toBe('windows-1252');
  });

  it('sniffs <meta charset> in HTML and the XML declaration', () => {
    const sjis = new Uint8Array([0x93, 0xfa, 0x96, 0x7b]); // 日本 in Shift_JIS
    const body = Buffer.concat([Buffer.from('<html><head><meta charset="shift_jis"></head><body><p>'), sjis, Buffer.from('</p></body></html>')]);
    const r = createResponse('http://a.test/', { headers: { 'Content-Type': 'text/html' }, body });
    expect(r.css('p::text').get()).toBe('日本');
    const x = createResponse('http://a.test/f.xml', { body: Buffer.concat([Buffer.from('<?xml version="1.0" encoding="ISO-8859-1"?><a>'), Buffer.from([0xe9]), Buffer.from('</a>')]) });
    expect(x.css('a::text').get()).toBe('é');
  });

  it('prefers a BOM, then falls back to UTF-8 or windows-1252', () => {
    const bom = createResponse('http://a.test/', { headers: { 'Content-Type': 'text/plain; charset=latin1' }, body: Buffer.from('\ufeffé', 'utf8') });
    expect(bom.text).toBe('é');
    expect(createResponse('http://a.test/', { headers: { 'Content-Type': 'text/plain' }, body: Buffer.from('é', 'utf8') }).text).toBe('é');
    expect(createResponse('http://a.test/', { headers: { 'Content-Type': 'text/plain' }, body: Buffer.from([0x80, 0x41]) }).text).toBe('€A');
  });

  it('an explicit encoding wins', () => {
    const r = new TextResponse('http://a.test/', { headers: { 'Content-Type': 'text/plain; charset=utf-8' }, body: Buffer.from([0xe9]), encoding: 'latin1' });
    expect(r.text).toBe('é');
  });
});
