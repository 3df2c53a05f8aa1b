import { ConfigError, NotConfigured, Request } from '@crawl/core';
import { fakeCrawler, testDownloaderMiddleware } from '@crawl/testing';
import { describe, expect, it } from 'vitest';
import { HTTP_AUTH_DEFAULTS, basicAuthHeader, httpAuth, type HttpAuthOptions } from '../src/index.js';

testDownloaderMiddleware('httpAuth', () => httpAuth({ user: 'u', password: 'p', domain: 'a.test' }));

const CREDS = basicAuthHeader('user', 'pass');

/** Opens a middleware on a fake crawler and returns a function giving the Authorization each URL would carry. */
async function harness(options: HttpAuthOptions, spider: Record<string, unknown> = {}) {
  const crawler = fakeCrawler({ spider });
  const mw = httpAuth(options);
  await mw.open!(crawler);
  const auth = async (url: string | Request): Promise<string | undefined> => {
    const request = typeof url === 'string' ? new Request(url) : url;
    expect(await mw.processRequest!(request, crawler)).toBeUndefined();
    return request.headers.get('authorization');
  };
  return { crawler, mw, auth };
}

describe('httpAuth()', () => {
  it("builds w3lib's Basic header, latin-1 by default", () => {
    expect(CREDS).toBe('Basic dXNlcjpwYXNz');
    expect(basicAuthHeader('usér', 'pässwörd')).toBe(`Basic ${Buffer.from('usér:pässwörd', 'latin1').toString('base64')}`);
    expect(basicAuthHeader('用户', '密码', 'utf8')).toBe(`Basic ${Buffer.from('用户:密码', 'utf8').toString('base64')}`);
    expect(HTTP_AUTH_DEFAULTS.order).toBe(300);
    expect(httpAuth({ user: 'u' }).order).toBe(300);
  });

  it('sends the credentials to the domain and its subdomains only', async () => {
    const { auth } = await harness({ user: 'user', password: 'pass', domain: 'a.test' });
    expect(await auth('http://a.test/')).toBe(CREDS);
    expect(await auth('https://a.test:8443/x')).toBe(CREDS);
    expect(await auth('http://www.a.test/')).toBe(CREDS);
    expect(await auth('http://A.TEST./')).toBe(CREDS);
    expect(await auth('http://b.test/')).toBeUndefined();
    expect(await auth('http://b.test/robots.txt')).toBeUndefined();
    expect(await auth('http://evila.test/')).toBeUndefined();
    expect(await auth('http://a.test.evil.example/')).toBeUndefined();
    expect(await auth('ftp://a.test/file')).toBeUndefined();
  });

  it('binds to the host of the first http(s) request when no domain is set, and warns at open', async () => {
    const { auth, crawler } = await harness({ user: 'user', password: 'pass' });
    expect(crawler.messages('warn', '@crawl/middleware-http-auth').join('\n')).toMatch(/no domain set/);
    expect(await auth('data:,hello')).toBeUndefined();
    expect(await auth('http://a.test/first')).toBe(CREDS);
    expect(crawler.messages('info', '@crawl/middleware-http-auth').join('\n')).toMatch(/credentials bound to a\.test/);
    expect(await auth('http://sub.a.test/')).toBe(CREDS);
    expect(await auth('http://b.test/')).toBeUndefined();
    expect(await auth('http://b.test/robots.txt')).toBeUndefined();
  });

  it('sends to every host only with an explicit null domain', async () => {
    const { auth, crawler } = await harness({ user: 'user', password: 'pass', domain: null });
    expect(crawler.messages('warn').join('\n')).toMatch(/every host/);
    expect(await auth('http://a.test/')).toBe(CREDS);
    expect(await auth('http://b.test/')).toBe(CREDS);
  });

  it('never overrides an Authorization header set on the request', async () => {
    const { auth } = await harness({ user: 'user', password: 'pass', domain: 'a.test' });
    expect(await auth(new Request('http://a.test/', { headers: { authorization: 'Bearer abc' } }))).toBe('Bearer abc');
    expect(await auth(new Request('http://b.test/', { headers: { Authorization: 'Bearer xyz' } }))).toBe('Bearer xyz');
  });

  it('takes its credentials back from a copy of an authorised request aimed at another host', async () => {
    const { auth } = await harness({ user: 'user', password: 'pass', domain: 'a.test' });
    const first = new Request('http://a.test/login');
    expect(await auth(first)).toBe(CREDS);
    expect(first.internal.httpAuthAdded).toBe(true);
    // What a naive redirect or a retry through replace() would send to b.test.
    const copy = first.replace({ url: 'http://b.test/landing' });
    expect(copy.headers.get('authorization')).toBe(CREDS);
    expect(await auth(copy)).toBeUndefined();
    expect(copy.internal.httpAuthAdded).toBeUndefined();
    // Back on the domain, a later hop gets them again.
    expect(await auth(copy.replace({ url: 'http://a.test/back' }))).toBe(CREDS);
  });

  it('lets the spider attributes win over the options', async () => {
    const spider = { httpUser: 'spider', httpPass: 'secret', httpAuthDomain: 'b.test' };
    const { auth } = await harness({ user: 'opt', password: 'x', domain: 'a.test' }, spider);
    expect(await auth('http://a.test/')).toBeUndefined();
    expect(await auth('http://b.test/')).toBe(basicAuthHeader('spider', 'secret'));
    const all = await harness({ user: 'opt', password: 'x', domain: 'a.test' }, { httpAuthDomain: null });
    expect(await all.auth('http://c.test/')).toBe(basicAuthHeader('opt', 'x'));
  });

  it('is NotConfigured without credentials', async () => {
    await expect(async () => httpAuth().open!(fakeCrawler())).rejects.toThrow(NotConfigured);
    await expect(async () => httpAuth({ domain: 'a.test' }).open!(fakeCrawler())).rejects.toThrow(/no credentials/);
    const request = new Request('http://a.test/');
    await httpAuth().processRequest!(request, fakeCrawler());
    expect(request.headers.has('authorization')).toBe(false);
  });

  it('rejects bad options and spider attributes with a ConfigError naming them', async () => {
    expect(() => httpAuth({ username: 'x' } as never)).toThrow(/unknown option "username"/);
    expect(() => httpAuth({ user: 'a:b' })).toThrow(/option "user" must not contain ':'/);
    expect(() => httpAuth({ user: 'u', password: 'p\r\nX: y' })).toThrow(/"password" must not contain control characters/);
    expect(() => httpAuth({ user: '用户' })).toThrow(/outside ISO-8859-1; use encoding: 'utf8'/);
    expect(() => httpAuth({ user: '用户', encoding: 'utf8' })).not.toThrow();
    expect(() => httpAuth({ user: 'u', encoding: 'ascii' as never })).toThrow(/"encoding" must be 'latin1' or 'utf8'/);
    expect(() => httpAuth({ user: 'u', domain: 'http://a.test' })).toThrow(/option "domain" must be a bare host name/);
    expect(() => httpAuth({ user: 'u', domain: 'a.test:8080' })).toThrow(ConfigError);
    expect(() => httpAuth({ user: 'u', domain: '' })).toThrow(ConfigError);
    expect(() => httpAuth({ user: 'u', domain: '[::1]' })).not.toThrow();
    await expect(async () => httpAuth().open!(fakeCrawler({ spider: { httpUser: 'u', httpAuthDomain: 'a.test/x' } }))).rejects.toThrow(
      /attribute "httpAuthDomain" must be a bare host name/,
    );
    await expect(async () => httpAuth().open!(fakeCrawler({ spider: { httpUser: 7 as never } }))).rejects.toThrow(/attribute "httpUser" must be a string/);
  });

  it('matches IPv6 literal domains', async () => {
    const { auth } = await harness({ user: 'user', password: 'pass', domain: '[::1]' });
    expect(await auth('http://[::1]:8080/')).toBe(CREDS);
    expect(await auth('http://127.0.0.1/')).toBeUndefined();
  });
});
