import { ConfigError, Request, defineSpider } from '@crawl/core';
import { handlers, startTestServer, type TestServer } from '@crawl/test-servers';
import { fakeCrawler, testDownloaderMiddleware } from '@crawl/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_HEADERS_DEFAULTS, DEFAULT_HEADERS_SETTING_DEFAULTS, defaultHeaders } from '../src/index.js';
import { loopbackCrawler } from './support.js';

testDownloaderMiddleware('defaultHeaders', () => defaultHeaders());

describe('defaultHeaders()', () => {
  it("sets Scrapy's DEFAULT_REQUEST_HEADERS with order 400", async () => {
    const mw = defaultHeaders();
    expect(mw.order).toBe(400);
    const request = new Request('http://a.test/');
    expect(await mw.processRequest!(request, fakeCrawler())).toBeUndefined();
    expect(request.headers.get('accept')).toBe('text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8');
    expect(request.headers.get('accept-language')).toBe('en');
  });

  it('never overrides a header the request already has, whatever its case', async () => {
    const request = new Request('http://a.test/', { headers: { accept: 'application/json', 'ACCEPT-LANGUAGE': 'de' } });
    await defaultHeaders().processRequest!(request, fakeCrawler());
    expect(request.headers.getAll('Accept')).toEqual(['application/json']);
    expect(request.headers.getAll('Accept-Language')).toEqual(['de']);
  });

  it('replaces the defaults with the given headers; null leaves one out', async () => {
    const request = new Request('http://a.test/');
    const mw = defaultHeaders({ headers: { ...DEFAULT_HEADERS_DEFAULTS.headers, 'Accept-Language': null, 'X-Team': 'crawl' }, order: 401 });
    expect(mw.order).toBe(401);
    await mw.processRequest!(request, fakeCrawler());
    expect(request.headers.has('accept-language')).toBe(false);
    expect(request.headers.get('accept')).toBe(DEFAULT_HEADERS_DEFAULTS.headers['Accept']);
    expect(request.headers.get('x-team')).toBe('crawl');

    const only = new Request('http://a.test/');
    await defaultHeaders({ headers: { 'X-Only': '1' } }).processRequest!(only, fakeCrawler());
    expect([...only.headers]).toEqual([['X-Only', '1']]);
  });

  it('reads the defaultRequestHeaders setting; the headers option wins over it', async () => {
    const crawler = fakeCrawler({
      settingDefaults: DEFAULT_HEADERS_SETTING_DEFAULTS,
      settings: { defaultRequestHeaders: { 'X-From': 'setting', Accept: null } },
    });
    const fromSetting = defaultHeaders();
    await fromSetting.open!(crawler);
    const a = new Request('http://a.test/');
    await fromSetting.processRequest!(a, crawler);
    expect([...a.headers]).toEqual([['X-From', 'setting']]);

    const b = new Request('http://a.test/');
    await defaultHeaders({ headers: { 'X-From': 'option' } }).processRequest!(b, crawler);
    expect([...b.headers]).toEqual([['X-From', 'option']]);

    const bad = fakeCrawler({ settingDefaults: DEFAULT_HEADERS_SETTING_DEFAULTS, settings: { defaultRequestHeaders: { 'X-Bad': 'a\nb' } } });
    await expect(async () => defaultHeaders().open!(bad)).rejects.toThrow(/Setting defaultRequestHeaders: invalid header "X-Bad"/);
  });

  it('rejects bad options with a ConfigError naming what was wrong', () => {
    expect(() => defaultHeaders({ header: {} } as never)).toThrow(ConfigError);
    expect(() => defaultHeaders({ header: {} } as never)).toThrow(/unknown option "header"/);
    expect(() => defaultHeaders({ headers: { 'Bad Name': 'x' } })).toThrow(/invalid header "Bad Name"/);
    expect(() => defaultHeaders({ headers: { 'X-Evil': 'a\r\nSet-Cookie: x=1' } })).toThrow(/invalid header "X-Evil".*CR, LF/);
    expect(() => defaultHeaders({ headers: { 'X-Num': 5 as never } })).toThrow(/"X-Num" must be a string or null/);
    expect(() => defaultHeaders({ headers: { Accept: 'a', accept: 'b' } })).toThrow(/given twice/);
    expect(() => defaultHeaders({ headers: [] as never })).toThrow(/"headers" must be an object/);
    expect(() => defaultHeaders({ headers: null as never })).toThrow(/"headers" must be an object/);
    expect(() => defaultHeaders({ order: Number.NaN })).toThrow(/"order" must be a finite number/);
    expect(() => defaultHeaders('x' as never)).toThrow(ConfigError);
  });
});

describe('defaultHeaders() in a real crawl', () => {
  let server: TestServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('sends the defaults on the wire and keeps headers set on the request', async () => {
    server = await startTestServer({ routes: { '/plain': handlers.text('ok'), '/json': handlers.text('ok') } });
    const base = `http://a.test:${server.port}`;
    const spider = defineSpider({
      name: 'headers',
      settings: { defaultRequestHeaders: { ...DEFAULT_HEADERS_DEFAULTS.headers, 'X-Spider': 'yes' } },
      *start() {
        yield new Request(`${base}/plain`);
        yield new Request(`${base}/json`, { headers: { Accept: 'application/json' } });
      },
      parse() {},
    });
    const { stats } = await loopbackCrawler(spider, [defaultHeaders()]).crawl();
    expect(stats['response_received_count']).toBe(2);
    const plain = server.requests.find((r) => r.url === '/plain')!;
    const json = server.requests.find((r) => r.url === '/json')!;
    expect(plain.headers['accept']).toBe(DEFAULT_HEADERS_DEFAULTS.headers['Accept']);
    expect(plain.headers['accept-language']).toBe('en');
    expect(json.headers['accept']).toBe('application/json');
    expect(json.headers['accept-language']).toBe('en');
    expect(json.headers['x-spider']).toBe('yes');
  });
});
