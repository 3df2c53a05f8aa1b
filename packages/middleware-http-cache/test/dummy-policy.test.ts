import { ConfigError, createResponse, Request } from '@crawl/core';
import { describe, expect, it } from 'vitest';
import { DUMMY_POLICY_DEFAULTS, dummyPolicy } from '../src/index.js';

describe('dummyPolicy', () => {
  it('caches every request but ignored schemes, every response but ignored codes, and is always fresh and valid', () => {
    const p = dummyPolicy({ ignoreHttpCodes: [404, 500] });
    const req = new Request('http://a.test/', { headers: { 'Cache-Control': 'no-store, no-cache' } });
    expect(p.shouldCacheRequest(req)).toBe(true);
    expect(p.shouldCacheRequest(new Request('file:///tmp/x'))).toBe(false);
    expect(p.shouldCacheResponse(createResponse(req.url, { status: 200, headers: { 'Cache-Control': 'no-store' } }), req)).toBe(true);
    expect(p.shouldCacheResponse(createResponse(req.url, { status: 404 }), req)).toBe(false);
    expect(p.shouldCacheResponse(createResponse(req.url, { status: 304 }), req)).toBe(true);
    const old = createResponse(req.url, { headers: { Date: 'Thu, 01 Jan 1970 00:00:00 GMT', 'Cache-Control': 'no-cache, max-age=0' } });
    expect(p.isCachedResponseFresh(old, req)).toBe(true);
    expect(p.isCachedResponseValid(old, createResponse(req.url, { status: 200 }), req)).toBe(true);
    expect([...req.headers].map(([n]) => n)).toEqual(['Cache-Control']);
  });

  it('has Scrapy defaults and rejects bad options', () => {
    expect(DUMMY_POLICY_DEFAULTS).toEqual({ ignoreSchemes: ['file'], ignoreHttpCodes: [] });
    expect(dummyPolicy({ ignoreSchemes: [] }).shouldCacheRequest(new Request('file:///tmp/x'))).toBe(true);
    expect(() => dummyPolicy({ ignoreHttpCodes: [99] })).toThrow(/ignoreHttpCodes must be an array of HTTP status codes/);
    expect(() => dummyPolicy({ alwaysStore: true } as never)).toThrow(ConfigError);
  });
});
