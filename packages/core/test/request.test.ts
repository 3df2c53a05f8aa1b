import { describe, expect, it } from 'vitest';
import { FormRequest, Headers, InvalidUrlError, JsonRequest, Request } from '../src/index.js';

describe('Request', () => {
  it('normalises the URL and defaults', () => {
    const r = new Request('HTTP://Example.COM/a b?x=1');
    expect(r.url).toBe('http://example.com/a%20b?x=1');
    expect(r.method).toBe('GET');
    expect(r.priority).toBe(0);
    expect(r.dontFilter).toBe(false);
    expect(r.body.byteLength).toBe(0);
    expect(r.hostname).toBe('example.com');
    expect(r.scheme).toBe('http');
    expect(String(r)).toBe('<GET http://example.com/a%20b?x=1>');
  });

  it.each([
    ['', /empty URL/],
    ['/relative/path', /missing scheme/],
    ['example.com/page', /missing scheme/],
    ['http://', /malformed URL|missing host/],
    ['http://exa mple.com/', /malformed URL/],
  ])('rejects %j with a typed error naming the URL', (url, reason) => {
    let error: unknown;
    try {
      new Request(url);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidUrlError);
    expect((error as InvalidUrlError).message).toMatch(reason);
    expect((error as InvalidUrlError).url).toBe(url);
  });

  it('rejects bad methods, callbacks and priorities', () => {
    expect(() => new Request('http://a.test/', { method: 'GE T' })).toThrow(/Invalid HTTP method/);
    expect(() => new Request('http://a.test/', { callback: 'parse' as never })).toThrow(/callback must be a function/);
    expect(() => new Request('http://a.test/', { priority: Number.NaN })).toThrow(/priority/);
  });

  it('keeps case-insensitive multi-value headers', () => {
    const r = new Request('http://a.test/', { headers: { Accept: 'text/html', 'X-Multi': ['1', '2'] } });
    expect(r.headers.get('accept')).toBe('text/html');
    expect(r.headers.getAll('x-multi')).toEqual(['1', '2']);
    expect(r.headers.get('X-MULTI')).toBe('1, 2');
    expect([...r.headers]).toEqual([
      ['Accept', 'text/html'],
      ['X-Multi', '1'],
      ['X-Multi', '2'],
    ]);
    expect(() => r.headers.set('X-Bad', 'a\r\nInjected: 1')).toThrow(/CR, LF/);
  });

  it('replace() copies and overrides, keeping internal state but not sharing it', () => {
    const cb = () => undefined;
    const r = new Request('http://a.test/', { meta: { a: 1 }, callback: cb, priority: 3, internal: { retryTimes: 1 } });
    const r2 = r.replace({ url: 'http://b.test/', dontFilter: true });
    expect(r2.url).toBe('http://b.test/');
    expect(r2.callback).toBe(cb);
    expect(r2.priority).toBe(3);
    expect(r2.dontFilter).toBe(true);
    expect(r2.meta).toEqual({ a: 1 });
    expect(r2.meta).not.toBe(r.meta);
    expect(r2.internal).toEqual({ retryTimes: 1 });
    r2.headers.set('X', '1');
    expect(r.headers.has('X')).toBe(false);
    expect(r.replace({ callback: undefined }).callback).toBeUndefined();
  });

  it('a request built from response meta carries no framework state', () => {
    const r = new Request('http://a.test/', { meta: { user: 'x' }, internal: { retryTimes: 2, proxyAuth: 'secret' } });
    const fresh = new Request('http://a.test/next', { meta: r.meta });
    expect(fresh.meta).toEqual({ user: 'x' });
    expect(fresh.internal).toEqual({});
  });
});

describe('FormRequest and JsonRequest', () => {
  it('url-encodes formdata into a POST body, keeping repeated keys', () => {
    const r = new FormRequest('http://a.test/post', { formdata: [['a', '1'], ['a', '2'], ['b', 'x y']] });
    expect(r.method).toBe('POST');
    expect(new TextDecoder().decode(r.body)).toBe('a=1&a=2&b=x+y');
    expect(r.headers.get('content-type')).toBe('application/x-www-form-urlencoded');
  });

  it('puts GET formdata in the query string', () => {
    const r = new FormRequest('http://a.test/s?q=1', { method: 'GET', formdata: { page: [2, 3] } });
    expect(r.url).toBe('http://a.test/s?q=1&page=2&page=3');
    expect(r.body.byteLength).toBe(0);
  });

  it('serialises JSON data', () => {
    const r = new JsonRequest('http://a.test/api', { data: { x: [1, 'é'] } });
    expect(r.method).toBe('POST');
    expect(JSON.parse(new TextDecoder().decode(r.body))).toEqual({ x: [1, 'é'] });
    expect(r.headers.get('content-type')).toBe('application/json');
    expect(new JsonRequest('http://a.test/api').method).toBe('GET');
  });

  it('replace() keeps the subclass', () => {
    const r = new JsonRequest('http://a.test/api', { data: { a: 1 } });
    const r2 = r.replace({ url: 'http://a.test/other' });
    expect(r2).toBeInstanceOf(JsonRequest);
    expect(new TextDecoder().decode(r2.body)).toBe('{"a":1}');
  });
});

describe('Headers', () => {
  it('setDefault only sets absent headers', () => {
    const h = new Headers({ 'User-Agent': 'mine' });
    expect(h.setDefault('user-agent', 'other')).toBe(false);
    expect(h.setDefault('Accept', '*/*')).toBe(true);
    expect(h.toJSON()).toEqual({ 'user-agent': 'mine', accept: '*/*' });
  });
});
