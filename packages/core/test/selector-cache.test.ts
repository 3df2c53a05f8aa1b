import { describe, expect, it } from 'vitest';
import { createResponse, type HtmlResponse, type XmlResponse } from '../src/index.js';

// response.css() answers whole-document queries with selectors compiled once and kept; cheerio's
// own `$(selector)` compiles them on every call. Both must find the same nodes, in the same order.

const page = `<!DOCTYPE html><html><head><title>T</title><base target="_self"></head><body>
<!-- a comment --><div id="main" class="box Wide"><h1 class="product-title">Name</h1>
<p class="price">9</p><p>second</p><ul><li>a</li><li class="x">b</li><li>c</li></ul>
<a href="/p/1.html">one</a><a href="javascript:void(0)">js</a><a HREF="/p/2.html" data-k="v">two</a>
<section><div><a href="deep.html"><img src="i.png"></a></div></section></div>
<p id="tail">tail <span>in</span></p><script>var a = "<a href='x'>";</script><svg><a href="svg.html"/></svg></body></html>`;

const htmlSelectors = [
  'h1.product-title',
  'a[href]:not([href^="javascript:"])',
  'a[HREF]',
  'A',
  'p',
  'div a',
  'div > a',
  'h1 + p',
  'h1 ~ p',
  'li:nth-child(2)',
  'li:first-child',
  'li:last-child',
  'p:not(.price)',
  'div:has(> h1)',
  'div:has(img)',
  ':is(h1, li.x)',
  'li.x, h1',
  'h1, li.x',
  'p:contains("tail")',
  'p:empty',
  '*',
  '[data-k=v]',
  '[class~="wide" i]',
  '#main .price',
  'html',
  ':root',
  'body > p#tail span',
  'svg a',
  'script',
];

function html(body = page): HtmlResponse {
  return createResponse('http://a.test/x.html', { headers: { 'Content-Type': 'text/html; charset=utf-8' }, body }) as HtmlResponse;
}

describe('compiled selector cache', () => {
  it.each(htmlSelectors)('%s finds what cheerio finds', (selector) => {
    // Twice per selector and on two documents: the second call and document use the kept matcher.
    for (const r of [html(), html(page.replace('Name', 'Other'))]) {
      for (let round = 0; round < 2; round++) {
        expect(r.css(selector).nodes()).toEqual(r.$(selector).toArray());
      }
    }
  });

  it('leaves :scope, positional pseudo-classes, escapes and markup to cheerio', () => {
    const r = html();
    for (const selector of ['li:first', 'li:eq(1)', 'li:last', 'li:odd', ':scope > html', 'li.x\\:y', 'li:nth(0)']) {
      expect(r.css(selector).nodes()).toEqual(r.$(selector).toArray());
    }
    expect(r.css('li:first').getall()).toEqual(['<li>a</li>']);
  });

  it('sees changes made to the document through response.$ between queries', () => {
    const r = html();
    expect(r.css('section a').length).toBe(1);
    expect(r.css('div div a').length).toBe(1);
    r.$('section a').remove();
    r.$('#tail').append('<a href="late.html">late</a>');
    expect(r.css('section a').length).toBe(0);
    expect(r.css('div div a').length).toBe(0);
    expect(r.css('p a::attr(href)').getall()).toEqual(['late.html']);
    expect(r.css('p a').nodes()).toEqual(r.$('p a').toArray());
    // New top-level nodes are searched too.
    r.$.root().append('<a href="top.html">top</a>');
    expect(r.css('a::attr(href)').getall()).toContain('top.html');
    expect(r.css('a').nodes()).toEqual(r.$('a').toArray());
  });

  it('keeps HTML and XML matchers apart (tag case)', () => {
    const xml = createResponse('http://a.test/f.xml', { headers: { 'Content-Type': 'application/xml' }, body: '<?xml version="1.0"?><Root><Item>1</Item><item>2</item></Root>' }) as XmlResponse;
    expect(html('<html><body><Item>1</Item><item>2</item></body></html>').css('item::text').getall()).toEqual(['1', '2']);
    expect(xml.css('item::text').getall()).toEqual(['2']);
    expect(xml.css('Item::text').getall()).toEqual(['1']);
    expect(html('<html><body><Item>1</Item></body></html>').css('Item::text').getall()).toEqual(['1']);
  });

  it('answers queries below elements and serialises elements as the document\'s own cheerio does', () => {
    const r = html();
    for (const [outer, inner] of [['div', 'a'], ['ul', 'li:first'], ['ul', 'li:eq(1)'], ['div#main', '> p'], ['h1', '+ p'], ['div', 'a, img'], ['section, div', 'a']] as const) {
      expect(r.css(outer).css(inner).nodes()).toEqual(r.$(outer).find(inner).toArray());
    }
    for (const selector of ['h1', 'li', 'ul', 'img', 'script', 'svg a', 'p#tail']) {
      expect(r.css(selector).getall()).toEqual(r.$(selector).toArray().map((el) => r.$.html(el)));
    }
    const xml = createResponse('http://a.test/f.xml', { headers: { 'Content-Type': 'application/xml' }, body: '<?xml version="1.0"?><r><item id="1"/><item>&amp; two</item><br></br></r>' }) as XmlResponse;
    for (const selector of ['item', 'br', 'r']) {
      expect(xml.css(selector).getall()).toEqual(xml.$(selector).toArray().map((el) => xml.$.html(el)));
    }
    expect(xml.css('item').getall()).toEqual(['<item id="1"/>', '<item>&amp; two</item>']);
  });

  it('finds through the tag index what a walk of the document finds (implied, unclosed, upper-case, foreign elements)', () => {
    const messy = `<HTML><Body><P>one<P>two <B>bold<I>both</B> italic</I><TABLE><TR><TD>cell<TD><A href=a>x</A></TABLE>
<p><div>block in p</div></p><svg viewBox="0 0 1 1"><foreignObject><P>in svg</P></foreignObject><clipPath/></svg>
<select><option>1<option selected>2</select><br/><BR></body></html>`;
    const selectors = ['p', 'P', 'td', 'tr', 'tbody td', 'a', 'b i', 'i', 'div', 'option[selected]', 'option:last-child', 'br', 'foreignobject p', 'clippath', 'svg *', 'body p:not(:first-child)', 'html', 'body'];
    for (const selector of selectors) {
      const r = html(messy);
      const indexed = r.css(selector).nodes();
      expect(indexed, selector).toEqual(r.$(selector).toArray());
      // After response.$ the document is walked; both ways agree.
      expect(r.css(selector).nodes(), selector).toEqual(indexed);
    }
  });

  it('stops trusting the tag index once response.$ may have changed the document', () => {
    const r = html();
    expect(r.css('img').length).toBe(1);
    r.$('section').append('<img src="added.png">');
    expect(r.css('img::attr(src)').getall()).toEqual(['i.png', 'added.png']);
    expect(r.css('a').nodes()).toEqual(r.$('a').toArray());
  });

  it('finds <base href> in a parsed page from its index and in an unparsed page from its text', () => {
    const body = '<html><head><BASE HREF="/sub/"></head><body><a href="x.html">x</a></body></html>';
    const parsed = html(body);
    expect(parsed.css('a::attr(href)').get()).toBe('x.html');
    expect(parsed.urljoin('x.html')).toBe('http://a.test/sub/x.html');
    expect(html(body).urljoin('x.html')).toBe('http://a.test/sub/x.html');
    const none = html('<html><body><a href="y.html">y</a></body></html>');
    expect(none.css('a').length).toBe(1);
    expect(none.urljoin('y.html')).toBe('http://a.test/y.html');
  });

  it('reports invalid selectors as before', () => {
    const r = html();
    for (const selector of ['a[', 'p:unknown-pseudo', '!!']) {
      expect(() => r.css(selector)).toThrow(/Invalid CSS selector/);
    }
  });
});

describe('response.releaseDocument()', () => {
  it('drops the parsed document; the next query parses the body again with the same results', () => {
    const r = html();
    const before = r.css('a::attr(href)').getall();
    const node = r.css('h1').nodes()[0];
    r.releaseDocument();
    expect(r.css('h1').nodes()[0] === node).toBe(false);
    expect(r.css('a::attr(href)').getall()).toEqual(before);
    expect(r.urljoin('x')).toBe('http://a.test/x');
  });

  it('keeps a document cheerio was handed out for', () => {
    const r = html();
    r.$('h1').text('edited');
    r.releaseDocument();
    expect(r.css('h1::text').get()).toBe('edited');
  });
});
