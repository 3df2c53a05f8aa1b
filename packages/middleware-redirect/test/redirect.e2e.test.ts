import { IgnoreRequest } from '@crawl/core';
import { dataHandler, fileHandler } from '@crawl/http';
import { handlers } from '@crawl/test-servers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { metaRefresh, redirect } from '../src/index.js';
import { crawl, echoed, redirectTo, Request, startSite, type Site } from './support.js';

let a: Site; // http://a.test (127.0.0.1)
let a2: Site; // http://a.test on another port
let b: Site; // http://b.test (127.0.0.2)
let s: Site; // https://a.test (127.0.0.1)

const SECRETS = { Authorization: 'Basic dXNlcjpwYXNz', Cookie: 'sid=secret', 'Proxy-Authorization': 'Basic cHJveHk6cHc=' };

function seenAt(site: Site, path: string) {
  return site.seen.filter((r) => r.url === path);
}

beforeAll(async () => {
  [a, a2, b, s] = await Promise.all([
    startSite('a.test', '127.0.0.1'),
    startSite('a.test', '127.0.0.1'),
    startSite('b.test', '127.0.0.2'),
    startSite('a.test', '127.0.0.1', true),
  ]);
  for (const site of [a, a2, b, s]) site.route('/echo', handlers.echo());
});

afterAll(async () => {
  await Promise.all([a, a2, b, s].map((site) => site?.close()));
});

describe('credentials on redirect hops (S2, S3, S4)', () => {
  it('keeps them on the same origin and drops Authorization and Cookie at another host', async () => {
    a.route('/chain/start', redirectTo('/chain/same'));
    a.route('/chain/same', redirectTo(`${b.origin}/chain/cross`));
    b.route('/chain/cross', handlers.echo());
    const { responses, failures } = await crawl({
      requests: [new Request(`${a.origin}/chain/start`, { headers: SECRETS })],
      middlewares: [redirect()],
    });
    expect(failures).toEqual([]);
    const same = seenAt(a, '/chain/same')[0]!;
    expect(same.headers['authorization']).toBe(SECRETS.Authorization);
    expect(same.headers['cookie']).toBe(SECRETS.Cookie);
    const cross = seenAt(b, '/chain/cross')[0]!;
    expect(cross.headers['authorization']).toBeUndefined();
    expect(cross.headers['cookie']).toBeUndefined();
    expect(cross.headers['host']).toBe(`b.test:${b.port}`);
    expect(responses[0]!.url).toBe(`${b.origin}/chain/cross`);
  });

  it('drops Authorization on a port change but keeps the Cookie of the same host', async () => {
    a.route('/port', redirectTo(`${a2.origin}/echo`));
    const { responses } = await crawl({
      requests: [new Request(`${a.origin}/port`, { headers: SECRETS })],
      middlewares: [redirect()],
    });
    const headers = echoed(responses[0]!).headers;
    expect(headers['authorization']).toBeUndefined();
    expect(headers['cookie']).toBe(SECRETS.Cookie);
    expect(headers['proxy-authorization']).toBeUndefined();
  });

  it('drops all three on an https -> http downgrade of the same host', async () => {
    s.route('/down', redirectTo(`${a.origin}/echo`));
    const { responses, failures } = await crawl({
      requests: [new Request(`${s.origin}/down`, { headers: SECRETS })],
      middlewares: [redirect()],
    });
    expect(failures).toEqual([]);
    expect(responses[0]!.url).toBe(`${a.origin}/echo`);
    const headers = echoed(responses[0]!).headers;
    expect(headers['authorization']).toBeUndefined();
    expect(headers['cookie']).toBeUndefined();
    expect(headers['proxy-authorization']).toBeUndefined();
  });

  it('keeps the Cookie on an http -> https upgrade of the same host, but not Authorization', async () => {
    a.route('/up', redirectTo(`${s.origin}/echo`));
    const { responses } = await crawl({
      requests: [new Request(`${a.origin}/up`, { headers: SECRETS })],
      middlewares: [redirect()],
    });
    expect(responses[0]!.url).toBe(`${s.origin}/echo`);
    const headers = echoed(responses[0]!).headers;
    expect(headers['cookie']).toBe(SECRETS.Cookie);
    expect(headers['authorization']).toBeUndefined();
    expect(headers['proxy-authorization']).toBeUndefined();
  });

  it('does not carry request.cookies onto the next hop', async () => {
    a.route('/cookies', redirectTo('/echo'));
    const seen: unknown[] = [];
    const { responses } = await crawl({
      requests: [new Request(`${a.origin}/cookies`, { cookies: { sid: '1' } })],
      middlewares: [redirect(), { name: 'spy', order: 700, processRequest: (r) => void seen.push(r.cookies) }],
    });
    expect(responses[0]!.url).toBe(`${a.origin}/echo`);
    expect(seen).toEqual([{ sid: '1' }, undefined]);
  });
});

describe('methods and bodies', () => {
  const BODY_HEADERS = {
    'Content-Type': 'application/x-www-form-urlencoded',
    'Content-Language': 'en',
    'Content-Location': '/form',
    'Content-Encoding': 'identity',
  };

  it.each([
    [301, 'POST', 'GET'],
    [302, 'POST', 'GET'],
    [303, 'POST', 'GET'],
    [303, 'PUT', 'GET'],
    [303, 'DELETE', 'GET'],
    [307, 'POST', 'POST'],
    [308, 'POST', 'POST'],
    [301, 'PUT', 'PUT'],
    [302, 'PATCH', 'PATCH'],
  ])('%i after %s arrives at the other host as %s', async (status, method, expected) => {
    const path = `/m/${status}/${method}`;
    a.route(path, redirectTo(`${b.origin}/echo?from=${status}-${method}`, status));
    const { responses, failures } = await crawl({
      requests: [new Request(`${a.origin}${path}`, { method, body: 'secret=1', headers: BODY_HEADERS })],
      middlewares: [redirect()],
    });
    expect(failures).toEqual([]);
    const got = echoed(responses[0]!);
    expect(got.method).toBe(expected);
    const headers = got.headers;
    if (expected === 'GET') {
      expect(got.body).toBe('');
      for (const name of ['content-type', 'content-language', 'content-location', 'content-encoding']) expect(headers[name]).toBeUndefined();
      expect(headers['content-length'] ?? '0').toBe('0');
    } else {
      expect(got.body).toBe('secret=1');
      expect(headers['content-type']).toBe(BODY_HEADERS['Content-Type']);
      expect(headers['content-length']).toBe('8');
    }
  });

  it.each([301, 302, 303, 307, 308])('HEAD stays HEAD on %i', async (status) => {
    const path = `/head/${status}`;
    a.route(path, redirectTo(`/echo?head=${status}`, status));
    const { responses } = await crawl({ requests: [new Request(`${a.origin}${path}`, { method: 'HEAD' })], middlewares: [redirect()] });
    expect(responses[0]!.url).toBe(`${a.origin}/echo?head=${status}`);
    expect(seenAt(a, `/echo?head=${status}`)[0]!.method).toBe('HEAD');
  });
});

describe('what is followed', () => {
  it.each([
    ['file:///etc/passwd', '/to-file'],
    ['data:text/plain,owned', '/to-data'],
  ])('does not follow Location %s (S8): the 3xx response is returned unchanged', async (location, path) => {
    a.route(path, redirectTo(location));
    const { responses, failures, logs } = await crawl({
      requests: [new Request(`${a.origin}${path}`)],
      middlewares: [redirect()],
      // With these handlers installed, a followed redirect would succeed: only the middleware stops it.
      handlers: [fileHandler(), dataHandler()],
      settings: { httpErrorAllowedCodes: [302] },
    });
    expect(failures).toEqual([]);
    expect(responses).toHaveLength(1);
    expect(responses[0]!.status).toBe(302);
    expect(responses[0]!.url).toBe(`${a.origin}${path}`);
    expect(responses[0]!.meta.redirectUrls).toBeUndefined();
    expect(logs.some((l) => l.level === 'debug' && l.message.includes('only http and https are followed'))).toBe(true);
  });

  it('ends a chain longer than redirectMaxTimes with IgnoreRequest naming the URL', async () => {
    a.route('/max/1', redirectTo('/max/2'));
    a.route('/max/2', redirectTo('/max/3'));
    a.route('/max/3', redirectTo('/max/4'));
    a.route('/max/4', handlers.text('end'));
    const { responses, failures } = await crawl({
      requests: [new Request(`${a.origin}/max/1`)],
      middlewares: [redirect()],
      settings: { redirectMaxTimes: 2 },
    });
    expect(responses).toEqual([]);
    expect(failures).toHaveLength(1);
    const error = failures[0]!.error as Error;
    expect(error).toBeInstanceOf(IgnoreRequest);
    expect(error.message).toBe(`Discarding <GET ${a.origin}/max/3>: max redirections reached (2)`);
    expect(seenAt(a, '/max/4')).toHaveLength(0);

    // The factory option wins over the setting.
    const more = await crawl({ requests: [new Request(`${a.origin}/max/1`)], middlewares: [redirect({ maxTimes: 3 })], settings: { redirectMaxTimes: 2 } });
    expect(more.failures).toEqual([]);
    expect(more.responses[0]!.text).toBe('end');
  });

  it('ends a redirect loop with a clear error after redirectMaxTimes hops', async () => {
    a.route('/loop/a', redirectTo('/loop/b', 301));
    a.route('/loop/b', redirectTo('/loop/a', 302));
    const before = a.seen.length;
    const { failures } = await crawl({ requests: [new Request(`${a.origin}/loop/a`, { dontFilter: true })], middlewares: [redirect()] });
    expect(failures).toHaveLength(1);
    const message = (failures[0]!.error as Error).message;
    expect(message).toContain('max redirections reached (20)');
    expect(message).toContain(`Discarding <GET ${a.origin}/loop/a>`);
    expect(message).toContain(`redirect loop: ${a.origin}/loop/b -> ${a.origin}/loop/a -> ${a.origin}/loop/b`);
    expect(a.seen.length - before).toBe(21);
  });

  it('leaves responses alone with meta.dontRedirect', async () => {
    a.route('/dont', redirectTo('/echo'));
    const { responses } = await crawl({
      requests: [new Request(`${a.origin}/dont`, { meta: { dontRedirect: true } })],
      middlewares: [redirect()],
      settings: { httpErrorAllowedCodes: [302] },
    });
    expect(responses[0]!.status).toBe(302);
  });

  it('leaves statuses in meta.handleHttpstatusList, spider.handleHttpstatusList or meta.handleHttpstatusAll to the spider', async () => {
    a.route('/handled/302', redirectTo('/echo', 302));
    a.route('/handled/301', redirectTo('/echo', 301));
    a.route('/handled/307', redirectTo('/echo', 307));
    const { responses, failures } = await crawl({
      requests: [
        new Request(`${a.origin}/handled/302`, { meta: { handleHttpstatusList: [302] } }),
        new Request(`${a.origin}/handled/301`),
        new Request(`${a.origin}/handled/307`, { meta: { handleHttpstatusAll: true } }),
      ],
      middlewares: [redirect()],
      spider: { handleHttpstatusList: [301] },
    });
    expect(failures).toEqual([]);
    expect(responses.map((r) => r.status).sort()).toEqual([301, 302, 307]);
  });

  it('resolves relative, scheme-relative and non-ASCII Locations as Scrapy does', async () => {
    a.route('/rel', redirectTo('../echo?x=1 2'));
    a.route('/scheme-relative', redirectTo(`//b.test:${b.port}/echo?sr=1`));
    // Raw header bytes: UTF-8 "café", then latin-1 "café".
    a.route('/utf8', redirectTo('/caf\u00c3\u00a9'));
    a.route('/latin1', redirectTo('/caf\u00e9'));
    a.route('/caf%C3%A9', handlers.text('utf8'));
    a.route('/caf%E9', handlers.text('latin1'));
    const { responses, failures } = await crawl({
      requests: ['/rel', '/scheme-relative', '/utf8', '/latin1'].map((p) => new Request(`${a.origin}${p}`)),
      middlewares: [redirect()],
    });
    expect(failures).toEqual([]);
    const urls = responses.map((r) => r.url).sort();
    expect(urls).toEqual(
      [`${a.origin}/caf%C3%A9`, `${a.origin}/caf%E9`, `${a.origin}/echo?x=1%202`, `${b.origin}/echo?sr=1`].sort(),
    );
  });

  it('drops a redirect to a host outside allowedDomains at the offsite downloader middleware (S18)', async () => {
    a.route('/offsite', redirectTo(`${b.origin}/echo?offsite`));
    const before = b.seen.length;
    const { responses, failures, stats } = await crawl({
      requests: [new Request(`${a.origin}/offsite`)],
      middlewares: [redirect()],
      spider: { allowedDomains: ['a.test'] },
    });
    expect(responses).toEqual([]);
    expect(failures).toHaveLength(1);
    expect(failures[0]!.error).toBeInstanceOf(IgnoreRequest);
    expect((failures[0]!.error as Error).message).toContain("Filtered offsite request to 'b.test'");
    expect(stats['offsite/filtered']).toBe(1);
    expect(b.seen.length).toBe(before);
  });
});

describe('meta keys and meta refresh', () => {
  const page = (meta: string, body = '') =>
    handlers.html(`<!DOCTYPE html><html><head><title>t</title>${meta}</head><body>${body}page</body></html>`);

  it('records redirectUrls, redirectReasons and redirectTimes across redirects and a meta refresh', async () => {
    a.route('/hist/1', redirectTo('/hist/2', 301));
    a.route('/hist/2', redirectTo(`${b.origin}/hist/3`, 302));
    b.route('/hist/3', page(`<meta http-equiv="refresh" content="0; url=${a.origin}/echo?done">`));
    const { responses, failures } = await crawl({
      requests: [new Request(`${a.origin}/hist/1`, { priority: 1 })],
      middlewares: [redirect(), metaRefresh()],
    });
    expect(failures).toEqual([]);
    const response = responses[0]!;
    expect(response.url).toBe(`${a.origin}/echo?done`);
    expect(response.meta.redirectUrls).toEqual([`${a.origin}/hist/1`, `${a.origin}/hist/2`, `${b.origin}/hist/3`]);
    expect(response.meta.redirectReasons).toEqual([301, 302, 'meta refresh']);
    expect(response.meta.redirectTimes).toBe(3);
    expect(response.request!.priority).toBe(7);
  });

  it('follows a refresh at or below metaRefreshMaxDelay and ignores one above it', async () => {
    a.route('/mr/now', page(`<META HTTP-EQUIV="Refresh" CONTENT="0;URL='/echo?now'">`));
    a.route('/mr/at-max', page('<meta http-equiv="refresh" content="5; url=/echo?at-max">'));
    a.route('/mr/above', page('<meta http-equiv="refresh" content="6; url=/echo?above">'));
    const { responses, failures } = await crawl({
      requests: ['/mr/now', '/mr/at-max', '/mr/above'].map((p) => new Request(`${a.origin}${p}`)),
      middlewares: [redirect(), metaRefresh()],
      settings: { metaRefreshMaxDelay: 5 },
    });
    expect(failures).toEqual([]);
    expect(responses.map((r) => r.url).sort()).toEqual([`${a.origin}/echo?at-max`, `${a.origin}/echo?now`, `${a.origin}/mr/above`].sort());
  });

  it('follows the default 100 s maximum', async () => {
    a.route('/mr/100', page('<meta http-equiv="refresh" content="100; url=/echo?100">'));
    a.route('/mr/101', page('<meta http-equiv="refresh" content="101; url=/echo?101">'));
    const { responses } = await crawl({ requests: ['/mr/100', '/mr/101'].map((p) => new Request(`${a.origin}${p}`)), middlewares: [metaRefresh()] });
    expect(responses.map((r) => r.url).sort()).toEqual([`${a.origin}/echo?100`, `${a.origin}/mr/101`]);
  });

  it('ignores a refresh inside <noscript> unless ignoreTags says otherwise', async () => {
    a.route('/mr/noscript', page('<noscript><meta http-equiv="refresh" content="0; url=/echo?noscript"></noscript>'));
    const ignored = await crawl({ requests: [new Request(`${a.origin}/mr/noscript`)], middlewares: [metaRefresh()] });
    expect(ignored.responses[0]!.url).toBe(`${a.origin}/mr/noscript`);
    const followed = await crawl({ requests: [new Request(`${a.origin}/mr/noscript`)], middlewares: [metaRefresh({ ignoreTags: [] })] });
    expect(followed.responses[0]!.url).toBe(`${a.origin}/echo?noscript`);
  });

  it('follows only http and https, turns the hop into a GET and applies the credential rules', async () => {
    a.route('/mr/file', page('<meta http-equiv="refresh" content="0; url=file:///etc/passwd">'));
    a.route('/mr/cross', page(`<meta http-equiv="refresh" content="0; url=${b.origin}/echo?mr-cross">`));
    const { responses, failures } = await crawl({
      requests: [
        new Request(`${a.origin}/mr/file`),
        new Request(`${a.origin}/mr/cross`, { method: 'POST', body: 'secret=1', headers: { ...SECRETS, 'Content-Type': 'text/plain' } }),
      ],
      middlewares: [metaRefresh()],
      handlers: [fileHandler()],
    });
    expect(failures).toEqual([]);
    const byUrl = new Map(responses.map((r) => [r.url, r]));
    expect(byUrl.has(`${a.origin}/mr/file`)).toBe(true);
    const cross = echoed(byUrl.get(`${b.origin}/echo?mr-cross`)!);
    expect(cross.method).toBe('GET');
    expect(cross.body).toBe('');
    expect(cross.headers['authorization']).toBeUndefined();
    expect(cross.headers['cookie']).toBeUndefined();
    expect(cross.headers['content-type']).toBeUndefined();
  });

  it('leaves the page alone with meta.dontRedirect', async () => {
    a.route('/mr/dont', page('<meta http-equiv="refresh" content="0; url=/echo?dont">'));
    const { responses } = await crawl({
      requests: [new Request(`${a.origin}/mr/dont`, { meta: { dontRedirect: true } })],
      middlewares: [metaRefresh()],
    });
    expect(responses[0]!.url).toBe(`${a.origin}/mr/dont`);
  });

  it('shares the redirect budget with redirect()', async () => {
    a.route('/mix/1', redirectTo('/mix/2'));
    a.route('/mix/2', page('<meta http-equiv="refresh" content="0; url=/mix/3">'));
    a.route('/mix/3', redirectTo('/echo?mix'));
    const { failures } = await crawl({
      requests: [new Request(`${a.origin}/mix/1`)],
      middlewares: [redirect(), metaRefresh()],
      settings: { redirectMaxTimes: 2 },
    });
    expect((failures[0]!.error as Error).message).toBe(`Discarding <GET ${a.origin}/mix/3>: max redirections reached (2)`);
  });
});
