import { describe, expect, expectTypeOf, it } from 'vitest';
import { ConfigError, FormRequest, JsonRequest, Request, type Failure } from '../src/index.js';

const text = (r: Request<any>) => new TextDecoder().decode(r.body);

describe('JsonRequest (Scrapy semantics)', () => {
  it('serialises data with sorted keys, POST, and JSON headers', () => {
    const r = new JsonRequest('http://a.test/api', { data: { b: 1, a: { d: [3, { z: 1, y: 2 }], c: 'é' } } });
    expect(r.method).toBe('POST');
    expect(text(r)).toBe('{"a":{"c":"é","d":[3,{"y":2,"z":1}]},"b":1}');
    expect(r.headers.get('content-type')).toBe('application/json');
    expect(r.headers.get('accept')).toBe('application/json, text/javascript, */*; q=0.01');
  });

  it('keeps headers the caller set', () => {
    const r = new JsonRequest('http://a.test/api', { data: {}, headers: { 'Content-Type': 'application/vnd.api+json' } });
    expect(r.headers.get('content-type')).toBe('application/vnd.api+json');
  });

  it('method rules: GET without data, explicit method kept, empty data still POST', () => {
    expect(new JsonRequest('http://a.test/api').method).toBe('GET');
    expect(new JsonRequest('http://a.test/api').body.byteLength).toBe(0);
    expect(new JsonRequest('http://a.test/api', { data: { a: 1 }, method: 'PUT' }).method).toBe('PUT');
    expect(new JsonRequest('http://a.test/api', { data: [] }).method).toBe('POST');
    expect(text(new JsonRequest('http://a.test/api', { data: [] }))).toBe('[]');
    expect(text(new JsonRequest('http://a.test/api', { data: null }))).toBe('null');
  });

  it('body wins over data, and the method then stays GET', () => {
    const r = new JsonRequest('http://a.test/api', { body: 'raw', data: { a: 1 } });
    expect(text(r)).toBe('raw');
    expect(r.method).toBe('GET');
    expect(new JsonRequest('http://a.test/api', { body: '', data: { a: 1 } }).method).toBe('GET');
  });

  it('dumpsOptions: space, replacer function, allow-list and unsorted keys', () => {
    expect(text(new JsonRequest('http://a.test/', { data: { b: 1, a: 2 }, dumpsOptions: { space: 2 } }))).toBe('{\n  "a": 2,\n  "b": 1\n}');
    expect(text(new JsonRequest('http://a.test/', { data: { b: 1, a: 2 }, dumpsOptions: { sortKeys: false } }))).toBe('{"b":1,"a":2}');
    const dropSecrets = (key: string, value: unknown) => (key === 'secret' ? undefined : value);
    expect(text(new JsonRequest('http://a.test/', { data: { user: { secret: 's', name: 'n' }, secret: 1 }, dumpsOptions: { replacer: dropSecrets } }))).toBe('{"user":{"name":"n"}}');
    expect(text(new JsonRequest('http://a.test/', { data: { b: 1, a: { b: 2, c: 3 } }, dumpsOptions: { replacer: ['b', 'a'] } }))).toBe('{"a":{"b":2},"b":1}');
    expect(text(new JsonRequest('http://a.test/', { data: { when: new Date(0) } }))).toBe('{"when":"1970-01-01T00:00:00.000Z"}');
    expect(() => new JsonRequest('http://a.test/', { data: 1, dumpsOptions: { indent: 2 } as never })).toThrow(ConfigError);
    expect(() => new JsonRequest('http://a.test/', { data: 1, dumpsOptions: { indent: 2 } as never })).toThrow(/unknown dumpsOptions key "indent"/);
  });

  it('replace({ data }) re-serialises with the same dumpsOptions; body still wins', () => {
    const r = new JsonRequest('http://a.test/api', { data: { a: 1 }, dumpsOptions: { space: 1 } });
    const r2 = r.replace({ data: { y: 2, x: 1 } });
    expect(r2).toBeInstanceOf(JsonRequest);
    expect(text(r2)).toBe('{\n "x": 1,\n "y": 2\n}');
    expect((r2 as JsonRequest).dumpsOptions).toEqual({ space: 1 });
    expect(r2.method).toBe('POST');
    expect(text(r.replace({ data: { a: 2 }, body: 'given' }))).toBe('given');
    expect(text(r.replace({ data: { b: 1, a: 1 }, dumpsOptions: { sortKeys: false } }))).toBe('{"b":1,"a":1}');
    expect(text(r.replace({ url: 'http://a.test/other' }))).toBe('{\n "a": 1\n}');
  });
});

describe('copy()', () => {
  it('is an equal, independent request of the same class', () => {
    const cb = () => undefined;
    const r = new JsonRequest('http://a.test/api', { data: { a: 1 }, meta: { m: { deep: 1 } }, cbKwargs: { k: 1 }, callback: cb, priority: 2, flags: ['f'], internal: { retryTimes: 1 } });
    const c = r.copy();
    expect(c).toBeInstanceOf(JsonRequest);
    expect(c).not.toBe(r);
    expect([c.url, c.method, text(c), c.callback, c.priority, c.flags, c.internal, c.cbKwargs]).toEqual([r.url, r.method, text(r), cb, 2, ['f'], { retryTimes: 1 }, { k: 1 }]);
    c.meta['added'] = true;
    c.cbKwargs['k'] = 2;
    c.headers.set('X-New', '1');
    expect(r.meta).toEqual({ m: { deep: 1 } });
    expect(r.cbKwargs).toEqual({ k: 1 });
    expect(r.headers.has('x-new')).toBe(false);
    // Like Python's dict copy, nested values are shared.
    expect(c.meta['m']).toBe(r.meta['m']);
    expect(new FormRequest('http://a.test/', { formdata: { a: 'b' } }).copy()).toBeInstanceOf(FormRequest);
  });
});

describe('callback and errback types', () => {
  it('types cbKwargs for the callback and failure.request.cbKwargs for the errback', () => {
    const seen: string[] = [];
    const r = new Request('http://a.test/', {
      cbKwargs: { mainUrl: 'http://a.test/list', page: 2 },
      callback: (_response, kwargs) => {
        expectTypeOf(kwargs.mainUrl).toEqualTypeOf<string>();
        seen.push(kwargs.mainUrl);
      },
      errback: (failure) => {
        expectTypeOf(failure.request.cbKwargs.page).toEqualTypeOf<number>();
        expectTypeOf(failure).toMatchTypeOf<Failure>();
        seen.push(`${failure.request.cbKwargs.mainUrl}#${failure.request.cbKwargs.page}`);
      },
    });
    void r.errback!({ request: r, error: new Error('x') });
    expect(seen).toEqual(['http://a.test/list#2']);
  });
});
