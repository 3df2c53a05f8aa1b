import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError, createResponse, FormNotFoundError, FormRequest, NotSupported, Request, Response, TextResponse, type FromResponseOptions } from '../src/index.js';

/** Expected requests computed by Scrapy itself: fixtures/gen-forms.py. */
interface FormCase {
  name: string;
  html: string;
  url: string;
  encoding: string;
  options?: FromResponseOptions & { dontClick?: boolean };
  deviation?: string;
  ours?: Partial<Expected>;
  expected: Expected;
}
interface Expected {
  method: string;
  url: string;
  body: string;
  contentType: string | null;
}
const table = JSON.parse(readFileSync(new URL('./fixtures/forms.json', import.meta.url), 'utf8')) as { scrapy: string; cases: FormCase[] };

function page(html: string, url = 'http://www.example.com/forms/page.html', encoding = 'utf-8') {
  return createResponse(url, { headers: { 'Content-Type': `text/html; charset=${encoding}` }, body: Buffer.from(html, encoding === 'utf-8' ? 'utf8' : 'latin1'), request: new Request(url) });
}


describe(`FormRequest.fromResponse matches Scrapy ${table.scrapy}'s from_response`, () => {
  it.each(table.cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const body = c.encoding === 'utf-8' ? new TextEncoder().encode(c.html) : legacyBytes(c.html, c.encoding);
    const response = createResponse(c.url, { headers: { 'Content-Type': `text/html; charset=${c.encoding}` }, body, request: new Request(c.url) });
    const request = FormRequest.fromResponse(response, c.options ?? {});
    const expected = { ...c.expected, ...(c.ours ?? {}) };
    expect(request).toBeInstanceOf(FormRequest);
    expect(request.method).toBe(expected.method);
    expect(request.url).toBe(expected.url);
    expect(new TextDecoder().decode(request.body)).toBe(expected.body);
    expect(request.headers.get('content-type') ?? null).toBe(expected.contentType);
  });
});

/** The fixture HTML in cp1252 or Shift_JIS, encoded by decoding every byte sequence once (TextDecoder is the reference). */
function legacyBytes(html: string, encoding: string): Uint8Array {
  const decoder = new TextDecoder(encoding === 'cp1252' ? 'windows-1252' : encoding);
  const single = new Map<string, number[]>();
  for (let b = 0; b < 0x80; b++) single.set(String.fromCharCode(b), [b]);
  if (encoding === 'cp1252') for (let b = 0xa0; b <= 0xff; b++) single.set(String.fromCharCode(b), [b]);
  else {
    for (let lead = 0x81; lead <= 0xfc; lead++)
      for (let trail = 0x40; trail <= 0xfc; trail++) {
        const s = decoder.decode(new Uint8Array([lead, trail]));
        if (s.length === 1 && s !== '\ufffd' && !single.has(s)) single.set(s, [lead, trail]);
      }
  }
  const out: number[] = [];
  for (const ch of html) {
    const bytes = single.get(ch);
    if (!bytes) throw new Error(`fixture character ${ch} not encodable in ${encoding}`);
    out.push(...bytes);
  }
  return Uint8Array.from(out);
}

describe('FormRequest.fromResponse', () => {
  const two = '<form name="search" id="s" action="/s"><input name="q"></form><form name="login" method="post" action="/login"><input name="u"></form>';

  it('passes request options through and keeps the subclass', () => {
    class MyForm<K extends object = Record<string, unknown>> extends FormRequest<K> {}
    const cb = () => undefined;
    const r = MyForm.fromResponse(page(two), { formname: 'login', formdata: { u: 'me' }, callback: cb, cbKwargs: { step: 2 }, meta: { m: 1 }, headers: { 'X-A': '1' }, priority: 5, dontFilter: true });
    expect(r).toBeInstanceOf(MyForm);
    expect(r.url).toBe('http://www.example.com/login');
    expect(new TextDecoder().decode(r.body)).toBe('u=me');
    expect(r.callback).toBe(cb);
    expect(r.cbKwargs).toEqual({ step: 2 });
    expect(r.meta).toEqual({ m: 1 });
    expect(r.headers.get('x-a')).toBe('1');
    expect(r.priority).toBe(5);
    expect(r.dontFilter).toBe(true);
  });

  it('names what it looked for when the form is missing', () => {
    const catchError = (fn: () => unknown): Error => {
      try {
        fn();
      } catch (e) {
        return e as Error;
      }
      throw new Error('no error');
    };
    const none = catchError(() => FormRequest.fromResponse(page('<p>no forms</p>')));
    expect(none).toBeInstanceOf(FormNotFoundError);
    expect(none.message).toBe('No <form> element found in <200 http://www.example.com/forms/page.html>');

    const number = catchError(() => FormRequest.fromResponse(page(two), { formname: 'nope', formid: 'gone', formnumber: 5 }));
    expect(number).toBeInstanceOf(FormNotFoundError);
    expect(number.message).toBe('Form number 5 not found (and no form named "nope", no form with id "gone") in <200 http://www.example.com/forms/page.html>, which has 2 forms');

    const xpath = catchError(() => FormRequest.fromResponse(page(two), { formxpath: '//div' }));
    expect(xpath).toBeInstanceOf(FormNotFoundError);
    expect(xpath.message).toMatch(/^No <form> element found with XPath \/\/div in <200 /);

    const css = catchError(() => FormRequest.fromResponse(page(two), { formname: 'x', formcss: 'p.nothing' }));
    expect(css).toBeInstanceOf(FormNotFoundError);
    expect(css.message).toMatch(/^No <form> element found with CSS p\.nothing \(and no form named "x"\) in <200 /);
  });

  it('rejects bad options with ConfigError naming them', () => {
    expect(() => FormRequest.fromResponse(page(two), { formNumber: 1 } as never)).toThrow(ConfigError);
    expect(() => FormRequest.fromResponse(page(two), { formNumber: 1 } as never)).toThrow(/unknown option "formNumber"/);
    expect(() => FormRequest.fromResponse(page(two), { formnumber: 1.5 })).toThrow(/formnumber must be an integer/);
    expect(() => FormRequest.fromResponse(page(two), { formdata: 'a=1' as never })).toThrow(/formdata should be an object or an iterable of \[key, value\] pairs/);
    expect(() => FormRequest.fromResponse(page(two), { formdata: [['a']] as never })).toThrow(/formdata should be/);
    expect(() => FormRequest.fromResponse(page(two), { formcss: 'a[' })).toThrow(/invalid formcss "a\["/);
  });

  it('reports clickdata that matches nothing or several controls', () => {
    const html = '<form><input type=submit name=a value=1><input type=submit name=b value=2></form>';
    expect(() => FormRequest.fromResponse(page(html), { clickdata: { name: 'zzz' } })).toThrow(/no clickable element matching clickdata: \{"name":"zzz"\}/);
    expect(() => FormRequest.fromResponse(page(html), { clickdata: { type: 'submit' } })).toThrow(/multiple elements \(2\) match the criteria in clickdata/);
    expect(() => FormRequest.fromResponse(page(html), { clickdata: { nr: 7 } })).toThrow(ConfigError);
  });

  it('parses a plain-text response as HTML, and refuses a binary one', () => {
    const text = new TextResponse('http://a.test/f', { headers: { 'Content-Type': 'text/plain' }, body: '<form method=post action=x><input name=a value=1></form>' });
    expect(new TextDecoder().decode(FormRequest.fromResponse(text).body)).toBe('a=1');
    expect(() => FormRequest.fromResponse(new Response('http://a.test/x.png', { body: new Uint8Array([0]) }))).toThrow(NotSupported);
  });

  it('encodes fields in an explicit formEncoding', () => {
    const r = FormRequest.fromResponse(page('<form method=post><input name=a value="é"></form>'), { formEncoding: 'iso-8859-1' });
    expect(new TextDecoder().decode(r.body)).toBe('a=%E9');
  });
});
