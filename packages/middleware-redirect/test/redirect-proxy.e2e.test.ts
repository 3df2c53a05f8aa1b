import { handlers, startForwardProxy, type ForwardProxy } from '@crawl/test-servers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redirect } from '../src/index.js';
import { crawl, echoed, lookup, redirectTo, Request, startSite, type Site } from './support.js';

let a: Site; // http://a.test
let b: Site; // http://b.test
let s: Site; // https://a.test
let proxy: ForwardProxy;

const PROXY_AUTH = 'Basic cHJveHk6c2VjcmV0';

beforeAll(async () => {
  [a, b, s, proxy] = await Promise.all([
    startSite('a.test', '127.0.0.1'),
    startSite('b.test', '127.0.0.2'),
    startSite('a.test', '127.0.0.1', true),
    startForwardProxy({ lookup }),
  ]);
  s.route('/echo', handlers.echo());
});

afterAll(async () => {
  await Promise.all([a?.close(), b?.close(), s?.close(), proxy?.close()]);
});

describe('Proxy-Authorization on redirect hops through a forward proxy (S6, S7)', () => {
  it('keeps it for the same proxy while the scheme stays, and drops it when the scheme changes', async () => {
    a.route('/px/start', redirectTo(`${b.origin}/px/cross`));
    b.route('/px/cross', redirectTo(`${s.origin}/echo?px`));
    const { responses, failures } = await crawl({
      requests: [new Request(`${a.origin}/px/start`, { meta: { proxy: proxy.url }, headers: { 'Proxy-Authorization': PROXY_AUTH } })],
      middlewares: [redirect()],
    });
    expect(failures).toEqual([]);
    expect(responses[0]!.url).toBe(`${s.origin}/echo?px`);
    // Both http hops went to the proxy in absolute form, with the header meant for it.
    const forwarded = proxy.requests.filter((r) => r.target.includes('/px/'));
    expect(forwarded.map((r) => r.target)).toEqual([`${a.origin}/px/start`, `${b.origin}/px/cross`]);
    expect(forwarded.map((r) => r.headers['proxy-authorization'])).toEqual([PROXY_AUTH, PROXY_AUTH]);
    // The https hop tunnelled through the same proxy, without the credentials of the http hops.
    const connect = proxy.connects.find((c) => c.target === `a.test:${s.port}`);
    expect(connect).toBeDefined();
    expect(connect!.headers['proxy-authorization']).toBeUndefined();
    expect(echoed(responses[0]!).headers['proxy-authorization']).toBeUndefined();
  });

  it('drops an environment proxy on a scheme change, for the proxy middleware to choose again', async () => {
    a.route('/env/start', redirectTo(`${s.origin}/echo?env`));
    const connectsBefore = proxy.connects.length;
    const { responses, failures } = await crawl({
      requests: [
        new Request(`${a.origin}/env/start`, {
          meta: { proxy: proxy.url },
          headers: { 'Proxy-Authorization': PROXY_AUTH },
          internal: { _proxyFromEnv: true, proxyAuthFor: proxy.url },
        }),
      ],
      middlewares: [
        redirect(),
        {
          name: 'spy',
          order: 900,
          processRequest(request) {
            if (request.url.startsWith(s.origin)) {
              expect(request.meta.proxy).toBeUndefined();
              expect(request.internal['_proxyFromEnv']).toBeUndefined();
              expect(request.internal['proxyAuthFor']).toBeUndefined();
              expect(request.headers.has('Proxy-Authorization')).toBe(false);
            }
          },
        },
      ],
    });
    expect(failures).toEqual([]);
    expect(responses[0]!.url).toBe(`${s.origin}/echo?env`);
    expect(proxy.requests.some((r) => r.target === `${a.origin}/env/start`)).toBe(true);
    // No proxy middleware in this crawl, so nothing chose a new proxy: the https hop went direct.
    expect(proxy.connects.length).toBe(connectsBefore);
    expect(s.seen.some((r) => r.url === '/echo?env')).toBe(true);
  });
});
