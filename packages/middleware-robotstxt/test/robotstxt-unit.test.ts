import { ConfigError, createResponse, IgnoreRequest, NotConfigured, Request } from '@crawl/core';
import { fakeCrawler, testDownloaderMiddleware } from '@crawl/testing';
import { describe, expect, it } from 'vitest';
import { ROBOTSTXT_DEFAULTS, ROBOTSTXT_PRIORITY, robotsTxt, robotsTxtSitemaps } from '../src/index.js';
import { parseRobotsTxt } from '../src/parse.js';
import { acceptedSitemaps } from '../src/sitemaps.js';
import { productToken } from '../src/user-agent.js';

const settingDefaults = { robotstxtObey: true, robotstxtUserAgent: '' };
const robotsAnswer = (body: string, status = 200) => (request: Request) =>
  createResponse(request.url, { status, headers: { 'Content-Type': 'text/plain' }, body, request });

testDownloaderMiddleware('robotsTxt', () => robotsTxt(), { crawler: () => fakeCrawler({ settingDefaults, download: robotsAnswer('', 404) }) });

describe('robotsTxt() options', () => {
  it('exports its defaults (Scrapy order 100, RFC 9309 error handling)', () => {
    expect(ROBOTSTXT_DEFAULTS).toEqual({
      obey: true,
      onServerError: 'disallow',
      retryAfterError: 60,
      useCrawlDelay: false,
      allowCrossHostSitemaps: false,
      order: 100,
      maxSize: 512000,
    });
    expect(robotsTxt().order).toBe(100);
    expect(robotsTxt().defaultSettings).toEqual({ robotstxtObey: true, robotstxtUserAgent: '' });
  });

  it('rejects unknown keys and bad values with a ConfigError naming them', () => {
    expect(() => robotsTxt({ obay: true } as never)).toThrow(/Unknown robotsTxt\(\) option "obay"/);
    expect(() => robotsTxt({ onServerError: 'ignore' } as never)).toThrow(/onServerError must be 'disallow' or 'allow'/);
    expect(() => robotsTxt({ retryAfterError: -1 })).toThrow(/retryAfterError must be a number of seconds >= 0/);
    expect(() => robotsTxt({ userAgent: ' ' })).toThrow(/userAgent must be a non-empty string/);
    expect(() => robotsTxt({ useCrawlDelay: 1 } as never)).toThrow(ConfigError);
  });

  it('is NotConfigured when robotstxtObey is false, unless the option says otherwise', () => {
    expect(() => robotsTxt().open(fakeCrawler({ settingDefaults, settings: { robotstxtObey: false } }))).toThrow(NotConfigured);
    expect(() => robotsTxt({ obey: false }).open(fakeCrawler({ settingDefaults }))).toThrow(NotConfigured);
    expect(() => robotsTxt({ obey: true }).open(fakeCrawler({ settingDefaults, settings: { robotstxtObey: false } }))).not.toThrow();
  });
});

describe('robotsTxt() with a fake crawler', () => {
  it('downloads robots.txt through crawler.download at high priority, then checks without awaiting', async () => {
    const crawler = fakeCrawler({ settingDefaults, download: robotsAnswer('User-agent: *\nDisallow: /no\n') });
    const mw = robotsTxt();
    mw.open(crawler);
    const first = mw.processRequest(new Request('http://a.test/yes'), crawler);
    expect(first).toBeInstanceOf(Promise);
    await first;
    expect(crawler.downloads).toHaveLength(1);
    const robotsRequest = crawler.downloads[0]!;
    expect(robotsRequest.url).toBe('http://a.test/robots.txt');
    expect(robotsRequest.priority).toBe(ROBOTSTXT_PRIORITY);
    expect(robotsRequest.meta.dontObeyRobotstxt).toBe(true);
    // Settled: the check is synchronous from now on.
    expect(mw.processRequest(new Request('http://a.test/yes/again'), crawler)).toBeUndefined();
    expect(() => mw.processRequest(new Request('http://a.test/no'), crawler)).toThrow(IgnoreRequest);
    expect(crawler.stats.get('robotstxt/forbidden')).toBe(1);
    expect(crawler.messages('debug', '@crawl/middleware-robotstxt')).toContain('Forbidden by robots.txt: <GET http://a.test/no>');
  });

  it('skips non-http(s) requests and /robots.txt itself', async () => {
    const crawler = fakeCrawler({ settingDefaults });
    const mw = robotsTxt();
    mw.open(crawler);
    expect(mw.processRequest(new Request('data:,x'), crawler)).toBeUndefined();
    expect(mw.processRequest(new Request('https://a.test:8443/robots.txt'), crawler)).toBeUndefined();
    expect(crawler.downloads).toHaveLength(0);
    // A query makes it an ordinary page, checked against robots.txt (unreachable here: forbidden).
    const checked = mw.processRequest(new Request('https://a.test:8443/robots.txt?x=1'), crawler);
    expect(checked).toBeInstanceOf(Promise);
    await expect(checked).rejects.toThrow(/Forbidden by robots.txt/);
  });

  it('allows everything when another middleware refuses the robots.txt request itself (as Scrapy)', async () => {
    const crawler = fakeCrawler({
      settingDefaults,
      download: () => {
        throw new IgnoreRequest('offsite');
      },
    });
    const mw = robotsTxt();
    mw.open(crawler);
    await expect(Promise.resolve(mw.processRequest(new Request('http://a.test/x'), crawler))).resolves.toBeUndefined();
    expect(crawler.stats.all()).not.toHaveProperty('robotstxt/exception_count/IgnoreRequest');
  });

  it('treats a 429 like a server error', async () => {
    const crawler = fakeCrawler({ settingDefaults, download: robotsAnswer('slow down', 429) });
    const mw = robotsTxt();
    mw.open(crawler);
    await expect(Promise.resolve(mw.processRequest(new Request('http://a.test/x'), crawler))).rejects.toThrow('Forbidden by robots.txt (unreachable: HTTP 429)');
  });

  it('robotsTxtSitemaps() needs an open robotsTxt() middleware and an http(s) URL', async () => {
    const crawler = fakeCrawler({ settingDefaults, download: robotsAnswer('Sitemap: /s.xml\n') });
    await expect(robotsTxtSitemaps(crawler, 'http://a.test')).rejects.toThrow(/no robotsTxt\(\) middleware is open/);
    const mw = robotsTxt();
    mw.open(crawler);
    await expect(robotsTxtSitemaps(crawler, 'not a url')).rejects.toThrow(ConfigError);
    await expect(robotsTxtSitemaps(crawler, 'ftp://a.test/')).rejects.toThrow(/not an http\(s\) URL/);
    expect(await robotsTxtSitemaps(crawler, 'http://a.test/deep/page')).toEqual(['http://a.test/s.xml']);
    mw.close(crawler);
    await expect(robotsTxtSitemaps(crawler, 'http://a.test')).rejects.toThrow(ConfigError);
  });
});

describe('robots.txt helpers', () => {
  it('productToken takes the RFC 9309 product token of a User-Agent', () => {
    expect(productToken('GoodBot/2.1 (+http://bot.test)')).toBe('GoodBot');
    expect(productToken('my_bot-x')).toBe('my_bot-x');
    expect(productToken('  crawlbot')).toBe('crawlbot');
    expect(productToken('(compatible)')).toBeUndefined();
  });

  it('acceptedSitemaps keeps same-host http(s) URLs (http robots may point at the https sitemap)', () => {
    const rejected: string[] = [];
    const out = acceptedSitemaps(
      ['/a.xml', 'https://site.test/b.xml', 'http://site.test:8080/c.xml', 'http://other.test/d.xml', 'file:///etc/passwd', 'gopher://site.test/', 'http://[bad', '/a.xml'],
      'http://site.test/robots.txt',
      false,
      (url) => rejected.push(url),
    );
    expect(out).toEqual(['http://site.test/a.xml', 'https://site.test/b.xml']);
    expect(rejected).toEqual(['http://site.test:8080/c.xml', 'http://other.test/d.xml', 'file:///etc/passwd', 'gopher://site.test/', 'http://[bad']);
    // Not the other way round: an https robots.txt does not vouch for plain http.
    expect(acceptedSitemaps(['http://site.test/x.xml'], 'https://site.test/robots.txt', false, () => undefined)).toEqual([]);
  });

  it('parseRobotsTxt cuts at the last complete line within maxSize', () => {
    const body = new TextEncoder().encode('User-agent: *\nDisallow: /aaa\nDisallow: /bbbbbbbb\n');
    // 36 bytes end inside the second Disallow line: it must be dropped, not read as "/bbb".
    const { rules, truncated } = parseRobotsTxt('http://a.test/robots.txt', body, 36);
    expect(truncated).toBe(true);
    expect(rules.isAllowed('http://a.test/aaa')).toBe(false);
    expect(rules.isAllowed('http://a.test/bbb')).toBe(true);
    expect(parseRobotsTxt('http://a.test/robots.txt', body, 1000).truncated).toBe(false);
  });
});
