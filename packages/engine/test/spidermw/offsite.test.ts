import { IgnoreRequest, Request } from '@crawl/core';
import { describe, expect, it } from 'vitest';
import { offsiteDownloaderMiddleware, offsiteMiddleware } from '../../src/spidermw/index.js';
import { fakeCrawler, page } from './support.js';

function setup(allowedDomains: unknown) {
  const crawler = fakeCrawler({ spider: allowedDomains === undefined ? {} : { allowedDomains: allowedDomains as string[] } });
  const mw = offsiteMiddleware();
  mw.open!(crawler);
  const parent = page('http://example.com/');
  const passes = (url: string, options: ConstructorParameters<typeof Request>[1] = {}): boolean =>
    mw.processSpiderOutput!(new Request(url, options), parent, crawler) != null;
  return { crawler, mw, parent, passes };
}

describe('offsiteMiddleware', () => {
  it("has Scrapy's order", () => {
    expect(offsiteMiddleware().order).toBe(500);
  });

  it('allows everything without allowedDomains, or with an empty list', () => {
    for (const domains of [undefined, []]) {
      const { passes, crawler } = setup(domains);
      expect(passes('http://anything.test/')).toBe(true);
      expect(passes('data:text/plain,hi')).toBe(true);
      expect(crawler.stats.all()).toEqual({});
    }
  });

  it('allows allowed domains and their subdomains, filters the rest', () => {
    const { passes } = setup(['example.com', 'Scrapy.org']);
    for (const url of [
      'http://example.com/a',
      'https://sub.example.com/',
      'http://a.b.example.com/',
      'http://EXAMPLE.com/',
      'http://example.com:8080/',
      'http://scrapy.org/',
      'http://www.scrapy.org/',
    ]) {
      expect(passes(url), url).toBe(true);
    }
    for (const url of [
      'http://notexample.com/',
      'http://example.com.evil.test/',
      'http://evil.test/example.com',
      'http://evil.test/?u=http://example.com',
      'http://example.org/',
      'http://com/',
    ]) {
      expect(passes(url), url).toBe(false);
    }
  });

  it('passes items untouched', () => {
    const { mw, parent, crawler } = setup(['example.com']);
    const item = { url: 'http://evil.test/' };
    expect(mw.processSpiderOutput!(item, parent, crawler)).toBe(item);
  });

  it('lets dontFilter and meta.allowOffsite requests through (newest Scrapy)', () => {
    const { passes, crawler } = setup(['example.com']);
    expect(passes('http://evil.test/', { dontFilter: true })).toBe(true);
    expect(passes('http://evil.test/', { meta: { allowOffsite: true } })).toBe(true);
    expect(passes('http://evil.test/', { meta: { allowOffsite: false } })).toBe(false);
    expect(crawler.stats.get('offsite/filtered')).toBe(1);
  });

  it('filters start requests too', () => {
    const { mw, crawler } = setup(['example.com']);
    expect(mw.processSpiderOutput!(new Request('http://evil.test/'), undefined, crawler)).toBeNull();
    const ok = new Request('http://example.com/');
    expect(mw.processSpiderOutput!(ok, undefined, crawler)).toBe(ok);
  });

  it("counts 'offsite/filtered' per request and 'offsite/domains' per host, logging each host once", () => {
    const { passes, crawler } = setup(['example.com']);
    passes('http://evil.test/1');
    passes('http://evil.test/2');
    passes('http://other.test/');
    passes('data:text/plain,x');
    expect(crawler.stats.get('offsite/filtered')).toBe(4);
    expect(crawler.stats.get('offsite/domains')).toBe(2);
    expect(crawler.messages('debug')).toEqual([
      "Filtered offsite request to 'evil.test': <GET http://evil.test/1>",
      "Filtered offsite request to 'other.test': <GET http://other.test/>",
    ]);
  });

  it('warns about and ignores URL and port entries, as Scrapy does', () => {
    const { passes, crawler } = setup(['https://example.com', 'example.net:8080', 'example.org', null, '']);
    expect(crawler.messages('warn')).toEqual([
      'allowedDomains accepts only domains, not URLs. Ignoring URL entry https://example.com in allowedDomains.',
      'allowedDomains accepts only domains without ports. Ignoring entry example.net:8080 in allowedDomains.',
      'allowedDomains accepts only domain names. Ignoring entry "" in allowedDomains.',
    ]);
    expect(passes('https://example.com/')).toBe(false);
    expect(passes('http://example.net:8080/')).toBe(false);
    expect(passes('http://example.org/')).toBe(true);
  });

  it('accepts IPv6 literals, bracketed or not', () => {
    const { passes, crawler } = setup(['::1', '[fe80::1]', '127.0.0.1']);
    expect(crawler.messages('warn')).toEqual([]);
    expect(passes('http://[::1]:8080/')).toBe(true);
    expect(passes('http://[fe80::1]/')).toBe(true);
    expect(passes('http://127.0.0.1:3000/')).toBe(true);
    expect(passes('http://[::2]/')).toBe(false);
  });

  it('filters everything when no entry is usable, and says so', () => {
    const { passes, crawler } = setup(['http://example.com/']);
    expect(crawler.messages('warn')[1]).toMatch(/no usable entry/);
    expect(passes('http://example.com/')).toBe(false);
    expect(passes('http://example.com/', { dontFilter: true })).toBe(true);
  });

  it('ignores a non-array allowedDomains with a warning', () => {
    const { passes, crawler } = setup('example.com');
    expect(crawler.messages('warn')[0]).toMatch(/must be an array/);
    expect(passes('http://evil.test/')).toBe(true);
  });
});

describe('offsiteDownloaderMiddleware (S18: every hop is checked)', () => {
  function setupDownloader(allowedDomains: string[] | undefined) {
    const crawler = fakeCrawler({ spider: allowedDomains === undefined ? {} : { allowedDomains } });
    const mw = offsiteDownloaderMiddleware();
    mw.open!(crawler);
    const run = (request: Request<any>): unknown => {
      try {
        return mw.processRequest!(request, crawler);
      } catch (error) {
        return error;
      }
    };
    return { crawler, mw, run };
  }

  it("is a downloader middleware at Scrapy's order 50", () => {
    expect(offsiteDownloaderMiddleware().order).toBe(50);
  });

  it('drops a redirect hop to an off-list host with the host in the reason', () => {
    const { run, crawler } = setupDownloader(['a.test']);
    const first = new Request('http://a.test/start');
    expect(run(first)).toBeUndefined();
    // What a redirect middleware produces for `Location: http://b.test/landing`.
    const hop = first.replace({ url: 'http://b.test/landing' });
    const error = run(hop);
    expect(error).toBeInstanceOf(IgnoreRequest);
    expect((error as IgnoreRequest).message).toBe("Filtered offsite request to 'b.test': http://b.test/landing (host not in allowedDomains)");
    expect(crawler.stats.get('offsite/filtered')).toBe(1);
    expect(crawler.stats.get('offsite/domains')).toBe(1);
    expect(crawler.messages('debug')).toEqual(["Filtered offsite request to 'b.test': <GET http://b.test/landing>"]);
  });

  it('drops middleware-made and crawler.download() requests to other hosts, keeps subdomains', () => {
    const { run } = setupDownloader(['a.test']);
    expect(run(new Request('http://evil.test/robots.txt'))).toBeInstanceOf(IgnoreRequest);
    expect(run(new Request('http://cdn.a.test/img.png'))).toBeUndefined();
  });

  it('drops requests without a host when allowedDomains is set', () => {
    const { run } = setupDownloader(['a.test']);
    const error = run(new Request('data:text/plain,hello'));
    expect(error).toBeInstanceOf(IgnoreRequest);
    expect((error as Error).message).toMatch(/no host/);
  });

  it('lets dontFilter and allowOffsite through, and everything when allowedDomains is unset', () => {
    expect(setupDownloader(['a.test']).run(new Request('http://b.test/', { dontFilter: true }))).toBeUndefined();
    expect(setupDownloader(['a.test']).run(new Request('http://b.test/', { meta: { allowOffsite: true } }))).toBeUndefined();
    expect(setupDownloader(undefined).run(new Request('http://b.test/'))).toBeUndefined();
  });

  it('shares the reported-host set with the spider middleware, so a host is counted once per crawl', () => {
    const crawler = fakeCrawler({ spider: { allowedDomains: ['a.test'] } });
    const spiderMw = offsiteMiddleware();
    const downloaderMw = offsiteDownloaderMiddleware();
    spiderMw.open!(crawler);
    downloaderMw.open!(crawler);
    spiderMw.processSpiderOutput!(new Request('http://b.test/1'), page('http://a.test/'), crawler);
    expect(() => downloaderMw.processRequest!(new Request('http://b.test/2'), crawler)).toThrow(IgnoreRequest);
    expect(crawler.stats.get('offsite/domains')).toBe(1);
    expect(crawler.stats.get('offsite/filtered')).toBe(2);
    expect(crawler.messages('debug')).toHaveLength(1);
    // Warnings about allowedDomains are not repeated by the second middleware either.
    const noisy = fakeCrawler({ spider: { allowedDomains: ['http://a.test'] } });
    offsiteMiddleware().open!(noisy);
    offsiteDownloaderMiddleware().open!(noisy);
    expect(noisy.messages('warn').filter((m) => m.includes('URL entry'))).toHaveLength(1);
  });

  it('keeps two crawlers apart', () => {
    const mw = offsiteDownloaderMiddleware();
    const one = fakeCrawler({ spider: { allowedDomains: ['a.test'] } });
    const two = fakeCrawler({ spider: { allowedDomains: ['b.test'] } });
    mw.open!(one);
    mw.open!(two);
    expect(() => mw.processRequest!(new Request('http://b.test/'), one)).toThrow(IgnoreRequest);
    expect(mw.processRequest!(new Request('http://b.test/'), two)).toBeUndefined();
    expect(two.stats.all()).toEqual({});
  });
});
