import { createResponse, Request } from '@crawl/core';
import { fakeCrawler } from '@crawl/testing';
import { describe, expect, it } from 'vitest';
import { redirect } from '../src/index.js';

function hop(from: Request, location: string, settings: Record<string, unknown> = {}) {
  const crawler = fakeCrawler({ settings: settings as never, settingDefaults: redirect().defaultSettings as Record<string, unknown> });
  const mw = redirect();
  mw.open?.(crawler);
  const response = createResponse(from.url, { status: 302, headers: { Location: location }, request: from });
  return mw.processResponse!(from, response, crawler) as Request;
}

describe('Referer on redirect hops (Scrapy RefererMiddleware.request_scheduled)', () => {
  it('drops the Referer of an https page when the redirect goes to http (scrapy-default policy)', () => {
    const next = hop(new Request('https://a.test/start', { headers: { Referer: 'https://a.test/page' } }), 'http://b.test/target');
    expect(next.url).toBe('http://b.test/target');
    expect(next.headers.has('Referer')).toBe(false);
  });

  it('keeps it for an https target, trims it under a stricter meta policy, and never invents one', () => {
    const keep = hop(new Request('https://a.test/start', { headers: { Referer: 'https://a.test/page?q=1' } }), 'https://b.test/target');
    expect(keep.headers.get('Referer')).toBe('https://a.test/page?q=1');
    const strict = hop(
      new Request('https://a.test/start', { headers: { Referer: 'https://a.test/page?q=1' }, meta: { referrerPolicy: 'origin' } }),
      'https://b.test/target',
    );
    expect(strict.headers.get('Referer')).toBe('https://a.test/');
    const none = hop(new Request('https://a.test/start'), 'https://b.test/target');
    expect(none.headers.has('Referer')).toBe(false);
  });
});
