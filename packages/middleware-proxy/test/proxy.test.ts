import { describe, expect, it } from 'vitest';
import { ConfigError, Request, type DownloaderMiddleware } from '@crawl/core';
import { fakeCrawler, testDownloaderMiddleware, type FakeCrawler } from '@crawl/testing';
import { proxy, PROXY_DEFAULTS, type ProxyOptions } from '../src/index.js';

const basic = (credentials: string, encoding: BufferEncoding = 'latin1'): string =>
  `Basic ${Buffer.from(credentials, encoding).toString('base64')}`;

/** An opened middleware and a function that runs processRequest on a request and returns it. */
async function opened(options: ProxyOptions = {}): Promise<{ mw: DownloaderMiddleware; crawler: FakeCrawler; run: (r: Request) => Request }> {
  // Tests never read the real environment.
  const mw = proxy({ env: {}, ...options });
  const crawler = fakeCrawler();
  await mw.open?.(crawler);
  const run = (request: Request): Request => {
    const out = mw.processRequest!(request, crawler);
    expect(out).toBeUndefined();
    return request;
  };
  return { mw, crawler, run };
}

testDownloaderMiddleware('proxy', () => proxy({ env: {}, proxies: { http: 'http://u:p@127.0.0.1:3128' } }));

describe('proxy(): options', () => {
  it("has Scrapy's defaults", () => {
    expect(PROXY_DEFAULTS).toEqual({ authEncoding: 'latin1', order: 750 });
    const mw = proxy({ env: {} });
    expect(mw.order).toBe(750);
    expect(mw.name).toBe('@crawl/middleware-proxy');
    expect(proxy({ env: {}, order: 10 }).order).toBe(10);
  });

  it.each<[unknown, RegExp]>([
    [{ proxys: {} }, /unknown option "proxys"/],
    [{ proxies: { ftp: 'http://p:1' } }, /unknown scheme "ftp"/],
    [{ proxies: { http: 3128 } }, /"proxies.http" must be a proxy URL string or null, got number/],
    [{ proxies: { http: 'socks5://p:1080' } }, /option "proxies.http": a proxy must be an http:\/\/ or https:\/\/ URL/],
    [{ noProxy: 5 }, /"noProxy" must be a string or an array of strings/],
    [{ authEncoding: 'ebcdic' }, /"authEncoding" must be one of latin1, latin-1/],
    [{ order: Number.NaN }, /"order" must be a finite number/],
    [{ env: 'x' }, /"env" must be an object/],
    [{ proxies: { http: 'http://ü:€@p:1' } }, /latin1 cannot encode; set the authEncoding option to 'utf8'/],
  ])('rejects %j with a ConfigError', (options, message) => {
    expect(() => proxy(options as ProxyOptions)).toThrow(ConfigError);
    expect(() => proxy(options as ProxyOptions)).toThrow(message);
  });

  it('never shows a proxy password in a ConfigError', () => {
    expect(() => proxy({ proxies: { http: 'ftp://user:hunter2@p:21' } })).toThrow(/ftp:\/\/\*\*\*@p:21/);
    try {
      proxy({ proxies: { http: 'ftp://user:hunter2@p:21' } });
    } catch (error) {
      expect((error as Error).message).not.toContain('hunter2');
    }
  });
});

describe('proxy(): scheme proxies from options and the environment', () => {
  it('sets meta.proxy from the proxy of the URL scheme and marks it as env-derived', async () => {
    const { run } = await opened({ proxies: { http: 'http://p1:3128', https: 'https://p2:8443/ignored/path' } });
    const http = run(new Request('http://a.test/'));
    expect(http.meta.proxy).toBe('http://p1:3128');
    expect(http.internal._proxyFromEnv).toBe(true);
    expect(http.headers.has('Proxy-Authorization')).toBe(false);
    expect(run(new Request('https://a.test/')).meta.proxy).toBe('https://p2:8443');
  });

  it('leaves other schemes and schemes without a proxy alone', async () => {
    const { run } = await opened({ proxies: { http: 'http://p1:3128' } });
    const https = run(new Request('https://a.test/'));
    expect('proxy' in https.meta).toBe(false);
    expect(https.internal._proxyFromEnv).toBeUndefined();
    expect('proxy' in run(new Request('data:,x')).meta).toBe(false);
  });

  it('reads http_proxy, https_proxy and no_proxy, lower case first', async () => {
    const { run, crawler } = await opened({
      env: { HTTP_PROXY: 'http://upper:1', http_proxy: 'http://lower:2', HTTPS_PROXY: 'http://secure:3', NO_PROXY: 'skip.test' },
    });
    expect(run(new Request('http://a.test/')).meta.proxy).toBe('http://lower:2');
    expect(run(new Request('https://a.test/')).meta.proxy).toBe('http://secure:3');
    expect('proxy' in run(new Request('http://skip.test/')).meta).toBe(false);
    expect(crawler.messages('info', '@crawl/middleware-proxy')).toEqual(['Proxies: http → http://lower:2; https → http://secure:3; no_proxy: skip.test']);
  });

  it('lets an empty lower-case variable unset the upper-case one', async () => {
    const { run } = await opened({ env: { HTTP_PROXY: 'http://upper:1', http_proxy: '' } });
    expect('proxy' in run(new Request('http://a.test/')).meta).toBe(false);
  });

  it('ignores HTTP_PROXY under CGI (httpoxy) but not http_proxy', async () => {
    const cgi = await opened({ env: { REQUEST_METHOD: 'GET', HTTP_PROXY: 'http://evil:1', HTTPS_PROXY: 'http://p:2' } });
    expect('proxy' in cgi.run(new Request('http://a.test/')).meta).toBe(false);
    expect(cgi.run(new Request('https://a.test/')).meta.proxy).toBe('http://p:2');
    const lower = await opened({ env: { REQUEST_METHOD: 'GET', http_proxy: 'http://ok:1' } });
    expect(lower.run(new Request('http://a.test/')).meta.proxy).toBe('http://ok:1');
  });

  it('lets the options replace the environment entirely', async () => {
    const { run } = await opened({ env: { http_proxy: 'http://env:1', https_proxy: 'http://env:2', no_proxy: 'skip.test' }, proxies: { http: 'http://opt:3' } });
    expect(run(new Request('http://a.test/')).meta.proxy).toBe('http://opt:3');
    // proxies given: https_proxy is not read; noProxy not given: no_proxy still is.
    expect('proxy' in run(new Request('https://a.test/')).meta).toBe(false);
    expect('proxy' in run(new Request('http://skip.test/')).meta).toBe(false);
    const noBypass = await opened({ env: { no_proxy: '*' }, proxies: { http: 'http://opt:3' }, noProxy: [] });
    expect(noBypass.run(new Request('http://a.test/')).meta.proxy).toBe('http://opt:3');
  });

  it('warns about and ignores an environment proxy it cannot use', async () => {
    const { run, crawler } = await opened({ env: { http_proxy: '/var/run/docker.sock', https_proxy: 'socks5://u:secret@p:1080' } });
    expect('proxy' in run(new Request('http://a.test/')).meta).toBe(false);
    const warnings = crawler.messages('warn', '@crawl/middleware-proxy');
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toBe('Ignoring http_proxy: environment variable http_proxy: a proxy URL needs a host, got "/var/run/docker.sock"');
    expect(warnings[1]).toMatch(/^Ignoring https_proxy: environment variable https_proxy: a proxy must be an http/);
    expect(warnings.join('\n')).not.toContain('secret');
  });

  it('reads a bare host:port as an http proxy', async () => {
    const { run } = await opened({ env: { https_proxy: 'p2:8080' } });
    expect(run(new Request('https://a.test/')).meta.proxy).toBe('http://p2:8080');
  });
});

describe('proxy(): no_proxy', () => {
  const cases: [string, string, boolean][] = [
    ['a.test', 'http://a.test/', true],
    ['a.test', 'http://www.a.test/', true],
    ['.a.test', 'http://www.a.test/', true],
    ['.a.test', 'http://a.test/', true],
    ['a.test', 'http://bada.test/', false],
    ['A.TEST', 'http://a.test/', true],
    ['a.test:8080', 'http://a.test:8080/', true],
    ['a.test:8080', 'http://a.test:9090/', false],
    ['127.0.0.1', 'http://127.0.0.1:5000/', true],
    ['::1', 'http://[::1]:5000/', true],
    ['b.test, , c.test', 'http://c.test/', true],
    ['*', 'http://anything.test/', true],
    ['b.test,*', 'http://anything.test/', true],
    ['', 'http://a.test/', false],
  ];
  it.each(cases)('no_proxy=%j, %s bypasses: %s', async (noProxy, url, bypass) => {
    const { run } = await opened({ env: { http_proxy: 'http://p:1', no_proxy: noProxy } });
    expect('proxy' in run(new Request(url)).meta).toBe(!bypass);
  });

  it('applies to scheme proxies only, never to meta.proxy', async () => {
    const { run } = await opened({ proxies: { http: 'http://p:1' }, noProxy: '*' });
    expect(run(new Request('http://a.test/', { meta: { proxy: 'http://mine:2' } })).meta.proxy).toBe('http://mine:2');
  });
});

describe('proxy(): meta.proxy', () => {
  it('wins over the scheme proxy and is not env-derived', async () => {
    const { run } = await opened({ proxies: { http: 'http://p1:1' } });
    const request = run(new Request('http://a.test/', { meta: { proxy: 'http://mine:2' } }));
    expect(request.meta.proxy).toBe('http://mine:2');
    expect(request.internal._proxyFromEnv).toBeUndefined();
  });

  it('null or empty disables the proxy for that request', async () => {
    const { run } = await opened({ proxies: { http: 'http://u:p@p1:1' } });
    const off = run(new Request('http://a.test/', { meta: { proxy: null } }));
    expect(off.meta.proxy).toBeNull();
    expect(off.headers.has('Proxy-Authorization')).toBe(false);
    const empty = run(new Request('http://a.test/', { meta: { proxy: '' } }));
    expect(empty.meta.proxy).toBeNull();
    expect(empty.internal._proxyFromEnv).toBeUndefined();
  });

  it('turns credentials into Proxy-Authorization (latin-1 by default) and strips them from meta.proxy', async () => {
    const { run } = await opened();
    const request = run(new Request('https://a.test/', { meta: { proxy: 'http://us%C3%A9r:p%40ss:w@proxy.test:3128' } }));
    expect(request.meta.proxy).toBe('http://proxy.test:3128');
    expect(request.headers.get('Proxy-Authorization')).toBe(basic('usér:p@ss:w', 'latin1'));
    expect(request.internal.proxyAuthFor).toBe('http://proxy.test:3128');
  });

  it('encodes credentials as UTF-8 with authEncoding utf8', async () => {
    const { run } = await opened({ authEncoding: 'utf-8' });
    const request = run(new Request('http://a.test/', { meta: { proxy: 'http://%E2%82%AC:x@p:1' } }));
    expect(request.headers.get('Proxy-Authorization')).toBe(basic('€:x', 'utf8'));
  });

  it('makes credentials from a user name with an empty password, not from a password alone', async () => {
    const { run } = await opened();
    expect(run(new Request('http://a.test/', { meta: { proxy: 'http://user@p:1' } })).headers.get('Proxy-Authorization')).toBe(basic('user:'));
    expect(run(new Request('http://a.test/', { meta: { proxy: 'http://:pw@p:1' } })).headers.has('Proxy-Authorization')).toBe(false);
  });

  it('replaces a hand-set header when the proxy URL carries credentials', async () => {
    const { run } = await opened();
    const request = run(new Request('http://a.test/', { meta: { proxy: 'http://u:p@p:1' }, headers: { 'Proxy-Authorization': 'Basic other' } }));
    expect(request.headers.getAll('Proxy-Authorization')).toEqual([basic('u:p')]);
  });

  it.each<[unknown, RegExp]>([
    [42, /meta.proxy of http:\/\/a.test\/ must be a proxy URL string or null, got number/],
    ['socks5://u:hunter2@p:1080', /meta.proxy of http:\/\/a.test\/: a proxy must be an http:\/\/ or https:\/\/ URL, got "socks5:\/\/\*\*\*@p:1080"/],
    ['http://u:%zz@p:1', /badly percent-encoded credentials/],
    ['http://ü:€@p:1', /latin1 cannot encode/],
  ])('rejects meta.proxy %j with a ConfigError for that request', async (value, message) => {
    const { run } = await opened();
    const request = new Request('http://a.test/', { meta: { proxy: value as string } });
    expect(() => run(request)).toThrow(ConfigError);
    expect(() => run(request)).toThrow(message);
    expect(() => run(request)).not.toThrow(/hunter2/);
  });
});

describe('proxy(): stale credentials (GHSA-9x8m-2xpf-crp3)', () => {
  it('drops proxy A credentials when a retry moves the request to proxy B without credentials', async () => {
    const { run } = await opened();
    const first = run(new Request('http://a.test/', { meta: { proxy: 'http://alice:pw@a-proxy:1' } }));
    expect(first.headers.get('Proxy-Authorization')).toBe(basic('alice:pw'));
    const retry = run(first.replace({ meta: { ...first.meta, proxy: 'http://b-proxy:2' }, dontFilter: true }));
    expect(retry.meta.proxy).toBe('http://b-proxy:2');
    expect(retry.headers.has('Proxy-Authorization')).toBe(false);
    expect(retry.internal.proxyAuthFor).toBeUndefined();
  });

  it('replaces them with proxy B credentials when B has some', async () => {
    const { run } = await opened();
    const first = run(new Request('http://a.test/', { meta: { proxy: 'http://alice:pw@a-proxy:1' } }));
    const retry = run(first.replace({ meta: { ...first.meta, proxy: 'http://bob:pw2@b-proxy:2' } }));
    expect(retry.headers.getAll('Proxy-Authorization')).toEqual([basic('bob:pw2')]);
    expect(retry.internal.proxyAuthFor).toBe('http://b-proxy:2');
  });

  it('keeps them while the proxy stays the same (a plain retry)', async () => {
    const { run } = await opened();
    const first = run(new Request('http://a.test/', { meta: { proxy: 'http://alice:pw@a-proxy:1' } }));
    const retry = run(first.replace({ dontFilter: true }));
    expect(retry.meta.proxy).toBe('http://a-proxy:1');
    expect(retry.headers.get('Proxy-Authorization')).toBe(basic('alice:pw'));
  });

  it('drops them when the proxy is removed or disabled', async () => {
    const { run } = await opened();
    const first = run(new Request('http://a.test/', { meta: { proxy: 'http://alice:pw@a-proxy:1' } }));
    const { proxy: _removed, ...rest } = first.meta;
    const removed = run(first.replace({ meta: rest }));
    expect(removed.headers.has('Proxy-Authorization')).toBe(false);
    const disabled = run(first.replace({ meta: { ...first.meta, proxy: null } }));
    expect(disabled.headers.has('Proxy-Authorization')).toBe(false);
  });

  it('keeps a hand-set header only while the proxy it was first seen with stays', async () => {
    const { run } = await opened();
    const first = run(new Request('http://a.test/', { meta: { proxy: 'http://a-proxy:1' }, headers: { 'Proxy-Authorization': 'Bearer manual' } }));
    expect(first.headers.get('Proxy-Authorization')).toBe('Bearer manual');
    expect(first.internal.proxyAuthFor).toBe('http://a-proxy:1');
    expect(run(first.replace({})).headers.get('Proxy-Authorization')).toBe('Bearer manual');
    const moved = run(first.replace({ meta: { ...first.meta, proxy: 'http://b-proxy:2' } }));
    expect(moved.headers.has('Proxy-Authorization')).toBe(false);
  });

  it('drops a hand-set header on a request without a proxy', async () => {
    const { run } = await opened();
    expect(run(new Request('http://a.test/', { headers: { 'Proxy-Authorization': 'Bearer manual' } })).headers.has('Proxy-Authorization')).toBe(false);
  });

  it('recognises proxy A credentials copied into a new request for proxy B', async () => {
    const { run } = await opened();
    const first = run(new Request('http://a.test/', { meta: { proxy: 'http://alice:pw@a-proxy:1' } }));
    // A spider rebuilding the request from its headers and meta: `internal` is not carried over.
    const rebuilt = run(new Request('http://a.test/next', { headers: first.headers, meta: { proxy: 'http://b-proxy:2' } }));
    expect(rebuilt.headers.has('Proxy-Authorization')).toBe(false);
    const same = run(new Request('http://a.test/next', { headers: first.headers, meta: { proxy: 'http://a-proxy:1' } }));
    expect(same.headers.get('Proxy-Authorization')).toBe(basic('alice:pw'));
  });
});

describe('proxy(): scheme changes (GHSA-jm3v-qxmh-hxwv)', () => {
  const env = { http_proxy: 'http://p1user:p1pass@p1:1', https_proxy: 'http://p2:2' };

  it('resolves the next hop from its own scheme once the redirect middleware deletes meta.proxy', async () => {
    const { run } = await opened({ env });
    const first = run(new Request('http://a.test/'));
    expect(first.meta.proxy).toBe('http://p1:1');
    expect(first.headers.get('Proxy-Authorization')).toBe(basic('p1user:p1pass'));
    expect(first.internal._proxyFromEnv).toBe(true);
    // What the redirect middleware does for an env-derived proxy when the scheme changes.
    const next = first.replace({ url: 'https://a.test/secure' });
    if (next.internal._proxyFromEnv) delete next.meta.proxy;
    run(next);
    expect(next.meta.proxy).toBe('http://p2:2');
    expect(next.headers.has('Proxy-Authorization')).toBe(false);
    expect(next.internal._proxyFromEnv).toBe(true);
  });

  it('does so on its own too when meta.proxy is carried over unchanged', async () => {
    const { run } = await opened({ env });
    const first = run(new Request('http://a.test/'));
    const next = run(first.replace({ url: 'https://a.test/secure' }));
    expect(next.meta.proxy).toBe('http://p2:2');
    expect(next.headers.has('Proxy-Authorization')).toBe(false);
  });

  it('goes direct, without P1 credentials, when the new scheme has no proxy', async () => {
    const { run } = await opened({ env: { http_proxy: env.http_proxy } });
    const first = run(new Request('http://a.test/'));
    const next = run(first.replace({ url: 'https://a.test/secure' }));
    expect(next.meta.proxy).toBeNull();
    expect(next.headers.has('Proxy-Authorization')).toBe(false);
    expect(next.internal._proxyFromEnv).toBeUndefined();
  });

  it('keeps a proxy chosen by the user (not from the environment) across a scheme change', async () => {
    const { run } = await opened({ env });
    const first = run(new Request('http://a.test/', { meta: { proxy: 'http://mine:9' } }));
    const next = run(first.replace({ url: 'https://a.test/secure' }));
    expect(next.meta.proxy).toBe('http://mine:9');
  });

  it('forgets the env mark when something else sets meta.proxy', async () => {
    const { run } = await opened({ env });
    const first = run(new Request('http://a.test/'));
    const rotated = run(first.replace({ meta: { ...first.meta, proxy: 'http://rotated:7' } }));
    expect(rotated.internal._proxyFromEnv).toBeUndefined();
    expect(rotated.headers.has('Proxy-Authorization')).toBe(false);
  });
});

describe('proxy(): lifecycle', () => {
  it('reads the environment per crawler at open()', async () => {
    const env: Record<string, string> = { http_proxy: 'http://first:1' };
    const mw = proxy({ env });
    const a = fakeCrawler();
    await mw.open?.(a);
    env.http_proxy = 'http://second:2';
    const b = fakeCrawler();
    await mw.open?.(b);
    const ra = new Request('http://x.test/');
    const rb = new Request('http://x.test/');
    mw.processRequest!(ra, a);
    mw.processRequest!(rb, b);
    expect([ra.meta.proxy, rb.meta.proxy]).toEqual(['http://first:1', 'http://second:2']);
    await mw.close?.(a, 'finished');
    await mw.close?.(b, 'finished');
  });
});
