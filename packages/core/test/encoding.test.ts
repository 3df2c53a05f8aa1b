import { describe, expect, it } from 'vitest';
import { createResponse, encodeText, encodingFromBody, HtmlResponse, TextResponse, XmlResponse } from '../src/index.js';

const bytes = (...parts: (string | number[])[]) => Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : Buffer.from(p))));
const html = (ct: string | undefined, body: Buffer, init: { encoding?: string } = {}) =>
  new HtmlResponse('http://a.test/', { headers: ct ? { 'Content-Type': ct } : {}, body, ...init });

describe('encoding resolution order', () => {
  const e9 = bytes('<html><head><meta charset="iso-8859-7"></head><body><p>', [0xe1], '</p></body></html>');

  it('explicit encoding, then Content-Type, then the document, then inference', () => {
    expect(html('text/html; charset=koi8-r', e9, { encoding: 'windows-1251' }).encoding).toBe('windows-1251');
    expect(html('text/html; charset=koi8-r', e9).encoding).toBe('koi8-r');
    expect(html('text/html; charset=koi8-r', e9).css('p::text').get()).toBe('А');
    expect(html('text/html', e9).encoding).toBe('iso-8859-7');
    expect(html('text/html', e9).css('p::text').get()).toBe('α');
    expect(html('text/html', bytes('<p>', [0xe1], '</p>')).encoding).toBe('windows-1252');
    expect(html('text/html', Buffer.from('<p>α</p>')).encoding).toBe('utf-8');
  });

  it('ignores an unknown Content-Type charset and goes on to the next source', () => {
    const r = html('text/html; charset=no-such-charset', e9);
    expect(r.encoding).toBe('iso-8859-7');
    expect(createResponse('http://a.test/', { headers: { 'Content-Type': 'text/plain; charset=bogus' }, body: Buffer.from('é') }).text).toBe('é');
  });

  it('a byte-order mark decides the decoding, even over an explicit encoding', () => {
    const r = html('text/html; charset=iso-8859-1', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('<p>€</p>', 'utf16le')]), { encoding: 'koi8-r' });
    expect(r.encoding).toBe('utf-16le');
    expect(r.css('p::text').get()).toBe('€');
  });

  it("reads <meta http-equiv='Content-Type'> and the XML declaration", () => {
    const equiv = bytes('<html><head><META HTTP-EQUIV="content-type" CONTENT="text/html; charset=windows-1251"></head><body><p>', [0xcf, 0xf0], '</p>');
    expect(html(undefined, equiv).css('p::text').get()).toBe('Пр');
    expect(encodingFromBody(bytes("<meta content='text/html;charset=euc-kr' http-equiv='Content-Type'>"))).toBe('euc-kr');
    const xml = new XmlResponse('http://a.test/f.xml', { body: bytes("<?xml version='1.0' encoding='koi8-r'?><a>", [0xf0, 0xd2], '</a>') });
    expect(xml.xpath('//a/text()').get()).toBe('Пр');
  });

  it('takes the first declaration and stops at <body>', () => {
    expect(encodingFromBody(bytes('<meta name="viewport" content="width=device-width"><meta charset=gbk><meta charset=big5>'))).toBe('gbk');
    expect(encodingFromBody(bytes('<head></head><body><meta charset=gbk>'))).toBeUndefined();
    expect(encodingFromBody(bytes('<meta charset=unknown-thing><meta charset=gbk>'))).toBeUndefined();
    expect(encodingFromBody(bytes(' '.repeat(5000), '<meta charset=gbk>'))).toBeUndefined();
  });

  it('plain text responses do not sniff markup declarations', () => {
    const r = new TextResponse('http://a.test/x.txt', { headers: { 'Content-Type': 'text/plain' }, body: bytes('<meta charset="koi8-r"> caf', [0xc3, 0xa9]) });
    expect(r.text).toBe('<meta charset="koi8-r"> café');
  });

  it('decodes once: the text does not change if the body buffer is later mutated', () => {
    const body = Buffer.from('<p>abc</p>');
    const r = html('text/html; charset=utf-8', body);
    const first = r.text;
    body[3] = 0x7a;
    expect(r.text).toBe(first);
    expect(r.text).toBe('<p>abc</p>');
  });
});

describe('legacy encodings decode correctly', () => {
  it.each([
    ['windows-1252', [0x80, 0x93, 0x94, 0x9f, 0xe9, 0x81], '€“”Ÿé\u0081'],
    ['iso-8859-1', [0x80, 0xe9], '€é'],
    ['shift_jis', [0x93, 0xfa, 0x96, 0x7b, 0x82, 0xa0, 0xb1], '日本あｱ'],
    ['gb18030', [0xd6, 0xd0, 0xce, 0xc4, 0x81, 0x30, 0x81, 0x30, 0x94, 0x39, 0xfc, 0x36], '中文\u0080😀'],
    ['gb2312', [0xd6, 0xd0], '中'],
    ['euc-kr', [0xc7, 0xd1, 0xb1, 0xdb], '한글'],
    ['euc-jp', [0xc6, 0xfc, 0xcb, 0xdc], '日本'],
    ['big5', [0xa4, 0xa4, 0xa4, 0xe5], '中文'],
    ['koi8-r', [0xf0, 0xd2, 0xc9, 0xd7, 0xc5, 0xd4], 'Привет'],
    ['iso-8859-2', [0xa3, 0xb3, 0xe6], 'Łłć'],
    ['windows-1251', [0xcf, 0xf0, 0xe8, 0x80], 'ПриЂ'],
    ['windows-1250', [0x8a, 0x9a], 'Šš'],
    ['iso-8859-15', [0xa4], '€'],
  ])('%s', (charset, raw, expected) => {
    const r = createResponse('http://a.test/', { headers: { 'Content-Type': `text/plain; charset=${charset}` }, body: Buffer.from(raw) });
    expect(r.text).toBe(expected);
  });
});

describe('encodeText (form fields in the page encoding)', () => {
  it.each([
    ['utf-8', 'é€', [0xc3, 0xa9, 0xe2, 0x82, 0xac]],
    ['windows-1252', 'é€Ÿ', [0xe9, 0x80, 0x9f]],
    ['latin1', '€', [0x80]],
    ['iso-8859-2', 'Łł', [0xa3, 0xb3]],
    ['shift_jis', '日本あｱ', [0x93, 0xfa, 0x96, 0x7b, 0x82, 0xa0, 0xb1]],
    ['euc-kr', '한글', [0xc7, 0xd1, 0xb1, 0xdb]],
    ['gbk', '中€', [0xd6, 0xd0, 0x80]],
    ['koi8-r', 'Привет', [0xf0, 0xd2, 0xc9, 0xd7, 0xc5, 0xd4]],
    ['windows-1252', 'a☃b', [0x61, ...Buffer.from('&#9731;'), 0x62]],
    ['utf-16le', 'é', [0xc3, 0xa9]],
    ['no-such-encoding', 'é', [0xc3, 0xa9]],
  ])('%s: %s', (encoding, text, expected) => {
    expect([...encodeText(text, encoding)]).toEqual(expected);
  });
});
