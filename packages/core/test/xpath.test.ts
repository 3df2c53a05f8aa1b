import { describe, expect, it } from 'vitest';
import { createResponse, NotSupported, Request, Response, SelectorError, XmlResponse } from '../src/index.js';

const html = `<!doctype html><html><head><title> Shop &amp; Co </title></head><body>
<h1 class="top big">Books <small>all</small></h1>
<!-- listing -->
<ul><li><a href="/a">A</a></li><li><a href="b.html" class="x">B</a></li><li><a href="#top">T</a></li></ul>
<p class="price">£51.77</p><img src="img/1.png"></body></html>`;

const response = () => createResponse('http://shop.test/cat/index.html', { headers: { 'Content-Type': 'text/html; charset=utf-8' }, body: html });

describe('xpath() on HTML', () => {
  it('returns text() and @attr results as strings, elements as markup', () => {
    const r = response();
    expect(r.xpath('//title/text()').get()).toBe(' Shop & Co ');
    expect(r.xpath('//h1/text()').getall()).toEqual(['Books ']);
    expect(r.xpath('//h1//text()').getall()).toEqual(['Books ', 'all']);
    expect(r.xpath('//a/@href').getall()).toEqual(['/a', 'b.html', '#top']);
    expect(r.xpath('//a[@class="x"]').get()).toBe('<a href="b.html" class="x">B</a>');
    expect(r.xpath('//comment()').get()).toBe('<!-- listing -->');
    expect(r.xpath('//missing/text()').get()).toBeUndefined();
    expect(r.xpath('//missing/text()').get('none')).toBe('none');
  });

  it('gives scalar results as parsel prints them', () => {
    const r = response();
    expect(r.xpath('count(//li)').get()).toBe('3.0');
    expect(r.xpath('count(//li) div 2').get()).toBe('1.5');
    expect(r.xpath('boolean(//img)').get()).toBe('1');
    expect(r.xpath('boolean(//video)').get()).toBe('0');
    expect(r.xpath('normalize-space(//title)').get()).toBe('Shop & Co');
    expect(r.xpath('name(//*[@src])').get()).toBe('img');
  });

  it('runs relative to each element of a SelectorList, and absolute paths from the document', () => {
    const r = response();
    expect(r.xpath('//li').getall()).toHaveLength(3);
    expect([...r.xpath('//li')].map((li) => li.xpath('./a/text()').get())).toEqual(['A', 'B', 'T']);
    expect(r.xpath('//li').xpath('a/@href').getall()).toEqual(['/a', 'b.html', '#top']);
    expect(r.xpath('//li').at(1).xpath('//a/text()').getall()).toEqual(['A', 'B', 'T']);
    expect(r.xpath('//li[2]').xpath('following-sibling::li/a/text()').getall()).toEqual(['T']);
    expect(r.xpath('//li[3]').xpath('preceding::a/text()').getall()).toEqual(['A', 'B']);
    expect(r.xpath('//small').xpath('ancestor::*/@class').getall()).toEqual(['top big']);
  });

  it('mixes with css() on the same parsed document', () => {
    const r = response();
    expect(r.css('li').xpath('./a/@href').getall()).toEqual(['/a', 'b.html', '#top']);
    expect(r.xpath('//ul').css('a.x::text').get()).toBe('B');
    const $ = r.$;
    r.xpath('//a');
    expect(r.$).toBe($);
    expect(r.follow(r.xpath('//a[@class="x"]')).url).toBe('http://shop.test/cat/b.html');
    expect(r.followAll(r.xpath('//li/a/@href')).map((q) => q.url)).toEqual(['http://shop.test/a', 'http://shop.test/cat/b.html', 'http://shop.test/cat/index.html#top']);
  });

  it('returns nodes in document order without duplicates', () => {
    const r = response();
    expect(r.xpath('//a[@href="#top"] | //h1 | //a[1]').xpath('name()').getall()).toEqual(['h1', 'a', 'a', 'a']);
    expect(r.xpath('//a/@href | //a/@class').getall()).toEqual(['/a', 'b.html', 'x', '#top']);
  });

  it("supports parsel's re: (EXSLT) and has-class() extensions, and variables", () => {
    const r = response();
    expect(r.xpath('//a[re:test(@href, "^[a-z]+\\.html$")]/text()').getall()).toEqual(['B']);
    expect(r.xpath('//a[re:test(text(), "^t$", "i")]/@href').get()).toBe('#top');
    expect(r.xpath('re:replace(//p, "[^0-9.]", "g", "")').get()).toBe('51.77');
    expect(r.xpath('//h1[has-class("big", "top")]/small/text()').get()).toBe('all');
    expect(r.xpath('//h1[has-class("big", "other")]').get()).toBeUndefined();
    expect(r.xpath('//a[@href=$href]/text()', { variables: { href: 'b.html' } }).get()).toBe('B');
    expect(r.xpath('//p/text()').re(/£([\d.]+)/)).toEqual(['51.77']);
  });

  it('is case-sensitive like lxml (htmlparser2 lower-cases HTML tag names)', () => {
    expect(response().xpath('//H1').length).toBe(0);
  });

  it('reports a bad query with SelectorError naming it', () => {
    const r = response();
    expect(() => r.xpath('//a[')).toThrow(SelectorError);
    expect(() => r.xpath('//a[')).toThrow(/Invalid XPath "\/\/a\["/);
    expect(() => r.xpath('//x:a')).toThrow(/XPath "\/\/x:a" failed/);
    expect(() => r.css('a[')).toThrow(SelectorError);
  });

  it('is not available on binary responses', () => {
    const r = new Response('http://a.test/x.png', { body: new Uint8Array([1]), request: new Request('http://a.test/x.png') });
    expect(() => r.xpath('//a')).toThrow(NotSupported);
  });
});

describe('xpath() on XML', () => {
  const sitemap = `<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:image="http://www.google.com/schemas/sitemap-image/1.1">
<url><loc>http://a.test/1</loc><image:image><image:loc>http://a.test/1.png</image:loc></image:image></url>
<url><loc>http://a.test/2</loc><lastmod>2024-01-01</lastmod></url>
</urlset>`;

  it('matches un-prefixed names without registering the default namespace', () => {
    const x = createResponse('http://a.test/sitemap.xml', { body: sitemap });
    expect(x).toBeInstanceOf(XmlResponse);
    expect(x.xpath('//url/loc/text()').getall()).toEqual(['http://a.test/1', 'http://a.test/2']);
    expect(x.xpath('count(//url[lastmod])').get()).toBe('1.0');
  });

  it("resolves the document's own prefixes, or the ones given", () => {
    const x = createResponse('http://a.test/sitemap.xml', { body: sitemap });
    expect(x.xpath('//image:loc/text()').getall()).toEqual(['http://a.test/1.png']);
    expect(x.xpath('//img:loc/text()', { namespaces: { img: 'http://www.google.com/schemas/sitemap-image/1.1' } }).getall()).toEqual(['http://a.test/1.png']);
    expect(x.xpath('//img:loc', { namespaces: { img: 'urn:other' } }).length).toBe(0);
    expect(x.xpath('//urlset/@*').length).toBe(0);
  });

  it('reads CDATA as text and RSS media: prefixes', () => {
    const x = createResponse('http://a.test/feed.xml', {
      body: '<?xml version="1.0"?><rss xmlns:media="http://search.yahoo.com/mrss/"><item><title><![CDATA[A & <b>]]></title><media:content url="u1"/></item></rss>',
    });
    expect(x.xpath('//title/text()').get()).toBe('A & <b>');
    expect(x.xpath('string(//item)').get()).toBe('A & <b>');
    expect(x.xpath('//media:content/@url').get()).toBe('u1');
    expect(x.xpath('//item/*').length).toBe(2);
  });
});
