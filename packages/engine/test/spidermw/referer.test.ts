import { ConfigError, HtmlResponse, NotConfigured, Request, type Response } from '@crawl/core';
import { describe, expect, it } from 'vitest';
import { refererMiddleware, referrerFor, parseReferrerPolicy, type ReferrerPolicyName } from '../../src/spidermw/index.js';
import { fakeCrawler, page, type FakeCrawlerOptions } from './support.js';

function setup(settings: FakeCrawlerOptions['settings'] = {}) {
  const crawler = fakeCrawler({ settings });
  const mw = refererMiddleware();
  mw.open!(crawler);
  const referer = (from: Response, to: string, meta: Record<string, unknown> = {}): string | undefined => {
    const out = mw.processSpiderOutput!(new Request(to, { meta }), from, crawler) as Request;
    return out.headers.get('referer');
  };
  return { crawler, mw, referer };
}

const HTTP_FROM = 'http://user:pw@a.test:80/page?q=1#frag';
const HTTP_FULL = 'http://a.test/page?q=1';
const HTTP_ORIGIN = 'http://a.test/';
const HTTPS_FROM = 'https://user:pw@a.test:443/p?q=1#f';
const HTTPS_FULL = 'https://a.test/p?q=1';
const HTTPS_ORIGIN = 'https://a.test/';

// [from, to] pairs: same origin, cross-origin http, https→http downgrade, https→https cross, http→https
const CASES: [string, string][] = [
  [HTTP_FROM, 'http://a.test/next'],
  [HTTP_FROM, 'http://b.test/'],
  [HTTPS_FROM, 'http://a.test/q'],
  [HTTPS_FROM, 'https://b.test/'],
  [HTTP_FROM, 'https://b.test/'],
];

const N = undefined;
const EXPECTED: Record<ReferrerPolicyName, (string | undefined)[]> = {
  'no-referrer': [N, N, N, N, N],
  'no-referrer-when-downgrade': [HTTP_FULL, HTTP_FULL, N, HTTPS_FULL, HTTP_FULL],
  'same-origin': [HTTP_FULL, N, N, N, N],
  origin: [HTTP_ORIGIN, HTTP_ORIGIN, HTTPS_ORIGIN, HTTPS_ORIGIN, HTTP_ORIGIN],
  'strict-origin': [HTTP_ORIGIN, HTTP_ORIGIN, N, HTTPS_ORIGIN, HTTP_ORIGIN],
  'origin-when-cross-origin': [HTTP_FULL, HTTP_ORIGIN, HTTPS_ORIGIN, HTTPS_ORIGIN, HTTP_ORIGIN],
  'strict-origin-when-cross-origin': [HTTP_FULL, HTTP_ORIGIN, N, HTTPS_ORIGIN, HTTP_ORIGIN],
  'unsafe-url': [HTTP_FULL, HTTP_FULL, HTTPS_FULL, HTTPS_FULL, HTTP_FULL],
  'scrapy-default': [HTTP_FULL, HTTP_FULL, N, HTTPS_FULL, HTTP_FULL],
};

describe('referrer policies', () => {
  for (const [policy, expected] of Object.entries(EXPECTED) as [ReferrerPolicyName, (string | undefined)[]][]) {
    it(`${policy}: ${expected.map((e) => e ?? 'none').join(' | ')}`, () => {
      expect(CASES.map(([from, to]) => referrerFor(policy, from, to))).toEqual(expected);
      // The same through the middleware, with the policy from the settings.
      const { referer } = setup({ referrerPolicy: policy });
      expect(CASES.map(([from, to]) => referer(page(from), to))).toEqual(expected);
    });
  }

  it('scrapy-default never sends file:, s3:, gs: or local-scheme pages as referrer; unsafe-url skips only local schemes', () => {
    for (const from of ['file:///home/me/page.html', 's3://bucket/page.html', 'gs://bucket/page.html', 'data:text/html,<a>', 'about:blank']) {
      expect(referrerFor('scrapy-default', from, 'http://a.test/'), from).toBeUndefined();
    }
    expect(referrerFor('unsafe-url', 'file:///home/me/page.html', 'http://a.test/')).toBe('file:///home/me/page.html');
    expect(referrerFor('unsafe-url', 'data:text/html,<a>', 'http://a.test/')).toBeUndefined();
  });

  it('parses the last valid token of a comma list, case-insensitively', () => {
    expect(parseReferrerPolicy('no-referrer, Unsafe-URL')).toBe('unsafe-url');
    expect(parseReferrerPolicy('origin, made-up-policy')).toBe('origin');
    expect(parseReferrerPolicy(' , ')).toBeUndefined();
    expect(parseReferrerPolicy('')).toBeUndefined();
  });
});

describe('refererMiddleware', () => {
  it("has Scrapy's order", () => {
    expect(refererMiddleware().order).toBe(700);
  });

  it('uses scrapy-default by default', () => {
    const { referer } = setup();
    expect(referer(page(HTTP_FROM), 'http://b.test/')).toBe(HTTP_FULL);
    expect(referer(page(HTTPS_FROM), 'http://b.test/')).toBeUndefined();
  });

  it('prefers meta.referrerPolicy, then the Referrer-Policy header, then the setting', () => {
    const { referer } = setup({ referrerPolicy: 'unsafe-url' });
    const withHeader = page(HTTP_FROM, { headers: { 'Referrer-Policy': 'origin' } });
    expect(referer(withHeader, 'http://b.test/', { referrerPolicy: 'no-referrer' })).toBeUndefined();
    expect(referer(withHeader, 'http://b.test/')).toBe(HTTP_ORIGIN);
    expect(referer(page(HTTP_FROM), 'http://b.test/')).toBe(HTTP_FULL);
  });

  it('takes the last valid token across the header value and repeated headers', () => {
    const { referer } = setup();
    const listed = page(HTTP_FROM, { headers: { 'Referrer-Policy': 'no-referrer, origin, not-a-policy' } });
    expect(referer(listed, 'http://b.test/')).toBe(HTTP_ORIGIN);
    const repeated = page(HTTP_FROM, { headers: [['Referrer-Policy', 'origin'], ['Referrer-Policy', 'no-referrer']] });
    expect(referer(repeated, 'http://b.test/')).toBeUndefined();
  });

  it('S14: a header value that is not a policy name is ignored and logged, and the setting applies', () => {
    for (const hostile of ['os.system', 'scrapy.spidermiddlewares.referer.UnsafeUrlPolicy', '__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
      const { referer, crawler } = setup({ referrerPolicy: 'origin' });
      const response = page(HTTP_FROM, { headers: { 'Referrer-Policy': hostile } });
      expect(referer(response, 'http://b.test/'), hostile).toBe(HTTP_ORIGIN);
      expect(referer(response, 'http://c.test/'), hostile).toBe(HTTP_ORIGIN);
      // Logged once per response, at debug.
      expect(crawler.messages('debug')).toEqual([`Ignoring unknown Referrer-Policy header ${JSON.stringify(hostile)} from ${response.url}`]);
      expect(crawler.messages('warn')).toEqual([]);
    }
  });

  it('an unknown meta value is ignored (debug) and the header is used next', () => {
    const { referer, crawler } = setup({ referrerPolicy: 'unsafe-url' });
    const response = page(HTTP_FROM, { headers: { 'Referrer-Policy': 'origin' } });
    expect(referer(response, 'http://b.test/', { referrerPolicy: 'os.system' })).toBe(HTTP_ORIGIN);
    expect(referer(response, 'http://b.test/', { referrerPolicy: 42 })).toBe(HTTP_ORIGIN);
    expect(crawler.messages('debug')).toEqual([
      'Ignoring unknown referrerPolicy "os.system" in request meta (http://b.test/)',
      'Ignoring unknown referrerPolicy 42 in request meta (http://b.test/)',
    ]);
    // Without a header, the setting.
    expect(referer(page(HTTP_FROM), 'http://b.test/', { referrerPolicy: 'bogus' })).toBe(HTTP_FULL);
  });

  it('keeps a Referer the request already has', () => {
    const { crawler, mw } = setup();
    const request = new Request('http://b.test/', { headers: { Referer: 'http://chosen.test/' } });
    const out = mw.processSpiderOutput!(request, page(HTTP_FROM), crawler) as Request;
    expect(out.headers.getAll('referer')).toEqual(['http://chosen.test/']);
  });

  it('leaves start requests and items alone', () => {
    const { crawler, mw } = setup();
    const start = new Request('http://a.test/');
    expect(mw.processSpiderOutput!(start, undefined, crawler)).toBe(start);
    expect(start.headers.has('referer')).toBe(false);
    const item = { a: 1 };
    expect(mw.processSpiderOutput!(item, page(HTTP_FROM), crawler)).toBe(item);
  });

  it('sends no referrer from a response whose URL cannot be parsed', () => {
    const { referer } = setup({ referrerPolicy: 'unsafe-url' });
    expect(referer(new HtmlResponse('not a url', { body: '' }), 'http://b.test/')).toBeUndefined();
  });

  it('is disabled with NotConfigured when refererEnabled is false', () => {
    expect(() => refererMiddleware().open!(fakeCrawler({ settings: { refererEnabled: false } }))).toThrow(NotConfigured);
  });

  it('rejects an unknown referrerPolicy setting at open, listing the valid names', () => {
    const open = () => refererMiddleware().open!(fakeCrawler({ settings: { referrerPolicy: 'my.module.Policy' } }));
    expect(open).toThrow(ConfigError);
    expect(open).toThrow(/strict-origin-when-cross-origin/);
  });
});
