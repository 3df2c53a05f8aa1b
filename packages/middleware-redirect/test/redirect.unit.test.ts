import { ConfigError, createResponse, HtmlResponse, IgnoreRequest, isRequest, JsonRequest, Request, type Response } from '@crawl/core';
import { fakeCrawler, testDownloaderMiddleware } from '@crawl/testing';
import { describe, expect, it } from 'vitest';
import { buildRedirectRequest, META_REFRESH_DEFAULTS, metaRefresh, parseRefreshContent, redirect, REDIRECT_DEFAULTS } from '../src/index.js';

const SETTING_DEFAULTS = { redirectMaxTimes: 20, redirectPriorityAdjust: 2, metaRefreshMaxDelay: 100, metaRefreshIgnoreTags: META_REFRESH_DEFAULTS.ignoreTags };

testDownloaderMiddleware('redirect', () => redirect());
testDownloaderMiddleware('metaRefresh', () => metaRefresh());

function moved(request: Request<any>, location: string | undefined, status = 302): Response {
  return createResponse(request.url, { status, headers: location === undefined ? {} : { Location: location }, request });
}

function follow(from: string, to: string, init: ConstructorParameters<typeof Request>[1] = {}): Request<any> {
  return buildRedirectRequest(new Request(from, init), new URL(to), false, 0);
}

const CREDENTIALS = { Authorization: 'Bearer t', Cookie: 'a=1', 'Proxy-Authorization': 'Basic p' };

describe('buildRedirectRequest: which credentials follow (S2, S3, S4, S6, S7)', () => {
  it.each([
    ['https://a.test/x', 'https://a.test:443/y', true],
    ['https://a.test:443/x', 'https://a.test/y', true],
    ['http://a.test:80/x', 'http://a.test/y', true],
    ['https://a.test/x', 'https://A.TEST/y', true],
    ['https://a.test/x', 'https://a.test:8443/y', false],
    ['https://a.test/x', 'http://a.test/y', false],
    ['http://a.test/x', 'https://a.test/y', false],
    ['https://a.test/x', 'https://b.test/y', false],
    ['https://a.test/x', 'https://sub.a.test/y', false],
  ])('Authorization from %s to %s kept: %s', (from, to, kept) => {
    expect(follow(from, to, { headers: CREDENTIALS }).headers.has('Authorization')).toBe(kept);
  });

  it.each([
    ['http://a.test/x', 'http://a.test:8080/y', true],
    ['http://a.test/x', 'https://a.test/y', true],
    ['https://a.test/x', 'http://a.test/y', false],
    ['https://a.test/x', 'https://b.test/y', false],
    ['https://a.test/x', 'https://sub.a.test/y', false],
  ])('Cookie from %s to %s kept: %s', (from, to, kept) => {
    expect(follow(from, to, { headers: CREDENTIALS }).headers.has('Cookie')).toBe(kept);
  });

  it('never copies request.cookies, so the cookies middleware decides per hop', () => {
    const next = follow('https://a.test/x', 'https://a.test/y', { cookies: { sid: '1' } });
    expect(next.cookies).toBeUndefined();
  });

  it('keeps Proxy-Authorization for a proxy while the scheme stays, drops it when the scheme changes', () => {
    const viaProxy = { headers: CREDENTIALS, meta: { proxy: 'http://proxy.test:3128' } };
    expect(follow('http://a.test/x', 'http://b.test/y', viaProxy).headers.get('Proxy-Authorization')).toBe('Basic p');
    const upgraded = follow('http://a.test/x', 'https://a.test/y', { ...viaProxy, internal: { proxyAuthFor: 'http://proxy.test:3128' } });
    expect(upgraded.headers.has('Proxy-Authorization')).toBe(false);
    expect(upgraded.internal['proxyAuthFor']).toBeUndefined();
    // A proxy the user chose stays: only its header goes, for the proxy middleware to derive again.
    expect(upgraded.meta['proxy']).toBe('http://proxy.test:3128');
  });

  it('drops Proxy-Authorization at another origin when no proxy is in use (it would go to that server)', () => {
    expect(follow('http://a.test/x', 'http://b.test/y', { headers: CREDENTIALS }).headers.has('Proxy-Authorization')).toBe(false);
    expect(follow('http://a.test/x', 'http://a.test/y', { headers: CREDENTIALS }).headers.has('Proxy-Authorization')).toBe(true);
  });

  it('removes an environment proxy on a scheme change only', () => {
    const init = { meta: { proxy: 'http://p1.test:1' }, internal: { _proxyFromEnv: true } };
    const same = follow('http://a.test/x', 'http://b.test/y', init);
    expect(same.meta['proxy']).toBe('http://p1.test:1');
    expect(same.internal['_proxyFromEnv']).toBe(true);
    const switched = follow('http://a.test/x', 'https://a.test/y', init);
    expect(switched.meta['proxy']).toBeUndefined();
    expect(switched.internal['_proxyFromEnv']).toBeUndefined();
  });

  it('drops a hand-set Host header when the host or port changes', () => {
    expect(follow('http://a.test/x', 'http://b.test/y', { headers: { Host: 'a.test' } }).headers.has('Host')).toBe(false);
    expect(follow('http://a.test/x', 'http://a.test:81/y', { headers: { Host: 'a.test' } }).headers.has('Host')).toBe(false);
    expect(follow('http://a.test/x', 'http://a.test/y', { headers: { Host: 'a.test' } }).headers.get('Host')).toBe('a.test');
  });

  it('turns a request into a bodiless GET without Content-* headers, whatever its class', () => {
    const source = new JsonRequest('http://a.test/api', { data: { secret: 1 }, headers: { 'Content-Language': 'en', 'Content-Location': '/x', 'Content-Encoding': 'identity' } });
    const next = buildRedirectRequest(source, new URL('http://b.test/done'), true, 0);
    expect(next).toBeInstanceOf(JsonRequest);
    expect(next.method).toBe('GET');
    expect(next.body.byteLength).toBe(0);
    for (const name of ['Content-Type', 'Content-Length', 'Content-Encoding', 'Content-Language', 'Content-Location']) expect(next.headers.has(name)).toBe(false);
    expect(next.headers.get('Accept')).toContain('application/json');
  });
});

describe('redirect()', () => {
  it('raises the priority by priorityAdjust per hop and keeps dontFilter and the callback', async () => {
    const crawler = fakeCrawler({ settingDefaults: SETTING_DEFAULTS });
    const mw = redirect();
    await mw.open!(crawler);
    const callback = () => undefined;
    const first = new Request('http://a.test/1', { priority: 3, dontFilter: true, callback });
    const second = (await mw.processResponse!(first, moved(first, '/2'), crawler)) as Request;
    expect(second.priority).toBe(3 + REDIRECT_DEFAULTS.priorityAdjust);
    expect(second.dontFilter).toBe(true);
    expect(second.callback).toBe(callback);
    const third = (await redirect({ priorityAdjust: -5 }).processResponse!(second, moved(second, '/3'), crawler)) as Request;
    expect(third.priority).toBe(0);
    expect(third.internal.redirectTimes).toBe(2);
  });

  it('counts the budget in request.internal, so a request built from response.meta starts over', async () => {
    const crawler = fakeCrawler({ settingDefaults: SETTING_DEFAULTS, settings: { redirectMaxTimes: 1 } });
    const mw = redirect();
    const first = new Request('http://a.test/1');
    const second = (await mw.processResponse!(first, moved(first, '/2'), crawler)) as Request;
    expect(second.meta.redirectTimes).toBe(1);
    expect(() => mw.processResponse!(second, moved(second, '/3'), crawler)).toThrow(IgnoreRequest);
    const rebuilt = new Request('http://a.test/other', { meta: second.meta });
    const next = (await mw.processResponse!(rebuilt, moved(rebuilt, '/4'), crawler)) as Request;
    expect(next.meta.redirectTimes).toBe(1);
    expect(next.meta.redirectUrls).toEqual(['http://a.test/other']);
    expect(next.meta.redirectReasons).toEqual([302]);
  });

  it('returns the response for other statuses, a missing Location, or an unusable one (with a warning)', async () => {
    const crawler = fakeCrawler();
    const mw = redirect();
    const request = new Request('http://a.test/');
    for (const response of [moved(request, '/x', 200), moved(request, '/x', 304), moved(request, undefined, 301), moved(request, 'http://[::1/x', 302)]) {
      expect(await mw.processResponse!(request, response, crawler)).toBe(response);
    }
    expect(crawler.messages('warn', '@crawl/middleware-redirect')).toEqual(['Not following redirect (302) from http://a.test/: unusable Location "http://[::1/x"']);
  });

  it.each([['javascript:alert(1)'], ['ftp://a.test/f'], ['s3://bucket/key'], ['file:///etc/passwd'], ['data:,x']])('never follows %s', async (location) => {
    const crawler = fakeCrawler();
    const request = new Request('https://a.test/');
    const response = moved(request, location, 301);
    expect(await redirect().processResponse!(request, response, crawler)).toBe(response);
  });

  it('rejects unknown and invalid options with a ConfigError naming them', () => {
    expect(() => redirect({ maxTime: 3 } as never)).toThrow(/Unknown redirect\(\) option "maxTime"; known options: maxTimes, priorityAdjust, order/);
    expect(() => redirect({ maxTimes: -1 })).toThrow(ConfigError);
    expect(() => redirect({ maxTimes: 1.5 })).toThrow(/redirect\(\) option maxTimes must be an integer >= 0, got 1.5/);
    expect(() => redirect({ order: Number.NaN })).toThrow(ConfigError);
    expect(() => metaRefresh({ ignoreTags: ['no script'] })).toThrow(/ignoreTags must be an array of HTML tag names/);
    expect(() => metaRefresh({ maxDelay: -1 })).toThrow(ConfigError);
  });

  it('rejects a bad setting at open(), naming it', async () => {
    const crawler = fakeCrawler({ settingDefaults: SETTING_DEFAULTS, settings: { redirectMaxTimes: 2.5 } });
    expect(() => redirect().open!(crawler)).toThrow(/Setting redirectMaxTimes must be an integer >= 0, got 2.5/);
    const tags = fakeCrawler({ settingDefaults: SETTING_DEFAULTS, settings: { metaRefreshIgnoreTags: [1] as never } });
    expect(() => metaRefresh().open!(tags)).toThrow(/Setting metaRefreshIgnoreTags must be an array of HTML tag names/);
  });

  it('declares its settings and Scrapy orders', () => {
    expect(redirect().order).toBe(600);
    expect(metaRefresh().order).toBe(580);
    expect(redirect({ order: 10 }).order).toBe(10);
    expect(redirect().defaultSettings).toEqual({ redirectMaxTimes: 20, redirectPriorityAdjust: 2 });
    expect(metaRefresh().defaultSettings).toEqual(SETTING_DEFAULTS);
  });
});

describe('metaRefresh()', () => {
  const html = (request: Request<any>, head: string) =>
    new HtmlResponse(request.url, { body: `<html><head>${head}</head><body></body></html>`, headers: { 'Content-Type': 'text/html' }, request });

  it('resolves the URL against <base href> and skips HEAD requests and non-HTML responses', async () => {
    const crawler = fakeCrawler();
    const mw = metaRefresh();
    const get = new Request('http://a.test/dir/page');
    const out = await mw.processResponse!(get, html(get, '<base href="http://b.test/base/"><meta http-equiv="refresh" content="1;url=next">'), crawler);
    expect(isRequest(out) && out.url).toBe('http://b.test/base/next');
    const head = new Request('http://a.test/dir/page', { method: 'HEAD' });
    const headResponse = html(head, '<meta http-equiv="refresh" content="0;url=next">');
    expect(await mw.processResponse!(head, headResponse, crawler)).toBe(headResponse);
    const text = createResponse(get.url, { headers: { 'Content-Type': 'text/plain' }, body: '<meta http-equiv="refresh" content="0;url=next">', request: get });
    expect(await mw.processResponse!(get, text, crawler)).toBe(text);
  });

  it('takes the first refresh, as browsers do, and ignores other http-equiv values', async () => {
    const crawler = fakeCrawler();
    const request = new Request('http://a.test/');
    const out = (await metaRefresh().processResponse!(
      request,
      html(request, '<meta http-equiv="content-type" content="text/html"><meta http-equiv="refresh" content="2; url=/one"><meta http-equiv="refresh" content="0; url=/two">'),
      crawler,
    )) as Request;
    expect(out.url).toBe('http://a.test/one');
    const reload = html(request, '<meta http-equiv="refresh" content="30"><meta http-equiv="refresh" content="0; url=/two">');
    expect(await metaRefresh().processResponse!(request, reload, crawler)).toBe(reload);
  });

  it('leaves a page without http-equiv undecoded, and finds an upper-case HTTP-EQUIV', async () => {
    const crawler = fakeCrawler();
    const request = new Request('http://a.test/');
    const body = Buffer.from('<html><head><title>plain</title></head><body></body></html>');
    const plain = new HtmlResponse(request.url, { body, headers: { 'Content-Type': 'text/html' }, request });
    expect(await metaRefresh().processResponse!(request, plain, crawler)).toBe(plain);
    // The text was not decoded (and kept) at download: read now, it comes from the bytes as they are now.
    body.write('<html><head><title>later', 0, 'latin1');
    expect(plain.css('title::text').get()).toBe('later');
    const upper = html(request, '<META HTTP-EQUIV="Refresh" CONTENT="0; URL=/up">');
    expect(((await metaRefresh().processResponse!(request, upper, crawler)) as Request).url).toBe('http://a.test/up');
  });
});

describe('parseRefreshContent', () => {
  it.each([
    ['0; url=/next', 0, '/next'],
    ['5;URL=/next', 5, '/next'],
    ['5, url = "/quoted" trailing', 5, '/quoted'],
    ["  3 ; url='/single'", 3, '/single'],
    ['1.5; url=/frac', 1.5, '/frac'],
    ['.5;url=/dot', 0.5, '/dot'],
    ['2.5.1; url=/dots', 2.5, '/dots'],
    ['0; /no-url-prefix', 0, '/no-url-prefix'],
    ['0 http://b.test/', 0, 'http://b.test/'],
    ['10', 10, undefined],
    ['10;', 10, undefined],
  ])('%j -> %s, %s', (content, delay, url) => {
    expect(parseRefreshContent(content)).toEqual({ delay, url });
  });

  it.each([[''], ['x; url=/a'], ['-1; url=/a'], ['.'], ['5x; url=/a']])('%j is not a refresh', (content) => {
    expect(parseRefreshContent(content)).toBeUndefined();
  });
});
