import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  defineDownloaderMiddleware,
  defineSpider,
  DownloadError,
  HttpError,
  Request,
  type DownloaderMiddleware,
  type Failure,
  type Logger,
  type Response,
} from '@crawl/core';
import { Crawler } from '@crawl/engine';
import { httpHandler } from '@crawl/http';
import { handlers, loopbackLookup, startForwardProxy, startTestServer, type ForwardProxy, type TestServer } from '@crawl/test-servers';
import { proxy, type ProxyOptions } from '../src/index.js';

// The self-signed certificate of @crawl/http's tests (CN localhost); the handler runs with tlsVerify off.
const fixtures = new URL('../../http/test/fixtures/', import.meta.url);
const TLS = { key: readFileSync(new URL('key.pem', fixtures)), cert: readFileSync(new URL('cert.pem', fixtures)) };

const basic = (credentials: string): string => `Basic ${Buffer.from(credentials, 'latin1').toString('base64')}`;
const quiet: Logger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined, child: () => quiet };

/** An https origin that records what arrives; `/flaky` answers 503 the first time. */
interface TlsOrigin {
  url: string;
  port: number;
  seen: { url: string; headers: IncomingHttpHeaders }[];
  close(): Promise<void>;
}

async function startTlsOrigin(): Promise<TlsOrigin> {
  const seen: TlsOrigin['seen'] = [];
  const server: Server = createServer(TLS, (req, res) => {
    seen.push({ url: req.url ?? '', headers: req.headers });
    const flakyFirst = req.url === '/flaky' && seen.filter((s) => s.url === '/flaky').length === 1;
    const body = flakyFirst ? 'try again' : `secure ${req.url}`;
    res.writeHead(flakyFirst ? 503 : 200, { 'Content-Type': 'text/plain', 'Content-Length': Buffer.byteLength(body) });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `https://127.0.0.1:${port}`,
    port,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

interface Outcome {
  responses: Response[];
  failures: Failure[];
}

/** Crawls `requests` with the proxy middleware (plus `extra`) and the real undici handler. */
async function crawlThrough(requests: Request[], options: ProxyOptions, extra: DownloaderMiddleware[] = []): Promise<Outcome> {
  const outcome: Outcome = { responses: [], failures: [] };
  const spider = defineSpider({
    name: 'proxied',
    *start() {
      for (const request of requests) yield request.replace({ errback: (failure: Failure) => void outcome.failures.push(failure) });
    },
    parse(response: Response) {
      outcome.responses.push(response);
    },
  });
  const crawler = new Crawler(spider, {
    downloadHandlers: [httpHandler({ tlsVerify: false, lookup: loopbackLookup({ localhost: '127.0.0.1' }) })],
    downloaderMiddlewares: [proxy({ env: {}, ...options }), ...extra],
    logger: quiet,
    settings: { downloadTimeout: 20 },
  });
  await crawler.crawl();
  return outcome;
}

/** A proxy URL with credentials. */
const withCredentials = (p: ForwardProxy, user: string, pass: string): string => p.url.replace('://', `://${user}:${pass}@`);

let origin: TestServer;
let tlsOrigin: TlsOrigin;
const proxies: ForwardProxy[] = [];

async function startProxy(...args: Parameters<typeof startForwardProxy>): Promise<ForwardProxy> {
  const p = await startForwardProxy(...args);
  proxies.push(p);
  return p;
}

beforeAll(async () => {
  origin = await startTestServer({
    routes: {
      '/echo': handlers.echo(),
      '/flaky': handlers.sequence(handlers.status(503), handlers.text('recovered')),
    },
  });
  tlsOrigin = await startTlsOrigin();
  origin.route('GET', '/to-https', handlers.redirect(`${tlsOrigin.url}/landing`));
});

afterEach(async () => {
  await Promise.all(proxies.splice(0).map((p) => p.close()));
  origin.resetStats();
  tlsOrigin.seen.length = 0;
});

afterAll(async () => {
  await origin.close();
  await tlsOrigin.close();
});

describe('through a real forward proxy', () => {
  it('sends http: requests in absolute form with Proxy-Authorization to the proxy only', async () => {
    const p = await startProxy({ auth: { user: 'alice', pass: 's3cret' } });
    const { responses, failures } = await crawlThrough([new Request(`${origin.url}/echo?x=1`)], { proxies: { http: withCredentials(p, 'alice', 's3cret') } });
    expect(failures).toEqual([]);
    expect(responses.map((r) => r.status)).toEqual([200]);
    expect(p.requests).toHaveLength(1);
    expect(p.requests[0]!.target).toBe(`${origin.url}/echo?x=1`);
    expect(p.requests[0]!.headers['proxy-authorization']).toBe(basic('alice:s3cret'));
    expect(origin.requests).toHaveLength(1);
    expect(origin.requests[0]!.headers['proxy-authorization']).toBeUndefined();
    // meta.proxy carries no credentials once the middleware has run.
    expect(responses[0]!.meta.proxy).toBe(p.url);
  });

  it('sends https: requests through a CONNECT tunnel with the credentials on the CONNECT only', async () => {
    const p = await startProxy({ auth: { user: 'alice', pass: 's3cret' } });
    const request = new Request(`${tlsOrigin.url}/account`, { meta: { proxy: withCredentials(p, 'alice', 's3cret') } });
    const { responses, failures } = await crawlThrough([request], {});
    expect(failures).toEqual([]);
    expect(responses.map((r) => r.text)).toEqual(['secure /account']);
    expect(p.connects).toHaveLength(1);
    expect(p.connects[0]!.target).toBe(`127.0.0.1:${tlsOrigin.port}`);
    expect(p.connects[0]!.headers['proxy-authorization']).toBe(basic('alice:s3cret'));
    expect(p.requests).toHaveLength(0);
    expect(tlsOrigin.seen).toHaveLength(1);
    expect(tlsOrigin.seen[0]!.headers['proxy-authorization']).toBeUndefined();
  });

  it('lets a 407 reach the errback (http: as HttpError, https: as a tunnel DownloadError) or the callback when handled', async () => {
    const p = await startProxy({ auth: { user: 'alice', pass: 's3cret' } });
    const { responses, failures } = await crawlThrough(
      [
        new Request(`${origin.url}/echo?errback`),
        new Request(`${origin.url}/echo?callback`, { meta: { handleHttpstatusList: [407] } }),
        new Request(`${tlsOrigin.url}/tunnel`),
      ],
      { proxies: { http: p.url, https: p.url } },
    );
    expect(responses.map((r) => [r.url, r.status])).toEqual([[`${origin.url}/echo?callback`, 407]]);
    expect(failures).toHaveLength(2);
    const http = failures.find((f) => f.request.url.endsWith('?errback'))!;
    expect(http.error).toBeInstanceOf(HttpError);
    expect((http.error as HttpError).response.status).toBe(407);
    const https = failures.find((f) => f.request.url.endsWith('/tunnel'))!;
    expect(https.error).toBeInstanceOf(DownloadError);
    expect((https.error as Error).message).toBe(`Could not open CONNECT tunnel with proxy ${p.url} for ${tlsOrigin.url}/tunnel: the proxy answered 407`);
    expect(origin.requests).toHaveLength(0);
    expect(tlsOrigin.seen).toHaveLength(0);
  });

  it('takes proxies from the environment and bypasses the no_proxy hosts', async () => {
    const p = await startProxy();
    const { responses } = await crawlThrough(
      [new Request(`${origin.url}/echo?proxied`), new Request(`http://localhost:${origin.port}/echo?direct`)],
      { env: { http_proxy: p.url, no_proxy: 'localhost,.internal.test' } },
    );
    expect(responses.map((r) => r.status)).toEqual([200, 200]);
    expect(p.requests.map((r) => r.target)).toEqual([`${origin.url}/echo?proxied`]);
    expect(origin.requests.map((r) => r.url).sort()).toEqual(['/echo?direct', '/echo?proxied']);
  });

  it('sends a request with meta.proxy null directly', async () => {
    const p = await startProxy();
    const { responses } = await crawlThrough([new Request(`${origin.url}/echo?off`, { meta: { proxy: null } })], { env: { http_proxy: p.url } });
    expect(responses.map((r) => r.status)).toEqual([200]);
    expect(p.requests).toHaveLength(0);
    expect(origin.requests.map((r) => r.url)).toEqual(['/echo?off']);
  });
});

/** Stands in for a proxy-rotating retry: a 503 is retried once through `next`. */
function rotateOn503(next: string): DownloaderMiddleware {
  return defineDownloaderMiddleware({
    name: 'test-rotating-retry',
    order: 550,
    processResponse(request, response) {
      if (response.status !== 503 || request.meta.rotated === true) return response;
      return request.replace({ meta: { ...request.meta, proxy: next, rotated: true }, dontFilter: true });
    },
  });
}

describe('GHSA-9x8m-2xpf-crp3: credentials stay with their proxy', () => {
  it('http: a retry through proxy B (no credentials) sends B no Proxy-Authorization', async () => {
    const a = await startProxy({ auth: { user: 'alice', pass: 'pw' } });
    // B does not authenticate, so it relays whatever it gets: a leaked credential would reach the origin too.
    const b = await startProxy();
    const request = new Request(`${origin.url}/flaky`, { meta: { proxy: withCredentials(a, 'alice', 'pw') } });
    const { responses } = await crawlThrough([request], {}, [rotateOn503(b.url)]);
    expect(responses.map((r) => r.text)).toEqual(['recovered']);
    expect(a.requests.map((r) => r.headers['proxy-authorization'])).toEqual([basic('alice:pw')]);
    expect(b.requests).toHaveLength(1);
    expect(b.requests[0]!.headers['proxy-authorization']).toBeUndefined();
    expect(origin.requests.map((r) => r.headers['proxy-authorization'])).toEqual([undefined, undefined]);
  });

  it('https: the retry CONNECT to proxy B carries no Proxy-Authorization', async () => {
    const a = await startProxy({ auth: { user: 'alice', pass: 'pw' } });
    const b = await startProxy();
    const request = new Request(`${tlsOrigin.url}/flaky`, { meta: { proxy: withCredentials(a, 'alice', 'pw') } });
    const { responses } = await crawlThrough([request], {}, [rotateOn503(b.url)]);
    expect(responses.map((r) => r.text)).toEqual(['secure /flaky']);
    expect(a.connects.map((c) => c.headers['proxy-authorization'])).toEqual([basic('alice:pw')]);
    expect(b.connects).toHaveLength(1);
    expect(b.connects[0]!.headers['proxy-authorization']).toBeUndefined();
    expect(tlsOrigin.seen.map((s) => s.headers['proxy-authorization'])).toEqual([undefined, undefined]);
  });
});

/**
 * Follows a redirect the way @crawl/middleware-redirect will for an env-derived proxy: on a scheme
 * change it deletes meta.proxy (when `deleteProxy`), so the proxy middleware resolves the next hop.
 */
function followRedirect(deleteProxy: boolean): DownloaderMiddleware {
  return defineDownloaderMiddleware({
    name: 'test-redirect',
    order: 600,
    processResponse(request, response) {
      const location = response.headers.get('location');
      if (response.status < 300 || response.status >= 400 || location === undefined) return response;
      const next = request.replace({ url: new URL(location, request.url).href, dontFilter: true });
      if (deleteProxy && next.internal._proxyFromEnv === true && next.scheme !== request.scheme) delete next.meta.proxy;
      return next;
    },
  });
}

describe('GHSA-jm3v-qxmh-hxwv: an http→https redirect moves from the http proxy to the https proxy', () => {
  it.each([
    ['with the redirect middleware deleting meta.proxy', true],
    ['even when meta.proxy is carried over', false],
  ])('%s', async (_label, deleteProxy) => {
    const p1 = await startProxy({ auth: { user: 'p1user', pass: 'p1pass' } });
    const p2 = await startProxy();
    const { responses, failures } = await crawlThrough(
      [new Request(`${origin.url}/to-https`)],
      { env: { http_proxy: withCredentials(p1, 'p1user', 'p1pass'), https_proxy: p2.url } },
      [followRedirect(deleteProxy)],
    );
    expect(failures).toEqual([]);
    expect(responses.map((r) => r.text)).toEqual(['secure /landing']);
    expect(responses[0]!.meta.proxy).toBe(p2.url);
    expect(p1.requests.map((r) => [r.target, r.headers['proxy-authorization']])).toEqual([[`${origin.url}/to-https`, basic('p1user:p1pass')]]);
    expect(p1.connects).toHaveLength(0);
    expect(p2.connects).toHaveLength(1);
    expect(p2.connects[0]!.target).toBe(`127.0.0.1:${tlsOrigin.port}`);
    expect(p2.connects[0]!.headers['proxy-authorization']).toBeUndefined();
    expect(tlsOrigin.seen[0]!.headers['proxy-authorization']).toBeUndefined();
  });
});
