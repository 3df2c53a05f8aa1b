import type { IncomingMessage, ServerResponse } from 'node:http';
import { FormRequest, Request, type Response } from '@crawl/core';
import { startTestServer, type TestServer } from '@crawl/test-servers';
import { afterEach, describe, expect, it } from 'vitest';
import { cookies } from '../src/index.js';
import { testRedirect } from './redirect-helper.js';
import { cookieLines, reply, runCrawl, spiderOf, startTlsServer, type TlsServer } from './support.js';

interface Hit {
  path: string;
  host: string;
  cookie: string | undefined;
  lines: number;
}

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

/** A loopback server whose routes see every request's Cookie header; each hit is recorded. */
async function site(routes: Record<string, (req: IncomingMessage & { body: Buffer }, res: ServerResponse) => void>): Promise<{ server: TestServer; hits: Hit[] }> {
  const hits: Hit[] = [];
  const wrapped: Record<string, (req: IncomingMessage & { body: Buffer }, res: ServerResponse) => void> = {};
  for (const [key, handler] of Object.entries(routes)) {
    wrapped[key] = (req, res) => {
      const lines = cookieLines(req);
      hits.push({ path: req.url ?? '/', host: (req.headers.host ?? '').split(':')[0]!, cookie: lines.length ? lines.join('; ') : undefined, lines: lines.length });
      handler(req, res);
    };
  }
  const server = await startTestServer({ routes: wrapped });
  closers.push(() => server.close());
  return { server, hits };
}

const ok = (_req: IncomingMessage, res: ServerResponse): void => reply(res, '<html><body>ok</body></html>');

describe('cookies() in a real crawl', () => {
  it('keeps a login session across three requests', async () => {
    const sessions = new Map<string, string>([['s3cr3t-session', 'alice']]);
    const user = (req: IncomingMessage): string | undefined => {
      const m = /(?:^|; )session=([^;]+)/.exec(req.headers.cookie ?? '');
      return m ? sessions.get(m[1]!) : undefined;
    };
    const { server, hits } = await site({
      'POST /login': (req, res) => {
        const form = new URLSearchParams((req as IncomingMessage & { body: Buffer }).body.toString('utf8'));
        if (form.get('user') === 'alice' && form.get('pass') === 'wonderland') reply(res, 'welcome', { 'Set-Cookie': 'session=s3cr3t-session; Path=/; HttpOnly' });
        else reply(res, 'bad credentials', {}, 403);
      },
      'GET /account': (req, res) => (user(req) ? reply(res, `<p id="who">${user(req)}</p>`) : reply(res, 'login first', {}, 403)),
      'GET /orders': (req, res) => (user(req) ? reply(res, '<li>book</li><li>pen</li>') : reply(res, 'login first', {}, 403)),
    });
    const spider = spiderOf(
      () => [
        new FormRequest(`${server.url}/login`, {
          formdata: { user: 'alice', pass: 'wonderland' },
          callback: () => new Request(`${server.url}/account`, { callback: accountPage }),
        }),
      ],
    );
    function accountPage(response: Response) {
      return [{ who: response.css('#who::text').get() }, new Request(`${server.url}/orders`, { callback: ordersPage })];
    }
    function ordersPage(response: Response) {
      return response.css('li::text').getall().map((name) => ({ order: name }));
    }
    const { items } = await runCrawl(spider, { middlewares: [cookies()] });
    expect(items).toEqual([{ who: 'alice' }, { order: 'book' }, { order: 'pen' }]);
    expect(hits.map((h) => [h.path, h.cookie])).toEqual([
      ['/login', undefined],
      ['/account', 'session=s3cr3t-session'],
      ['/orders', 'session=s3cr3t-session'],
    ]);
  });

  it('keeps two cookie jars apart (meta.cookiejar)', async () => {
    const { server, hits } = await site({
      'GET /login': (req, res) => {
        const who = new URL(req.url ?? '/', 'http://x').searchParams.get('as') ?? '';
        reply(res, 'ok', { 'Set-Cookie': `user=${who}; Path=/` });
      },
      'GET /whoami': ok,
    });
    const spider = spiderOf(() =>
      ['ann', 'bob'].map(
        (name, jar) =>
          new Request(`${server.url}/login?as=${name}`, {
            meta: { cookiejar: jar },
            callback: (response: Response) => new Request(`${server.url}/whoami?jar=${jar}`, { meta: { cookiejar: response.meta.cookiejar as number } }),
          }),
      ),
    );
    await runCrawl(spider, { middlewares: [cookies()] });
    const whoami = hits.filter((h) => h.path.startsWith('/whoami')).map((h) => [h.path, h.cookie]);
    expect(whoami.sort()).toEqual([
      ['/whoami?jar=0', 'user=ann'],
      ['/whoami?jar=1', 'user=bob'],
    ]);
  });

  it('never sends a cookie set by 127.0.0.1 to localhost (same server, same port)', async () => {
    const { server, hits } = await site({
      'GET /set': (_req, res) => reply(res, 'ok', { 'Set-Cookie': ['ip=1; Path=/', 'ipdomain=1; Domain=127.0.0.1; Path=/'] }),
      'GET /check': ok,
    });
    const spider = spiderOf(() => [
      new Request(`${server.url}/set`, {
        callback: () => [new Request(`http://localhost:${server.port}/check`), new Request(`${server.url}/check`)],
      }),
    ]);
    await runCrawl(spider, { middlewares: [cookies()], settings: { concurrentRequests: 1 } });
    const checks = hits.filter((h) => h.path === '/check').map((h) => [h.host, h.cookie]);
    expect(checks.sort()).toEqual([
      ['127.0.0.1', 'ip=1; ipdomain=1'],
      ['localhost', undefined],
    ]);
  });

  it('refuses a public-suffix Domain (evil.co.uk sets Domain=co.uk; bank.co.uk gets nothing)', async () => {
    const { server, hits } = await site({
      'GET /set': (_req, res) => reply(res, 'ok', { 'Set-Cookie': ['stolen=1; Domain=co.uk; Path=/', 'mine=1; Domain=evil.co.uk; Path=/'] }),
      'GET /check': ok,
    });
    const hosts = { 'evil.co.uk': '127.0.0.1', 'bank.co.uk': '127.0.0.1' };
    const spider = spiderOf(() => [
      new Request(`http://evil.co.uk:${server.port}/set`, {
        callback: () => [new Request(`http://bank.co.uk:${server.port}/check`), new Request(`http://evil.co.uk:${server.port}/check`)],
      }),
    ]);
    const { logs } = await runCrawl(spider, { middlewares: [cookies()], hosts, settings: { logLevel: 'debug' } });
    const checks = hits.filter((h) => h.path === '/check').map((h) => [h.host, h.cookie]);
    expect(checks.sort()).toEqual([
      ['bank.co.uk', undefined],
      ['evil.co.uk', 'mine=1'],
    ]);
    expect(logs.some((l) => l.level === 'debug' && l.message.includes('public suffix') && l.message.includes('stolen=1'))).toBe(true);
  });

  it('sends a Secure cookie only over https, and refuses Secure from a plain-http response', async () => {
    const tls: TlsServer = await startTlsServer((req, res) => {
      if (req.url === '/set') reply(res, 'ok', { 'Set-Cookie': ['sid=tls; Secure; Path=/', 'plain=1; Path=/'] });
      else reply(res, 'ok');
    });
    closers.push(() => tls.close());
    const { server, hits } = await site({
      'GET /set-insecure': (_req, res) => reply(res, 'ok', { 'Set-Cookie': 'planted=1; Secure; Path=/' }),
      'GET /check': ok,
    });
    const httpUrl = `http://localhost:${server.port}`;
    const spider = spiderOf(() => [
      new Request(`${tls.url}/set`, {
        callback: () =>
          new Request(`${httpUrl}/set-insecure`, {
            callback: () => [new Request(`${httpUrl}/check`), new Request(`${tls.url}/check`)],
          }),
      }),
    ]);
    await runCrawl(spider, { middlewares: [cookies()] });
    expect(hits.find((h) => h.path === '/check')?.cookie).toBe('plain=1');
    expect(tls.requests.find((r) => r.url === '/check')?.headers.cookie).toBe('sid=tls; plain=1');
  });

  it('keeps a hand-set Cookie header and sends each cookie once, in one header line', async () => {
    const { server, hits } = await site({
      'GET /first': (_req, res) => reply(res, 'ok', { 'Set-Cookie': ['sid=from-server; Path=/', 'theme=dark; Path=/'] }),
      'GET /second': ok,
    });
    const spider = spiderOf(() => [
      new Request(`${server.url}/first`, {
        headers: { Cookie: 'hand=made; sid=stale' },
        callback: () => new Request(`${server.url}/second`, { headers: { Cookie: 'hand=made; sid=stale' } }),
      }),
    ]);
    await runCrawl(spider, { middlewares: [cookies()] });
    expect(hits.map((h) => [h.path, h.cookie, h.lines])).toEqual([
      ['/first', 'hand=made; sid=stale', 1],
      ['/second', 'hand=made; sid=from-server; theme=dark', 1],
    ]);
  });

  it('merges request.cookies into the jar, and meta.dontMergeCookies bypasses the jar both ways', async () => {
    const { server, hits } = await site({
      'GET /a': (_req, res) => reply(res, 'ok', { 'Set-Cookie': 'server=1; Path=/' }),
      'GET /b': ok,
      'GET /c': (_req, res) => reply(res, 'ok', { 'Set-Cookie': 'ignored=1; Path=/' }),
      'GET /d': ok,
    });
    const spider = spiderOf(() => [
      new Request(`${server.url}/a`, {
        cookies: { lang: 'en', currency: 'EUR' },
        callback: () =>
          new Request(`${server.url}/b`, {
            callback: () =>
              new Request(`${server.url}/c`, {
                cookies: [{ name: 'extra', value: '1' }],
                headers: { Cookie: 'manual=1' },
                meta: { dontMergeCookies: true },
                callback: () => new Request(`${server.url}/d`),
              }),
          }),
      }),
    ]);
    await runCrawl(spider, { middlewares: [cookies()] });
    expect(hits.map((h) => [h.path, h.cookie])).toEqual([
      ['/a', 'lang=en; currency=EUR'],
      ['/b', 'lang=en; currency=EUR; server=1'],
      ['/c', 'manual=1'],
      ['/d', 'lang=en; currency=EUR; server=1'],
    ]);
  });

  it('logs every Cookie sent and Set-Cookie received with cookiesDebug, in Scrapy\'s format', async () => {
    const { server } = await site({
      'GET /one': (_req, res) => reply(res, 'ok', { 'Set-Cookie': ['a=1; Path=/', 'b=2; Path=/; HttpOnly'] }),
      'GET /two': ok,
    });
    const spider = spiderOf(() => [new Request(`${server.url}/one`, { callback: () => new Request(`${server.url}/two`) })]);
    const { logs } = await runCrawl(spider, { middlewares: [cookies()], settings: { cookiesDebug: true, logLevel: 'debug' } });
    const debug = logs.filter((l) => l.level === 'debug').map((l) => l.message);
    expect(debug).toContain(`Received cookies from: <200 ${server.url}/one>\nSet-Cookie: a=1; Path=/\n\nSet-Cookie: b=2; Path=/; HttpOnly\n`);
    expect(debug).toContain(`Sending cookies to: <GET ${server.url}/two>\nCookie: a=1; b=2\n`);
    expect(debug.filter((m) => m.startsWith('Sending cookies to:'))).toHaveLength(1);
  });

  it('is disabled by cookiesEnabled: false (no Cookie header, nothing stored)', async () => {
    const { server, hits } = await site({
      'GET /one': (_req, res) => reply(res, 'ok', { 'Set-Cookie': 'a=1; Path=/' }),
      'GET /two': ok,
    });
    const spider = spiderOf(() => [new Request(`${server.url}/one`, { callback: () => new Request(`${server.url}/two`) })]);
    const { logs } = await runCrawl(spider, { middlewares: [cookies()], settings: { cookiesEnabled: false } });
    expect(hits.map((h) => h.cookie)).toEqual([undefined, undefined]);
    expect(logs.some((l) => l.message.includes('Disabled downloader middleware @crawl/middleware-cookies'))).toBe(true);
  });
});

describe('cookies() across redirects (advisory S4: the jar decides per hop)', () => {
  for (const mode of ['careful', 'naive'] as const) {
    it(`with a ${mode} redirect middleware: the session goes only where it domain-matches; request cookies and hand-set headers stay on their host`, async () => {
      const { server, hits } = await site({
        'GET /start': (_req, res) => reply(res, '', { 'Set-Cookie': 'session=a-only; Path=/', Location: `http://b.test:${server.port}/hop` }, 302),
        'GET /hop': (_req, res) => reply(res, '', { Location: `http://a.test:${server.port}/same-host` }, 302),
        'GET /same-host': (_req, res) => reply(res, '', { Location: `http://a.test:${server.port}/final` }, 302),
        'GET /final': ok,
      });
      const hosts = { 'a.test': '127.0.0.1', 'b.test': '127.0.0.1' };
      const spider = spiderOf(() => [
        new Request(`http://a.test:${server.port}/start`, { headers: { Cookie: 'hand=set' }, cookies: { given: 'on-request' } }),
      ]);
      await runCrawl(spider, { middlewares: [cookies(), testRedirect(mode)], hosts });
      expect(hits.map((h) => [h.host, h.path, h.cookie])).toEqual([
        ['a.test', '/start', 'hand=set; given=on-request'],
        ['b.test', '/hop', undefined],
        ['a.test', '/same-host', 'given=on-request; session=a-only'],
        ['a.test', '/final', 'given=on-request; session=a-only'],
      ]);
    });
  }

  it('drops a hand-set Cookie header on an https→http redirect on the same host, even when the redirect middleware keeps it', async () => {
    const { server, hits } = await site({ 'GET /landing': ok });
    const tls = await startTlsServer((_req, res) => reply(res, '', { Location: `http://localhost:${server.port}/landing` }, 302));
    closers.push(() => tls.close());
    const spider = spiderOf(() => [new Request(`${tls.url}/start`, { headers: { Cookie: 'secret=1' } })]);
    await runCrawl(spider, { middlewares: [cookies(), testRedirect('naive')] });
    expect(tls.requests[0]?.headers.cookie).toBe('secret=1');
    expect(hits.map((h) => [h.path, h.cookie])).toEqual([['/landing', undefined]]);
  });
});
