import { describe, expect, it } from 'vitest';
import { createResponse, InvalidUrlError, Request, SelectorError } from '../src/index.js';

const body = `<html><head><base href="http://cdn.test/root/"></head><body>
<a href=" page-1.html\n">one</a>
<a href="javascript:void(0)">js</a><a href="MAILTO:me@shop.test">mail</a><a href="tel:+123">call</a><a href="data:text/plain,hi">data</a>
<a name="anchor-without-href">x</a><area href="/area"><link href="/style.css">
<img src="img/1.png"><img alt="no src"><div>not a link</div><a href="#top">top</a>
</body></html>`;
const page = () => createResponse('http://shop.test/cat/index.html', { headers: { 'Content-Type': 'text/html' }, body, request: new Request('http://shop.test/cat/index.html') });

describe('follow() and followAll()', () => {
  it('uses href for <a>, <area> and <link>, src for <img>, stripping whitespace, against <base>', () => {
    const r = page();
    expect(r.follow(r.css('a')).url).toBe('http://cdn.test/root/page-1.html');
    expect(r.follow(r.css('area')).url).toBe('http://cdn.test/area');
    expect(r.follow(r.css('link')).url).toBe('http://cdn.test/style.css');
    expect(r.follow(r.xpath('//img')).url).toBe('http://cdn.test/root/img/1.png');
    expect(r.follow(r.css('img::attr(src)')).url).toBe('http://cdn.test/root/img/1.png');
  });

  it('followAll skips javascript:, mailto:, tel:, data: links and elements without a link', () => {
    const r = page();
    expect(r.followAll({ css: 'a, img, area, div' }).map((q) => q.url)).toEqual([
      'http://cdn.test/root/page-1.html',
      'http://cdn.test/area',
      'http://cdn.test/root/img/1.png',
      'http://cdn.test/root/#top',
    ]);
    expect(r.followAll({ xpath: '//a/@href' }).map((q) => q.url)).toEqual(['http://cdn.test/root/page-1.html', 'http://cdn.test/root/#top']);
    expect(r.followAll(['mailto:x@y.z', 'next.html', new URL('http://other.test/')]).map((q) => q.url)).toEqual(['http://cdn.test/root/next.html', 'http://other.test/']);
  });

  it('followAll() requests parse their URL once and still answer like requests built from the string', () => {
    const r = createResponse('https://Shop.test:8443/cat/index.html', { headers: { 'Content-Type': 'text/html' }, body: '<a href="../p/1.html#r">1</a><a href="//[::1]:9/x?q=1">v6</a><a href="http://other.test/">o</a>' });
    for (const request of r.followAll({ css: 'a' })) {
      const fromString = new Request(request.url);
      expect([request.url, request.scheme, request.hostname, request.origin, request.toURL().href]).toEqual([fromString.url, fromString.scheme, fromString.hostname, fromString.origin, fromString.toURL().href]);
    }
    expect(r.followAll({ css: 'a' }).map((q) => q.hostname)).toEqual(['shop.test', '::1', 'other.test']);
    // A request built from a string afterwards is not handed a URL parsed for another one.
    expect(new Request('http://third.test/z').hostname).toBe('third.test');
  });

  it('follow() of a mailto: link still gives a request, as in Scrapy (the downloader rejects its scheme)', () => {
    const r = page();
    const mail = r.follow(r.css('a[href^="MAILTO"]'));
    expect(mail.url).toBe('mailto:me@shop.test');
    expect(mail.scheme).toBe('mailto');
  });

  it('follow() of an element that carries no link throws SelectorError naming it', () => {
    const r = page();
    expect(() => r.follow(r.css('div'))).toThrow(SelectorError);
    expect(() => r.follow(r.css('div'))).toThrow(/got <div>/);
    expect(() => r.follow(r.css('a[name]'))).toThrow(/<a> element has no href attribute/);
    expect(() => r.follow(r.css('img[alt]'))).toThrow(/<img> element has no src attribute/);
    expect(() => r.follow(r.css('video'))).toThrow(/empty selector list/);
  });
});


describe('unresolvable URLs', () => {
  it('urljoin() and follow() throw InvalidUrlError naming the URL, not a bare TypeError', () => {
    const r = page();
    expect(() => r.urljoin('http://[bad')).toThrow(InvalidUrlError);
    // The page has a <base href>: the base named is that one.
    expect(() => r.follow('http://[bad')).toThrow(/Invalid request URL "http:\/\/\[bad": cannot be resolved against http:\/\/cdn\.test\/root\//);
  });
});
