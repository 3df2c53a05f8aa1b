import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { IncomingHttpHeaders, Server } from 'node:http';
import { ConfigError, ConnectionRefusedError, DownloadError, DownloadTimeoutError, Request, TlsError, type DownloadHandler } from '@crawl/core';
import { loopbackLookup, startForwardProxy, type ForwardProxy } from '@crawl/test-servers';
import { httpHandler } from '../src/index.js';
import { createAgentSet, MAX_TUNNEL_AGENTS } from '../src/agents.js';
import { resolveHttpOptions } from '../src/options.js';
import { fakeCrawler, startHttp, startHttps, startRaw, TLS_CERT, TLS_KEY, until, type Started } from './support.js';

const crawler = fakeCrawler();
const unexpected = (response: unknown): never => {
  throw new Error(`expected the download to fail, got ${String(response)}`);
};
const basic = (user: string, pass: string): string => `Basic ${Buffer.from(`${user}:${pass}`, 'utf8').toString('base64')}`;

interface Seen {
  url: string;
  headers: IncomingHttpHeaders;
  raw: string[];
}

let plainOrigin: Started<Server>;
let tlsOrigin: Started<Server>;
const seenPlain: Seen[] = [];
const seenTls: Seen[] = [];
const closers: { close(): Promise<void> | void }[] = [];
const handlers: DownloadHandler[] = [];

function make(options: Parameters<typeof httpHandler>[0] = {}): DownloadHandler {
  const handler = httpHandler(options);
  handlers.push(handler);
  return handler;
}

async function proxy(options: Parameters<typeof startForwardProxy>[0] = {}): Promise<ForwardProxy> {
  const p = await startForwardProxy(options);
  closers.push(p);
  return p;
}

beforeAll(async () => {
  plainOrigin = await startHttp((req, res) => {
    seenPlain.push({ url: req.url ?? '', headers: req.headers, raw: req.rawHeaders });
    res.writeHead(200, { 'Content-Type': 'text/plain' });
    res.end(`plain ${req.url}`);
  });
  tlsOrigin = await startHttps((req, res) => {
    seenTls.push({ url: req.url ?? '', headers: req.headers, raw: req.rawHeaders });
    res.writeHead(200, { 'Content-Type': 'text/plain' });
    res.end(`secure ${req.url}`);
  });
});

afterEach(async () => {
  for (const h of handlers.splice(0)) await h.close?.(crawler, 'finished');
  for (const c of closers.splice(0)) await c.close();
  seenPlain.length = 0;
  seenTls.length = 0;
});

afterAll(async () => {
  await plainOrigin.close();
  await tlsOrigin.close();
});

describe('http: requests through a proxy', () => {
  it('sends an absolute-form request with Proxy-Authorization to the proxy, which the origin never sees', async () => {
    const p = await proxy({ auth: { user: 'alice', pass: 's3cret' } });
    const url = `${plainOrigin.url}/page?q=1#frag`;
    const request = new Request(url, { meta: { proxy: p.url }, headers: { 'Proxy-Authorization': basic('alice', 's3cret'), 'X-Test': 'yes' } });
    const response = await make().download(request, crawler);
    expect(response.status).toBe(200);
    expect(response.text).toBe('plain /page?q=1');
    expect(p.requests).toHaveLength(1);
    expect(p.requests[0]!.target).toBe(`${plainOrigin.url}/page?q=1`);
    expect(p.requests[0]!.headers['proxy-authorization']).toBe(basic('alice', 's3cret'));
    // Host names the origin, not the proxy.
    expect(p.requests[0]!.headers.host).toBe(`127.0.0.1:${plainOrigin.port}`);
    expect(p.connects).toHaveLength(0);
    expect(seenPlain).toHaveLength(1);
    expect(seenPlain[0]!.headers['proxy-authorization']).toBeUndefined();
    expect(seenPlain[0]!.headers['x-test']).toBe('yes');
  });

  it('derives Proxy-Authorization from credentials in meta.proxy when the request has none', async () => {
    const p = await proxy({ auth: { user: 'ü ser', pass: 'p@ss' } });
    const proxyUrl = p.url.replace('://', `://${encodeURIComponent('ü ser')}:${encodeURIComponent('p@ss')}@`);
    const response = await make().download(new Request(`${plainOrigin.url}/creds`, { meta: { proxy: proxyUrl } }), crawler);
    expect(response.status).toBe(200);
    expect(p.requests[0]!.headers['proxy-authorization']).toBe(basic('ü ser', 'p@ss'));
  });

  it('returns a 407 from the proxy as a response, so the spider or errback sees it', async () => {
    const p = await proxy({ auth: { user: 'alice', pass: 's3cret' } });
    const response = await make().download(new Request(`${plainOrigin.url}/x`, { meta: { proxy: p.url } }), crawler);
    expect(response.status).toBe(407);
    expect(response.headers.get('proxy-authenticate')).toBe('Basic realm="test-proxy"');
    expect(seenPlain).toHaveLength(0);
  });

  it('reuses keep-alive connections to the proxy across origins', async () => {
    const p = await proxy();
    const handler = make();
    await handler.download(new Request(`${plainOrigin.url}/a`, { meta: { proxy: p.url } }), crawler);
    await handler.download(new Request(`http://localhost:${plainOrigin.port}/b`, { meta: { proxy: p.url } }), crawler);
    expect(p.requests.map((r) => r.target)).toEqual([`${plainOrigin.url}/a`, `http://localhost:${plainOrigin.port}/b`]);
    expect(seenPlain.map((s) => s.headers.host)).toEqual([`127.0.0.1:${plainOrigin.port}`, `localhost:${plainOrigin.port}`]);
  });

  it('never sends Proxy-Authorization to an origin when the request has no proxy', async () => {
    const response = await make().download(
      new Request(`${plainOrigin.url}/direct`, { headers: { 'Proxy-Authorization': basic('a', 'b'), 'X-Kept': '1' } }),
      crawler,
    );
    expect(response.status).toBe(200);
    expect(seenPlain[0]!.headers['proxy-authorization']).toBeUndefined();
    expect(seenPlain[0]!.headers['x-kept']).toBe('1');
  });

  it('treats meta.proxy null and empty as no proxy', async () => {
    const p = await proxy();
    const handler = make();
    await handler.download(new Request(`${plainOrigin.url}/n`, { meta: { proxy: null } }), crawler);
    await handler.download(new Request(`${plainOrigin.url}/e`, { meta: { proxy: '' } }), crawler);
    expect(seenPlain.map((s) => s.url)).toEqual(['/n', '/e']);
    expect(p.requests).toHaveLength(0);
  });

  it('names the proxy when it cannot be reached', async () => {
    const p = await proxy();
    await p.close();
    const error = await make()
      .download(new Request(`${plainOrigin.url}/x`, { meta: { proxy: p.url } }), crawler)
      .then(unexpected, (e: unknown) => e as Error);
    expect(error).toBeInstanceOf(ConnectionRefusedError);
    expect(error.message).toContain(`through proxy ${p.url}`);
  });
});

describe('https: requests through a CONNECT tunnel', () => {
  it('puts Proxy-Authorization on the CONNECT request and never inside the tunnel', async () => {
    const p = await proxy({ auth: { user: 'alice', pass: 's3cret' } });
    const request = new Request(`${tlsOrigin.url}/secret?x=1`, {
      meta: { proxy: p.url, tlsVerify: false },
      headers: { 'Proxy-Authorization': basic('alice', 's3cret'), 'X-Test': 'yes' },
    });
    const response = await make().download(request, crawler);
    expect(response.status).toBe(200);
    expect(response.text).toBe('secure /secret?x=1');
    expect(p.connects).toHaveLength(1);
    expect(p.connects[0]!.target).toBe(`127.0.0.1:${tlsOrigin.port}`);
    expect(p.connects[0]!.headers['proxy-authorization']).toBe(basic('alice', 's3cret'));
    expect(p.requests).toHaveLength(0);
    expect(seenTls).toHaveLength(1);
    expect(seenTls[0]!.headers['proxy-authorization']).toBeUndefined();
    expect(seenTls[0]!.headers['x-test']).toBe('yes');
    expect(seenTls[0]!.headers.host).toBe(`127.0.0.1:${tlsOrigin.port}`);
  });

  it('lets the proxy resolve the origin host name', async () => {
    const p = await proxy({ lookup: loopbackLookup({ 'secure.test': '127.0.0.1' }) });
    // The handler's own lookup cannot resolve secure.test: only the proxy can.
    const handler = make({ tlsVerify: false, lookup: loopbackLookup({}) });
    const response = await handler.download(new Request(`https://secure.test:${tlsOrigin.port}/named`, { meta: { proxy: p.url } }), crawler);
    expect(response.text).toBe('secure /named');
    expect(p.connects[0]!.target).toBe(`secure.test:${tlsOrigin.port}`);
  });

  it('verifies the origin certificate through the tunnel unless tlsVerify is off', async () => {
    const p = await proxy();
    const error = await make()
      .download(new Request(`${tlsOrigin.url}/v`, { meta: { proxy: p.url } }), crawler)
      .then(unexpected, (e: unknown) => e as Error);
    expect(error).toBeInstanceOf(TlsError);
    expect(error.message).toContain(`through proxy ${p.url}`);
    const trusting = make({ ca: TLS_CERT, lookup: loopbackLookup({ localhost: '127.0.0.1' }) });
    const ok = await trusting.download(new Request(`https://localhost:${tlsOrigin.port}/v`, { meta: { proxy: p.url } }), crawler);
    expect(ok.text).toBe('secure /v');
  });

  it('fails with a DownloadError naming the proxy and its status when the CONNECT is refused', async () => {
    const p = await proxy({ auth: { user: 'alice', pass: 's3cret' } });
    const url = `${tlsOrigin.url}/x`;
    const error = await make({ tlsVerify: false })
      .download(new Request(url, { meta: { proxy: p.url } }), crawler)
      .then(unexpected, (e: unknown) => e as Error);
    expect(error).toBeInstanceOf(DownloadError);
    expect(error.message).toBe(`Could not open CONNECT tunnel with proxy ${p.url} for ${url}: the proxy answered 407`);
    expect(seenTls).toHaveLength(0);
  });

  it('reuses a tunnel for the same credential and opens a new one for another', async () => {
    const p = await proxy();
    const handler = make({ tlsVerify: false });
    const get = (path: string, auth: string) =>
      handler.download(new Request(`${tlsOrigin.url}${path}`, { meta: { proxy: p.url }, headers: { 'Proxy-Authorization': auth } }), crawler);
    await get('/1', basic('a', '1'));
    await get('/2', basic('a', '1'));
    expect(p.connects).toHaveLength(1);
    await get('/3', basic('b', '2'));
    expect(p.connects.map((c) => c.headers['proxy-authorization'])).toEqual([basic('a', '1'), basic('b', '2')]);
    expect(seenTls.map((s) => s.headers['proxy-authorization'])).toEqual([undefined, undefined, undefined]);
  });

  it('fails within the connect timeout when the proxy never answers the CONNECT', async () => {
    const silent = await startRaw(() => undefined);
    closers.push(silent);
    const error = await make({ tlsVerify: false, connectTimeout: 0.2 })
      .download(new Request(`${tlsOrigin.url}/x`, { meta: { proxy: silent.url, downloadTimeout: 30 } }), crawler)
      .then(unexpected, (e: unknown) => e as Error);
    expect(error).toBeInstanceOf(DownloadTimeoutError);
    expect(error.message).toContain(`through proxy ${silent.url}`);
  });

  it('keeps repeated header lines inside the tunnel', async () => {
    const p = await proxy();
    const request = new Request(`${tlsOrigin.url}/multi`, { meta: { proxy: p.url, tlsVerify: false }, headers: [['X-Multi', 'one'], ['X-Multi', 'two']] });
    await make().download(request, crawler);
    const values = seenTls[0]!.raw.filter((_, i, raw) => i % 2 === 1 && raw[i - 1]!.toLowerCase() === 'x-multi');
    expect(values).toEqual(['one', 'two']);
  });
});

describe('https:// proxies', () => {
  it('speaks TLS to the proxy for both http: and https: targets', async () => {
    const p = await proxy({ tls: { key: TLS_KEY, cert: TLS_CERT } });
    expect(p.url.startsWith('https://')).toBe(true);
    // By name: TLS server names must not be IP addresses; the test certificate is for localhost.
    const proxyUrl = `https://localhost:${p.port}`;
    const handler = make({ ca: TLS_CERT, lookup: loopbackLookup({ localhost: '127.0.0.1' }) });
    const plain = await handler.download(new Request(`${plainOrigin.url}/via-tls-proxy`, { meta: { proxy: proxyUrl } }), crawler);
    expect(plain.text).toBe('plain /via-tls-proxy');
    const secure = await handler.download(
      new Request(`https://localhost:${tlsOrigin.port}/via-tls-proxy`, { meta: { proxy: proxyUrl } }),
      crawler,
    );
    expect(secure.text).toBe('secure /via-tls-proxy');
    expect(p.requests.map((r) => r.target)).toEqual([`${plainOrigin.url}/via-tls-proxy`]);
    expect(p.connects.map((c) => c.target)).toEqual([`localhost:${tlsOrigin.port}`]);
  });

  it('checks the https:// proxy certificate against the proxy name, not the http: target named in Host', async () => {
    const p = await proxy({ tls: { key: TLS_KEY, cert: TLS_CERT }, lookup: loopbackLookup({ 'shop.test': '127.0.0.1' }) });
    // The proxy resolves shop.test itself; the certificate is for localhost only, so using the target's name
    // (shop.test) as the TLS server name would fail with ERR_TLS_CERT_ALTNAME_INVALID.
    const handler = make({ ca: TLS_CERT, lookup: loopbackLookup({ localhost: '127.0.0.1' }) });
    const target = `http://shop.test:${new URL(plainOrigin.url).port}/named`;
    const response = await handler.download(new Request(target, { meta: { proxy: `https://localhost:${p.port}` } }), crawler);
    expect(response.status).toBe(200);
    expect(p.requests.map((r) => r.target)).toEqual([target]);
  });

  it('verifies the proxy certificate when tlsVerify is on', async () => {
    const p = await proxy({ tls: { key: TLS_KEY, cert: TLS_CERT } });
    const error = await make({ lookup: loopbackLookup({ localhost: '127.0.0.1' }) })
      .download(new Request(`${plainOrigin.url}/x`, { meta: { proxy: `https://localhost:${p.port}` } }), crawler)
      .then(unexpected, (e: unknown) => e as Error);
    expect(error).toBeInstanceOf(TlsError);
    expect(p.requests).toHaveLength(0);
  });
});

describe('meta.proxy validation', () => {
  it.each([
    ['socks5://127.0.0.1:1080', /must be an http:\/\/ or https:\/\/ proxy URL/],
    ['http://', /meta.proxy needs a host/],
    ['http:///var/run/proxy.sock', /meta.proxy needs a host/],
    ['http://[bad', /not a valid proxy URL/],
    [42, /must be a proxy URL string or null, got number/],
  ])('rejects %s with ConfigError naming the request', async (value, pattern) => {
    const url = `${plainOrigin.url}/bad`;
    const error = await make()
      .download(new Request(url, { meta: { proxy: value as string } }), crawler)
      .then(unexpected, (e: unknown) => e as Error);
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toMatch(pattern);
    expect(error.message).toContain(url);
    expect(seenPlain).toHaveLength(0);
  });

  it('never puts a proxy password in an error message', async () => {
    const error = await make()
      .download(new Request(`${plainOrigin.url}/bad`, { meta: { proxy: 'ftp://user:hunter2@127.0.0.1:21' } }), crawler)
      .then(unexpected, (e: unknown) => e as Error);
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).not.toContain('hunter2');
    expect(error.message).toContain('ftp://***@127.0.0.1:21');
  });

  it('reads a bare host:port as an http proxy', async () => {
    const p = await proxy();
    const response = await make().download(new Request(`${plainOrigin.url}/bare`, { meta: { proxy: `127.0.0.1:${p.port}` } }), crawler);
    expect(response.text).toBe('plain /bare');
    expect(p.requests).toHaveLength(1);
  });
});

describe('tunnel agents', () => {
  it('keeps at most MAX_TUNNEL_AGENTS and closes the least recently used', async () => {
    const agents = createAgentSet(resolveHttpOptions({}));
    const target = { href: 'http://127.0.0.1:9', secure: false, auth: undefined, servername: undefined };
    const first = agents.tunnel(crawler, target, 'Basic first', true, undefined);
    for (let i = 0; i < MAX_TUNNEL_AGENTS + 8; i++) agents.tunnel(crawler, target, `Basic ${i}`, true, undefined);
    // Idle agents finish closing at once; then only the live ones remain.
    await until(() => agents.size === MAX_TUNNEL_AGENTS);
    const state = first as unknown as { destroyed: boolean; closed: boolean };
    expect(state.closed || state.destroyed).toBe(true);
    // The most recent one is kept and returned again.
    const last = agents.tunnel(crawler, target, `Basic ${MAX_TUNNEL_AGENTS + 7}`, true, undefined);
    expect(agents.tunnel(crawler, target, `Basic ${MAX_TUNNEL_AGENTS + 7}`, true, undefined)).toBe(last);
    await agents.destroy();
    expect(agents.size).toBe(0);
  });

  it('close() ends open tunnels and the handler works again afterwards', async () => {
    const p = await proxy();
    const handler = make({ tlsVerify: false });
    await handler.download(new Request(`${tlsOrigin.url}/before`, { meta: { proxy: p.url } }), crawler);
    await handler.close?.(crawler, 'finished');
    const again = await handler.download(new Request(`${tlsOrigin.url}/after`, { meta: { proxy: p.url } }), crawler);
    expect(again.text).toBe('secure /after');
    // The first tunnel was closed with the handler, so the second request needed a new CONNECT.
    expect(p.connects).toHaveLength(2);
  });
});
