import { ConfigError, createResponse, Request, type Response } from '@crawl/core';
import { describe, expect, it } from 'vitest';
import { RFC2616_POLICY_DEFAULTS, rfc2616Policy, type Rfc2616PolicyOptions } from '../src/index.js';

// Every case runs at a fixed now: 2024-03-01T12:00:00Z.
const NOW = Date.UTC(2024, 2, 1, 12, 0, 0);
const S = NOW / 1000;
const http = (secs: number): string => new Date(secs * 1000).toUTCString();

function policy(options: Omit<Rfc2616PolicyOptions, 'now'> = {}) {
  return rfc2616Policy({ ...options, now: () => NOW });
}
function response(headers: Record<string, string | string[]>, status = 200): Response {
  return createResponse('http://a.test/page', { status, headers: { 'Content-Type': 'text/html', ...headers }, body: '<html></html>' });
}
function request(headers: Record<string, string> = {}, url = 'http://a.test/page'): Request {
  return new Request(url, { headers });
}

describe('rfc2616Policy freshness lifetime', () => {
  it('takes max-age first, over Expires', () => {
    const p = policy();
    expect(p.freshnessLifetime(response({ 'Cache-Control': 'max-age=3600', Date: http(S), Expires: http(S + 60) }))).toBe(3600);
    expect(p.freshnessLifetime(response({ 'Cache-Control': 'public, max-age=0' }))).toBe(0);
    // A negative max-age counts as 0; an unparsable one is ignored (then Expires applies).
    expect(p.freshnessLifetime(response({ 'Cache-Control': 'max-age=-5' }))).toBe(0);
    expect(p.freshnessLifetime(response({ 'Cache-Control': 'max-age=soon', Date: http(S), Expires: http(S + 90) }))).toBe(90);
    expect(p.freshnessLifetime(response({ 'Cache-Control': 'max-age= 120 ' }))).toBe(120);
  });

  it('takes Expires - Date next: 0 when Expires is earlier or invalid', () => {
    const p = policy();
    expect(p.freshnessLifetime(response({ Date: http(S - 100), Expires: http(S + 500) }))).toBe(600);
    expect(p.freshnessLifetime(response({ Date: http(S), Expires: http(S - 500) }))).toBe(0);
    expect(p.freshnessLifetime(response({ Date: http(S), Expires: '0' }))).toBe(0);
    expect(p.freshnessLifetime(response({ Date: http(S), Expires: 'Thu, 01 Jan 1970 00:00:00 GMT' }))).toBe(0);
    // No Date: measured from now.
    expect(p.freshnessLifetime(response({ Expires: http(S + 250) }))).toBe(250);
  });

  it('falls back to 10% of Date - Last-Modified (Firefox heuristic)', () => {
    const p = policy();
    const tenDays = 10 * 86400;
    expect(p.freshnessLifetime(response({ Date: http(S), 'Last-Modified': http(S - tenDays) }))).toBe(86400);
    expect(p.freshnessLifetime(response({ Date: http(S - 50), 'Last-Modified': http(S - 1050) }))).toBe(100);
    // Last-Modified equal to Date: 0; after Date: no heuristic, and a 200 gets 0.
    expect(p.freshnessLifetime(response({ Date: http(S), 'Last-Modified': http(S) }))).toBe(0);
    expect(p.freshnessLifetime(response({ Date: http(S), 'Last-Modified': http(S + 1000) }))).toBe(0);
  });

  it('gives 300, 301 and 308 a year without other information, and other statuses 0', () => {
    const p = policy();
    for (const status of [300, 301, 308]) expect(p.freshnessLifetime(response({}, status))).toBe(31_536_000);
    for (const status of [200, 302, 307, 404]) expect(p.freshnessLifetime(response({}, status))).toBe(0);
  });

  it('ignores the response directives listed in ignoreResponseCacheControls', () => {
    const p = policy({ ignoreResponseCacheControls: ['max-age'] });
    expect(p.freshnessLifetime(response({ 'Cache-Control': 'max-age=3600', Date: http(S), Expires: http(S + 60) }))).toBe(60);
  });
});

describe('rfc2616Policy current age', () => {
  it('is now - Date, or the Age header when larger', () => {
    const p = policy();
    expect(p.currentAge(response({ Date: http(S - 300) }))).toBe(300);
    expect(p.currentAge(response({ Date: http(S - 300), Age: '1000' }))).toBe(1000);
    expect(p.currentAge(response({ Date: http(S - 300), Age: '10' }))).toBe(300);
    expect(p.currentAge(response({ Date: http(S - 300), Age: 'old' }))).toBe(300);
    // A Date in the future (clock skew) and a missing Date both give 0.
    expect(p.currentAge(response({ Date: http(S + 300) }))).toBe(0);
    expect(p.currentAge(response({}))).toBe(0);
    expect(p.currentAge(response({ Age: '42' }))).toBe(42);
  });
});

describe('rfc2616Policy isCachedResponseFresh', () => {
  it('is fresh while age < lifetime (max-age)', () => {
    const p = policy();
    expect(p.isCachedResponseFresh(response({ 'Cache-Control': 'max-age=600', Date: http(S - 599) }), request())).toBe(true);
    expect(p.isCachedResponseFresh(response({ 'Cache-Control': 'max-age=600', Date: http(S - 600) }), request())).toBe(false);
  });

  it('is fresh until Expires', () => {
    const p = policy();
    expect(p.isCachedResponseFresh(response({ Date: http(S - 100), Expires: http(S + 1) }), request())).toBe(true);
    expect(p.isCachedResponseFresh(response({ Date: http(S - 100), Expires: http(S) }), request())).toBe(false);
  });

  it('is fresh for 10% of the Last-Modified age', () => {
    const p = policy();
    // Modified 1000 s before Date: fresh for 100 s after Date.
    expect(p.isCachedResponseFresh(response({ Date: http(S - 99), 'Last-Modified': http(S - 1099) }), request())).toBe(true);
    expect(p.isCachedResponseFresh(response({ Date: http(S - 100), 'Last-Modified': http(S - 1100) }), request())).toBe(false);
  });

  it('counts the Age header', () => {
    const p = policy();
    expect(p.isCachedResponseFresh(response({ 'Cache-Control': 'max-age=600', Date: http(S), Age: '599' }), request())).toBe(true);
    expect(p.isCachedResponseFresh(response({ 'Cache-Control': 'max-age=600', Date: http(S), Age: '600' }), request())).toBe(false);
  });

  it("caps the lifetime with the request's max-age", () => {
    const p = policy();
    const cached = response({ 'Cache-Control': 'max-age=3600', Date: http(S - 100) });
    expect(p.isCachedResponseFresh(cached, request({ 'Cache-Control': 'max-age=101' }))).toBe(true);
    expect(p.isCachedResponseFresh(cached, request({ 'Cache-Control': 'max-age=100' }))).toBe(false);
    expect(p.isCachedResponseFresh(cached, request({ 'Cache-Control': 'max-age=0' }))).toBe(false);
  });

  it('is never fresh with no-cache in the response or the request, and sets no validators then', () => {
    const p = policy();
    const cached = response({ 'Cache-Control': 'max-age=3600, no-cache', Date: http(S), ETag: '"a"' });
    const req = request();
    expect(p.isCachedResponseFresh(cached, req)).toBe(false);
    expect(req.headers.has('if-none-match')).toBe(false);
    const fresh = response({ 'Cache-Control': 'max-age=3600', Date: http(S), ETag: '"a"' });
    const noCache = request({ 'Cache-Control': 'no-cache' });
    expect(p.isCachedResponseFresh(fresh, noCache)).toBe(false);
    expect(noCache.headers.has('if-none-match')).toBe(false);
    // Ignored response directives do not count.
    expect(policy({ ignoreResponseCacheControls: ['no-cache'] }).isCachedResponseFresh(cached, request())).toBe(true);
  });

  it('accepts stale responses with a request max-stale: any age without a value, by at most N seconds with one', () => {
    const p = policy();
    // Lifetime 600, age 900: stale by 300.
    const cached = () => response({ 'Cache-Control': 'max-age=600', Date: http(S - 900), ETag: '"v"' });
    expect(p.isCachedResponseFresh(cached(), request({ 'Cache-Control': 'max-stale' }))).toBe(true);
    expect(p.isCachedResponseFresh(cached(), request({ 'Cache-Control': 'max-stale=301' }))).toBe(true);
    expect(p.isCachedResponseFresh(cached(), request({ 'Cache-Control': 'max-stale=300' }))).toBe(false);
    // A negative value counts as 0, a bad one is ignored.
    expect(p.isCachedResponseFresh(cached(), request({ 'Cache-Control': 'max-stale=-5' }))).toBe(false);
    expect(p.isCachedResponseFresh(cached(), request({ 'Cache-Control': 'max-stale=lots' }))).toBe(false);
    // must-revalidate in the response overrides max-stale.
    const strict = response({ 'Cache-Control': 'max-age=600, must-revalidate', Date: http(S - 900) });
    expect(p.isCachedResponseFresh(strict, request({ 'Cache-Control': 'max-stale' }))).toBe(false);
  });

  it('adds If-Modified-Since and If-None-Match from the stale response', () => {
    const p = policy();
    const lastModified = http(S - 86400);
    const req = request();
    const stale = response({ Date: http(S - 10_000), 'Last-Modified': lastModified, ETag: ['"old"', '"new"'] });
    expect(p.isCachedResponseFresh(stale, req)).toBe(false);
    expect(req.headers.get('if-modified-since')).toBe(lastModified);
    // Scrapy's Headers.get gives the last value.
    expect(req.headers.get('if-none-match')).toBe('"new"');
    const bare = request();
    expect(p.isCachedResponseFresh(response({ Date: http(S - 1) }), bare)).toBe(false);
    expect([...bare.headers]).toEqual([]);
  });
});

describe('rfc2616Policy shouldCacheRequest / shouldCacheResponse', () => {
  it('skips ignored schemes and requests with no-store', () => {
    const p = policy();
    expect(p.shouldCacheRequest(request())).toBe(true);
    expect(p.shouldCacheRequest(request({ 'Cache-Control': 'no-store' }))).toBe(false);
    expect(p.shouldCacheRequest(request({}, 'file:///tmp/x.html'))).toBe(false);
    expect(policy({ ignoreSchemes: ['HTTP'] }).shouldCacheRequest(request())).toBe(false);
    expect(policy({ ignoreSchemes: [] }).shouldCacheRequest(request({}, 'file:///tmp/x.html'))).toBe(true);
  });

  it("follows Scrapy's storability rules", () => {
    const p = policy();
    const req = request();
    const cases: [Record<string, string>, number, boolean][] = [
      [{ 'Cache-Control': 'max-age=60, no-store' }, 200, false],
      [{ 'Cache-Control': 'max-age=60' }, 304, false],
      [{ 'Cache-Control': 'max-age=60' }, 500, true],
      [{ Expires: http(S + 60) }, 404, true],
      [{ Expires: 'garbage' }, 200, true],
      [{}, 300, true],
      [{}, 301, true],
      [{}, 308, true],
      [{ ETag: '"x"' }, 200, true],
      [{ 'Last-Modified': http(S) }, 203, true],
      [{ ETag: '"x"' }, 401, true],
      [{}, 200, false],
      [{ ETag: '"x"' }, 302, false],
      [{ ETag: '"x"' }, 404, false],
      [{}, 500, false],
    ];
    for (const [headers, status, expected] of cases) {
      expect(p.shouldCacheResponse(response(headers, status), req), `${status} ${JSON.stringify(headers)}`).toBe(expected);
    }
  });

  it('stores everything but no-store and 304 with alwaysStore', () => {
    const p = policy({ alwaysStore: true });
    expect(p.shouldCacheResponse(response({}, 200), request())).toBe(true);
    expect(p.shouldCacheResponse(response({}, 500), request())).toBe(true);
    expect(p.shouldCacheResponse(response({ 'Cache-Control': 'no-store' }), request())).toBe(false);
    expect(p.shouldCacheResponse(response({}, 304), request())).toBe(false);
  });

  it('stores a no-store response when no-store is an ignored directive', () => {
    const p = policy({ ignoreResponseCacheControls: ['No-Store'] });
    expect(p.shouldCacheResponse(response({ 'Cache-Control': 'no-store, max-age=60' }), request())).toBe(true);
    // Request directives are never filtered.
    expect(p.shouldCacheRequest(request({ 'Cache-Control': 'no-store' }))).toBe(false);
  });

  it('reads every Cache-Control line of a response', () => {
    const p = policy();
    const r = createResponse('http://a.test/', { headers: [['Cache-Control', 'no-store'], ['Cache-Control', 'max-age=60']] });
    expect(p.shouldCacheResponse(r, request())).toBe(false);
  });
});

describe('rfc2616Policy isCachedResponseValid', () => {
  it('keeps the cached response on 304, and on 5xx unless it said must-revalidate', () => {
    const p = policy();
    const cached = response({ 'Cache-Control': 'max-age=0' });
    const strict = response({ 'Cache-Control': 'max-age=0, must-revalidate' });
    expect(p.isCachedResponseValid(cached, response({}, 304), request())).toBe(true);
    expect(p.isCachedResponseValid(cached, response({}, 200), request())).toBe(false);
    expect(p.isCachedResponseValid(cached, response({}, 404), request())).toBe(false);
    expect(p.isCachedResponseValid(cached, response({}, 503), request())).toBe(true);
    expect(p.isCachedResponseValid(strict, response({}, 503), request())).toBe(false);
    expect(p.isCachedResponseValid(strict, response({}, 304), request())).toBe(true);
  });
});

describe('rfc2616Policy options', () => {
  it('has Scrapy defaults and rejects bad options with a ConfigError', () => {
    expect(RFC2616_POLICY_DEFAULTS).toEqual({ ignoreSchemes: ['file'], alwaysStore: false, ignoreResponseCacheControls: [] });
    expect(() => rfc2616Policy({ ignoreHttpCodes: [404] } as never)).toThrow(/rfc2616Policy: unknown option "ignoreHttpCodes"/);
    expect(() => rfc2616Policy({ alwaysStore: 1 as never })).toThrow(ConfigError);
    expect(() => rfc2616Policy({ ignoreSchemes: ['file:'] })).toThrow(/ignoreSchemes must be an array of URL schemes without ':'/);
    expect(() => rfc2616Policy({ ignoreResponseCacheControls: ['no store'] })).toThrow(/ignoreResponseCacheControls/);
    expect(() => rfc2616Policy({ now: 5 as never })).toThrow(/now must be a function/);
  });

  it('uses the real clock by default', () => {
    const p = rfc2616Policy();
    const r = createResponse('http://a.test/', { headers: { Date: new Date(Date.now() - 120_000).toUTCString() } });
    expect(p.currentAge(r)).toBeGreaterThanOrEqual(119);
    expect(p.currentAge(r)).toBeLessThan(3600);
  });
});
