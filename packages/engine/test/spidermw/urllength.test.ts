import { ConfigError, NotConfigured, Request } from '@crawl/core';
import { describe, expect, it } from 'vitest';
import { urlLengthMiddleware } from '../../src/spidermw/index.js';
import { fakeCrawler, page } from './support.js';

describe('urlLengthMiddleware', () => {
  it("has Scrapy's order and default limit of 2083", () => {
    const mw = urlLengthMiddleware();
    expect(mw.order).toBe(800);
    const crawler = fakeCrawler();
    mw.open!(crawler);
    const base = 'http://a.test/';
    const fits = new Request(base + 'x'.repeat(2083 - base.length));
    const tooLong = new Request(base + 'x'.repeat(2084 - base.length));
    expect(fits.url.length).toBe(2083);
    expect(mw.processSpiderOutput!(fits, page(base), crawler)).toBe(fits);
    expect(mw.processSpiderOutput!(tooLong, page(base), crawler)).toBeNull();
  });

  it('drops longer URLs with an info line and a stat, keeps the rest and items', () => {
    const crawler = fakeCrawler({ settings: { urlLengthLimit: 20 } });
    const mw = urlLengthMiddleware();
    mw.open!(crawler);
    const parent = page('http://a.test/');
    const short = new Request('http://a.test/abcdef'); // 20 characters
    expect(mw.processSpiderOutput!(short, parent, crawler)).toBe(short);
    expect(mw.processSpiderOutput!(new Request('http://a.test/abcdefg'), parent, crawler)).toBeNull();
    expect(mw.processSpiderOutput!(new Request('http://a.test/abcdefgh'), undefined, crawler)).toBeNull();
    const item = { url: 'x'.repeat(100) };
    expect(mw.processSpiderOutput!(item, parent, crawler)).toBe(item);
    expect(crawler.stats.get('urllength/request_ignored_count')).toBe(2);
    expect(crawler.messages('info')).toEqual([
      'Ignoring link (url length > 20): http://a.test/abcdefg',
      'Ignoring link (url length > 20): http://a.test/abcdefgh',
    ]);
  });

  it('is disabled with NotConfigured when urlLengthLimit is 0', () => {
    expect(() => urlLengthMiddleware().open!(fakeCrawler({ settings: { urlLengthLimit: 0 } }))).toThrow(NotConfigured);
  });

  it('rejects a malformed limit', () => {
    expect(() => urlLengthMiddleware().open!(fakeCrawler({ settings: { urlLengthLimit: -5 } }))).toThrow(ConfigError);
    expect(() => urlLengthMiddleware().open!(fakeCrawler({ settings: { urlLengthLimit: '100' as never } }))).toThrow(/urlLengthLimit/);
  });
});
