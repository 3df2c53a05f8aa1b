import { Request, defineSpider, type DownloaderMiddleware } from '@crawl/core';
import { httpAuth } from '@crawl/middleware-http-auth';
import { handlers, startForwardProxy, loopbackLookup } from '@crawl/test-servers';
import { afterEach, describe, expect, it } from 'vitest';
import { redirectTo, ServerPool } from './servers.js';
import { defaultCrawler, type Logged } from './support.js';

// Advisories S1–S7, S17, S18, S20 end to end: every test runs the CLI's default downloader
// middlewares together (robots, http auth, redirect, cookies, proxy, retry, stats…) over the one
// HTTP client, @crawl/http (S20: the policy is the redirect middleware's, so it covers the client).
const pool = new ServerPool();
afterEach(() => pool.closeAll());

const ok = handlers.html('<p>ok</p>');
const SECRET = 'S3cr3t-pw';

function noSecretIn(logs: Logged[], stats: Record<string, unknown>): void {
  for (const l of logs) expect(l.message, l.message).not.toContain(SECRET);
  for (const [k, v] of Object.entries(stats)) expect(`${k}=${String(v)}`).not.toContain(SECRET);
}

describe('credentials across hosts', () => {
  it('S1: HttpAuthMiddleware credentials (GHSA-jwqp-28gf-p498) go only to their domain: not to b.test, its robots.txt, nor a redirect target', async () => {
    const a = await pool.start('127.0.0.1', { '/page': ok, '/to-b': redirectTo('') });
    const b = await pool.start('127.0.0.2', { '/page': ok, '/landing': ok });
    a.route('GET', '/to-b', redirectTo(`http://b.test:${b.port}/landing`));
    const logs: Logged[] = [];
    const spider = defineSpider({
      name: 's1',
      startUrls: [`http://a.test:${a.port}/page`, `http://b.test:${b.port}/page`, `http://a.test:${a.port}/to-b`],
      parse() {},
    });
    const { stats } = await defaultCrawler(spider, { logs, replace: [httpAuth({ user: 'alice', password: SECRET, domain: 'a.test' })] }).crawl();
    const aPage = a.requests.find((r) => r.url === '/page')!;
    expect(aPage.headers.authorization).toMatch(/^Basic /);
    expect(b.requests.map((r) => r.url).sort()).toEqual(['/landing', '/page', '/robots.txt']);
    for (const r of b.requests) expect(r.headers.authorization, r.url).toBeUndefined();
    noSecretIn(logs, stats);
  });

  it('S2: Authorization dropped on cross-host redirect (GHSA-cw9j-q3vf-hrrv)', async () => {
    const b = await pool.start('127.0.0.2', { '/x': ok });
    const a = await pool.start('127.0.0.1', { '/r': redirectTo(`http://b.test:${b.port}/x`) });
    const spider = defineSpider({
      name: 's2',
      *start() {
        yield new Request(`http://a.test:${a.port}/r`, { headers: { Authorization: 'Bearer token-1' } });
      },
      parse() {},
    });
    await defaultCrawler(spider).crawl();
    expect(a.requests.find((r) => r.url === '/r')!.headers.authorization).toBe('Bearer token-1');
    expect(b.requests.find((r) => r.url === '/x')!.headers.authorization).toBeUndefined();
  });

  it('S3: Authorization dropped when the port changes on the same host (GHSA-4qqq-9vqf-3h3f), kept on the same origin', async () => {
    const other = await pool.start('127.0.0.1', { '/x': ok });
    const a = await pool.start('127.0.0.1', { '/same': ok, '/r-port': redirectTo(`http://a.test:${other.port}/x`) });
    a.route('GET', '/r-same', redirectTo(`http://a.test:${a.port}/same`));
    const spider = defineSpider({
      name: 's3',
      *start() {
        for (const p of ['/r-port', '/r-same']) yield new Request(`http://a.test:${a.port}${p}`, { headers: { Authorization: 'Bearer token-3' } });
      },
      parse() {},
    });
    await defaultCrawler(spider).crawl();
    expect(other.requests.find((r) => r.url === '/x')!.headers.authorization).toBeUndefined();
    expect(a.requests.find((r) => r.url === '/same')!.headers.authorization).toBe('Bearer token-3');
  });

  it('S4: a manual Cookie header and the jar cookies of a.test are not carried onto a redirect to b.test (GHSA-cjvr-mfj7-j4j8)', async () => {
    const b = await pool.start('127.0.0.2', { '/x': ok });
    const a = await pool.start('127.0.0.1', {
      '/set': handlers.html('<p>set</p>', 200, { 'Set-Cookie': 'sid=a-only; Path=/' }),
      '/r': redirectTo(`http://b.test:${b.port}/x`),
    });
    const spider = defineSpider({
      name: 's4',
      *start() {
        yield new Request(`http://a.test:${a.port}/set`, { callback: () => new Request(`http://a.test:${a.port}/r`, { headers: { Cookie: 'manual=1' } }) });
      },
      parse() {},
    });
    await defaultCrawler(spider).crawl();
    expect(a.requests.find((r) => r.url === '/r')!.headers.cookie).toContain('manual=1');
    expect(b.requests.find((r) => r.url === '/x')!.headers.cookie).toBeUndefined();
  });

  it('S5: a Set-Cookie for a public suffix (Domain=co.uk) is not sent to another site (GHSA-mfjm-vh54-3f96)', async () => {
    const s = await pool.start('127.0.0.4', {
      '/evil': handlers.html('<p>evil</p>', 200, { 'Set-Cookie': 'track=1; Domain=co.uk; Path=/' }),
      '/bank': ok,
    });
    const hosts = { 'evil.co.uk': '127.0.0.4', 'bank.co.uk': '127.0.0.4' };
    const spider = defineSpider({
      name: 's5',
      *start() {
        yield new Request(`http://evil.co.uk:${s.port}/evil`, { callback: () => new Request(`http://bank.co.uk:${s.port}/bank`) });
      },
      parse() {},
    });
    await defaultCrawler(spider, { hosts }).crawl();
    const bank = s.requests.find((r) => r.url === '/bank')!;
    expect(bank.host).toBe(`bank.co.uk:${s.port}`);
    expect(bank.headers.cookie).toBeUndefined();
  });

  it('S6: Proxy-Authorization of proxy A is not sent to proxy B on retry, nor to the target (GHSA-9x8m-2xpf-crp3); proxy credentials are masked in logs and stats', async () => {
    const target = await pool.start('127.0.0.1', { '/flaky': handlers.sequence(handlers.status(503), ok) });
    const lookup = loopbackLookup({ 'a.test': '127.0.0.1' });
    const proxyA = pool.track(await startForwardProxy({ auth: { user: 'pa', pass: SECRET }, lookup }));
    const proxyB = pool.track(await startForwardProxy({ lookup }));
    const withCreds = proxyA.url.replace('http://', `http://pa:${SECRET}@`);
    const logs: Logged[] = [];
    const spider = defineSpider({
      name: 's6',
      *start() {
        yield new Request(`http://a.test:${target.port}/flaky`, { meta: { proxy: withCreds } });
      },
      parse() {},
    });
    // Proxy rotation: the retry goes through B, which has no credentials.
    const rotate = {
      name: 'rotate-proxy',
      order: 740,
      processRequest(request: Request) {
        // The proxy middleware keeps meta.proxy without its credentials, so compare by port.
        if (Number(request.internal.retryTimes ?? 0) > 0 && String(request.meta.proxy).includes(`:${proxyA.port}`)) request.meta.proxy = proxyB.url;
        return undefined;
      },
    };
    const { stats } = await defaultCrawler(spider, { logs, extraMiddlewares: [rotate as DownloaderMiddleware] }).crawl();
    expect(proxyA.requests.map((r) => r.headers['proxy-authorization'])).toEqual([expect.stringMatching(/^Basic /)]);
    expect(proxyB.requests).toHaveLength(1);
    expect(proxyB.requests[0]!.headers['proxy-authorization']).toBeUndefined();
    for (const r of target.requests) expect(r.headers['proxy-authorization']).toBeUndefined();
    expect(stats['retry/count']).toBe(1);
    noSecretIn(logs, stats);
  });

  it('S17: POST a.test → 301 → b.test arrives as a GET with no body and no Content-* headers (Scrapy 2.14.2)', async () => {
    const b = await pool.start('127.0.0.2', { '/x': ok });
    const a = await pool.start('127.0.0.1', { '/form': redirectTo(`http://b.test:${b.port}/x`, 301) });
    const spider = defineSpider({
      name: 's17',
      *start() {
        yield new Request(`http://a.test:${a.port}/form`, { method: 'POST', body: 'password=hunter2', headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
      },
      parse() {},
    });
    await defaultCrawler(spider).crawl();
    expect(a.requests.find((r) => r.url === '/form')!.body.toString()).toBe('password=hunter2');
    const hop = b.requests.find((r) => r.url === '/x')!;
    expect(hop.method).toBe('GET');
    expect(hop.body.length).toBe(0);
    expect(hop.headers['content-type']).toBeUndefined();
    expect(hop.headers['content-length'] ?? '0').toBe('0');
  });

  it('S18: allowedDomains applies to redirects: a.test → c.test is dropped with the reason recorded (Scrapy 2.11.2)', async () => {
    const c = await pool.start('127.0.0.3', { '/internal': ok });
    const a = await pool.start('127.0.0.1', { '/r': redirectTo(`http://c.test:${c.port}/internal`) });
    const spider = defineSpider({
      name: 's18',
      allowedDomains: ['a.test'],
      *start() {
        yield new Request(`http://a.test:${a.port}/r`);
      },
      parse() {},
    });
    const { stats } = await defaultCrawler(spider).crawl();
    expect(c.requests).toEqual([]);
    expect(stats['offsite/filtered']).toBe(1);
    expect(stats['offsite/domains']).toBe(1);
    expect(stats['downloader/exception_type_count/IgnoreRequest']).toBe(1);
  });
});

