import { ConfigError, createResponse, NotConfigured, Request } from '@crawl/core';
import { fakeCrawler, testDownloaderMiddleware, type FakeCrawler } from '@crawl/testing';
import { describe, expect, it } from 'vitest';
import { cookies, COOKIES_DEFAULTS, type CookiesMiddleware } from '../src/index.js';

testDownloaderMiddleware('cookies', () => cookies());

const settingDefaults = { cookiesEnabled: true, cookiesDebug: false };

function opened(options?: Parameters<typeof cookies>[0], settings: Record<string, unknown> = {}): [CookiesMiddleware, FakeCrawler] {
  const mw = cookies(options);
  const crawler = fakeCrawler({ settingDefaults, settings });
  mw.open(crawler);
  return [mw, crawler];
}

function respond(mw: CookiesMiddleware, crawler: FakeCrawler, request: Request, setCookie: string[], url = request.url): void {
  const response = createResponse(url, { status: 200, headers: setCookie.map((v) => ['Set-Cookie', v] as [string, string]), body: '', request });
  mw.processResponse(request, response, crawler);
}

function send(mw: CookiesMiddleware, crawler: FakeCrawler, request: Request): string | undefined {
  mw.processRequest(request, crawler);
  return request.headers.get('cookie');
}

describe('cookies() options', () => {
  it('exports Scrapy\'s defaults', () => {
    expect(COOKIES_DEFAULTS).toEqual({ enabled: true, debug: false, order: 700 });
    expect(cookies().order).toBe(700);
    expect(cookies({ order: 42 }).order).toBe(42);
    expect(cookies().defaultSettings).toEqual({ cookiesEnabled: true, cookiesDebug: false });
  });

  it('rejects unknown keys and bad values with a ConfigError naming them', () => {
    expect(() => cookies({ debgu: true } as never)).toThrow(ConfigError);
    expect(() => cookies({ debgu: true } as never)).toThrow(/debgu/);
    expect(() => cookies({ enabled: 'yes' } as never)).toThrow(/enabled must be true or false/);
    expect(() => cookies({ order: Number.NaN })).toThrow(/order must be a finite number/);
    expect(() => cookies('x' as never)).toThrow(ConfigError);
  });

  it('is NotConfigured when disabled by option or by the cookiesEnabled setting', () => {
    expect(() => cookies({ enabled: false }).open(fakeCrawler({ settingDefaults }))).toThrow(NotConfigured);
    expect(() => cookies().open(fakeCrawler({ settingDefaults, settings: { cookiesEnabled: false } }))).toThrow(NotConfigured);
    // An explicit option wins over the setting.
    expect(() => cookies({ enabled: true }).open(fakeCrawler({ settingDefaults, settings: { cookiesEnabled: false } }))).not.toThrow();
  });
});

describe('cookies() jar rules', () => {
  it('stores every Set-Cookie line and honours path, expiry and deletion', () => {
    const [mw, crawler] = opened();
    respond(mw, crawler, new Request('http://a.test/app/login'), ['a=1', 'b=2; Path=/', 'gone=1; Path=/', 'old=1; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Path=/']);
    expect(send(mw, crawler, new Request('http://a.test/app/page'))).toBe('a=1; b=2; gone=1');
    expect(send(mw, crawler, new Request('http://a.test/other'))).toBe('b=2; gone=1');
    respond(mw, crawler, new Request('http://a.test/'), ['gone=; Max-Age=0; Path=/']);
    expect(send(mw, crawler, new Request('http://a.test/other'))).toBe('b=2');
  });

  it('sends host-only cookies to the exact host only, and domain cookies to subdomains', () => {
    const [mw, crawler] = opened();
    respond(mw, crawler, new Request('http://www.a.test/'), ['host=1', 'dom=1; Domain=a.test']);
    expect(send(mw, crawler, new Request('http://www.a.test/'))).toBe('host=1; dom=1');
    expect(send(mw, crawler, new Request('http://sub.a.test/'))).toBe('dom=1');
    expect(send(mw, crawler, new Request('http://a.test/'))).toBe('dom=1');
    expect(send(mw, crawler, new Request('http://b.test/'))).toBeUndefined();
  });

  it('refuses public-suffix domains (S5), but keeps Domain=<the host itself> as a host-only cookie, like Scrapy', () => {
    const [mw, crawler] = opened();
    respond(mw, crawler, new Request('http://evil.co.uk/'), ['x=1; Domain=co.uk', 'y=1; Domain=.co.uk', 'z=1; Domain=uk']);
    expect(send(mw, crawler, new Request('http://bank.co.uk/'))).toBeUndefined();
    expect(send(mw, crawler, new Request('http://evil.co.uk/'))).toBeUndefined();
    respond(mw, crawler, new Request('http://github.io/'), ['own=1; Domain=github.io']);
    expect(send(mw, crawler, new Request('http://github.io/'))).toBe('own=1');
    expect(send(mw, crawler, new Request('http://someone.github.io/'))).toBeUndefined();
    expect(crawler.messages('debug', '@crawl/middleware-cookies').filter((m) => m.includes('public suffix'))).toHaveLength(3);
  });

  it('refuses a Secure cookie from http, sends Secure cookies over https only', () => {
    const [mw, crawler] = opened();
    respond(mw, crawler, new Request('http://a.test/'), ['planted=1; Secure']);
    respond(mw, crawler, new Request('https://a.test/'), ['sid=1; Secure', 'open=1']);
    expect(send(mw, crawler, new Request('http://a.test/'))).toBe('open=1');
    expect(send(mw, crawler, new Request('https://a.test/'))).toBe('sid=1; open=1');
  });

  it('ignores non-http(s) requests and responses', () => {
    const [mw, crawler] = opened();
    const request = new Request('data:,hello', { headers: { Cookie: 'kept=1' } });
    expect(send(mw, crawler, request)).toBe('kept=1');
    respond(mw, crawler, request, ['a=1']);
    expect(mw.jar(crawler)?.getCookiesSync('http://a.test/')).toEqual([]);
  });
});

describe('cookies() request.cookies and hand-set headers', () => {
  it('merges request.cookies (object or list with domain/path/secure) for the request URL', () => {
    const [mw, crawler] = opened();
    const request = new Request('https://www.a.test/shop/cart', {
      cookies: [
        { name: 'dom', value: '1', domain: 'a.test', path: '/', secure: false },
        { name: 'here', value: '2' },
        { name: 'plain', value: '3', path: '/', secure: false },
      ],
    });
    // Longest path first (RFC 6265 5.4): "here" got the default path /shop.
    expect(send(mw, crawler, request)).toBe('here=2; dom=1; plain=3');
    // Without `secure`, a cookie given on an https request is Secure (Scrapy).
    expect(send(mw, crawler, new Request('https://www.a.test/shop/x'))).toBe('here=2; dom=1; plain=3');
    expect(send(mw, crawler, new Request('http://www.a.test/shop/x'))).toBe('dom=1; plain=3');
    expect(send(mw, crawler, new Request('http://sub.a.test/shop/x'))).toBe('dom=1');
    expect(send(mw, crawler, new Request('http://www.a.test/other'))).toBe('dom=1; plain=3');
  });

  it('warns about and skips invalid request cookies and foreign domains', () => {
    const [mw, crawler] = opened();
    const request = new Request('http://a.test/', {
      cookies: [
        { name: 'ok', value: '1' },
        { name: 'bad;name', value: '1' },
        { name: 'inject', value: 'x; Domain=b.test' },
        { name: 'foreign', value: '1', domain: 'b.test' },
        { name: 'suffix', value: '1', domain: 'test' },
        { value: 'no name' } as never,
      ],
    });
    expect(send(mw, crawler, request)).toBe('ok=1');
    const warnings = crawler.messages('warn', '@crawl/middleware-cookies');
    expect(warnings).toHaveLength(5);
    expect(warnings.some((w) => w.includes('bad;name'))).toBe(true);
    expect(warnings.some((w) => w.includes('foreign') && w.includes('refused'))).toBe(true);
  });

  it('keeps a hand-set header, lets the jar override the same name, and never duplicates a name', () => {
    const [mw, crawler] = opened();
    const request = new Request('http://a.test/', { headers: { Cookie: 'a=b; c=d' }, cookies: { a: 'new', e: 'f' } });
    expect(send(mw, crawler, request)).toBe('a=new; c=d; e=f');
    expect(request.headers.getAll('cookie')).toHaveLength(1);
    const again = new Request('http://a.test/', { headers: { Cookie: 'c=d; c=d2' } });
    expect(send(mw, crawler, again)).toBe('c=d; c=d2; a=new; e=f');
  });

  it('treats a Cookie header it wrote itself as its own on the next hop (retry or redirect copy)', () => {
    const [mw, crawler] = opened();
    const first = new Request('http://a.test/x', { headers: { Cookie: 'hand=1' } });
    respond(mw, crawler, new Request('http://a.test/'), ['s=1; Path=/x']);
    expect(send(mw, crawler, first)).toBe('hand=1; s=1');
    // Same host, another path: the jar cookie for /x must not ride along in the copied header.
    const hop = first.replace({ url: 'http://a.test/y' });
    expect(send(mw, crawler, hop)).toBe('hand=1');
    // A header changed by someone after the middleware ran counts as hand-set again.
    const edited = hop.replace({ url: 'http://b.test/' });
    edited.headers.set('Cookie', 'other=1');
    expect(send(mw, crawler, edited)).toBe('other=1');
  });

  it('leaves everything alone with meta.dontMergeCookies', () => {
    const [mw, crawler] = opened();
    respond(mw, crawler, new Request('http://a.test/'), ['a=1']);
    const request = new Request('http://a.test/', { headers: { Cookie: 'mine=1' }, cookies: { c: '1' }, meta: { dontMergeCookies: true } });
    expect(send(mw, crawler, request)).toBe('mine=1');
    respond(mw, crawler, request, ['b=1']);
    expect(send(mw, crawler, new Request('http://a.test/'))).toBe('a=1');
  });

  it('removes the Cookie header when neither the jar nor a hand-set header has anything', () => {
    const [mw, crawler] = opened();
    const request = new Request('http://a.test/');
    expect(send(mw, crawler, request)).toBeUndefined();
    expect(request.internal.cookieHeader).toBeUndefined();
  });
});

describe('cookies() jars', () => {
  it('keeps one set of jars per crawler and per meta.cookiejar key', () => {
    const mw = cookies();
    const one = fakeCrawler({ settingDefaults });
    const two = fakeCrawler({ settingDefaults });
    mw.open(one);
    mw.open(two);
    respond(mw, one, new Request('http://a.test/'), ['who=one']);
    respond(mw, one, new Request('http://a.test/', { meta: { cookiejar: 'alt' } }), ['who=alt']);
    expect(send(mw, two, new Request('http://a.test/'))).toBeUndefined();
    expect(send(mw, one, new Request('http://a.test/'))).toBe('who=one');
    expect(send(mw, one, new Request('http://a.test/', { meta: { cookiejar: 'alt' } }))).toBe('who=alt');
    expect(send(mw, one, new Request('http://a.test/', { meta: { cookiejar: 0 } }))).toBeUndefined();
    expect(mw.jar(one, 'alt')?.getCookieStringSync('http://a.test/')).toBe('who=alt');
    // Still there after the crawl, for exporting.
    mw.close?.(one, 'finished');
    expect(mw.jar(one)?.getCookieStringSync('http://a.test/')).toBe('who=one');
    expect(mw.jar(fakeCrawler({ settingDefaults }))).toBeUndefined();
  });

  it('sends what was put into a jar by hand, and nothing once the jar is empty again', () => {
    const [mw, crawler] = opened();
    // An empty jar: a hand-set header goes out as it is, and no header is added.
    expect(send(mw, crawler, new Request('http://a.test/', { headers: { Cookie: 'hand=1' } }))).toBe('hand=1');
    expect(send(mw, crawler, new Request('http://a.test/'))).toBeUndefined();
    const jar = mw.jar(crawler)!;
    jar.setCookieSync('byhand=1; Path=/', 'http://a.test/');
    expect(send(mw, crawler, new Request('http://a.test/'))).toBe('byhand=1');
    expect(send(mw, crawler, new Request('http://a.test/', { headers: { Cookie: 'hand=1' } }))).toBe('hand=1; byhand=1');
    expect(send(mw, crawler, new Request('http://b.test/'))).toBeUndefined();
    jar.removeAllCookiesSync();
    expect(send(mw, crawler, new Request('http://a.test/'))).toBeUndefined();
    // Set-Cookie that expires the only cookie leaves the jar empty: nothing is sent.
    respond(mw, crawler, new Request('http://a.test/'), ['gone=1']);
    expect(send(mw, crawler, new Request('http://a.test/'))).toBe('gone=1');
    respond(mw, crawler, new Request('http://a.test/'), ['gone=1; Max-Age=0']);
    expect(send(mw, crawler, new Request('http://a.test/'))).toBeUndefined();
  });
});
