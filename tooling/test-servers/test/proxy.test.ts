import { request, type IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { handlers, loopbackLookup, startForwardProxy, startTestServer, type ForwardProxy, type TestServer } from '../src/index.js';
import { waitFor } from './helpers.js';

const closers: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((c) => c.close()));
});

async function origin(): Promise<TestServer> {
  const server = await startTestServer({ routes: { '/echo': handlers.echo(), 'GET /hello': handlers.text('hello') } });
  closers.push(server);
  return server;
}

async function proxy(...args: Parameters<typeof startForwardProxy>): Promise<ForwardProxy> {
  const p = await startForwardProxy(...args);
  closers.push(p);
  return p;
}

const basic = (user: string, pass: string): string => `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;

interface Answer {
  status: number;
  headers: IncomingMessage['headers'];
  text: string;
}

/** Sends an absolute-form request to the proxy. */
function viaProxy(p: ForwardProxy, target: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: p.port, method: init.method ?? 'GET', path: target, headers: init.headers ?? {}, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(init.body);
  });
}

/** Opens a CONNECT tunnel; resolves with the proxy's status and, on 200, the tunnel socket. */
function tunnel(p: ForwardProxy, target: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: IncomingMessage['headers']; socket: Socket }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: p.port, method: 'CONNECT', path: target, headers, agent: false });
    req.on('connect', (res: IncomingMessage, socket: Socket) => {
      closers.push({ close: async () => void socket.destroy() });
      resolve({ status: res.statusCode ?? 0, headers: res.headers, socket });
    });
    req.on('error', reject);
    req.end();
  });
}

/** One HTTP/1.1 exchange over a raw socket (the origin answers with Content-Length). */
function exchange(socket: Socket, head: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let data = '';
    socket.on('data', (chunk: Buffer) => {
      data += chunk.toString('latin1');
      const end = data.indexOf('\r\n\r\n');
      const length = /content-length: (\d+)/i.exec(data);
      if (end !== -1 && length && data.length >= end + 4 + Number(length[1])) resolve(data);
    });
    socket.on('error', reject);
    socket.write(head);
  });
}

describe('startForwardProxy: absolute-form requests', () => {
  it('forwards to a loopback origin and records the request line and headers', async () => {
    const server = await origin();
    const p = await proxy();
    const target = `${server.url}/echo?x=1`;
    const answer = await viaProxy(p, target, { headers: { 'X-Test': 'yes', 'Proxy-Connection': 'keep-alive', 'Proxy-Authorization': basic('u', 'p') } });
    expect(answer.status).toBe(200);
    const echoed = JSON.parse(answer.text) as { url: string; headers: Record<string, string> };
    expect(echoed.url).toBe('/echo?x=1');
    expect(echoed.headers['x-test']).toBe('yes');
    expect(echoed.headers['proxy-connection']).toBeUndefined();
    // Without auth of its own, the proxy relays the credential like any end-to-end header.
    expect(echoed.headers['proxy-authorization']).toBe(basic('u', 'p'));
    expect(p.requests).toHaveLength(1);
    expect(p.requests[0]).toMatchObject({ method: 'GET', target });
    expect(p.requests[0]!.headers['x-test']).toBe('yes');
  });

  it('forwards a POST body', async () => {
    const server = await origin();
    const p = await proxy();
    const answer = await viaProxy(p, `${server.url}/echo`, { method: 'POST', body: 'a=1&b=2', headers: { 'Content-Type': 'text/plain' } });
    expect(JSON.parse(answer.text)).toMatchObject({ method: 'POST', body: 'a=1&b=2' });
  });

  it('answers 407 with Proxy-Authenticate without the right credentials, and consumes them otherwise', async () => {
    const server = await origin();
    const p = await proxy({ auth: { user: 'alice', pass: 's3cret' } });
    const missing = await viaProxy(p, `${server.url}/hello`);
    expect(missing.status).toBe(407);
    expect(missing.headers['proxy-authenticate']).toBe('Basic realm="test-proxy"');
    const wrong = await viaProxy(p, `${server.url}/hello`, { headers: { 'Proxy-Authorization': basic('alice', 'nope') } });
    expect(wrong.status).toBe(407);
    expect(server.requests).toHaveLength(0);
    const ok = await viaProxy(p, `${server.url}/echo`, { headers: { 'Proxy-Authorization': basic('alice', 's3cret') } });
    expect(ok.status).toBe(200);
    expect((JSON.parse(ok.text) as { headers: Record<string, string> }).headers['proxy-authorization']).toBeUndefined();
    expect(p.requests.map((r) => r.headers['proxy-authorization'])).toEqual([undefined, basic('alice', 'nope'), basic('alice', 's3cret')]);
  });

  it('refuses targets that are not loopback with 403, and origin-form requests with 400', async () => {
    const p = await proxy();
    expect((await viaProxy(p, 'http://10.1.2.3/')).status).toBe(403);
    expect((await viaProxy(p, 'http://unlisted.test/')).status).toBe(403);
    expect((await viaProxy(p, '/relative')).status).toBe(400);
  });

  it('resolves names through the lookup option', async () => {
    const server = await origin();
    const p = await proxy({ lookup: loopbackLookup({ 'a.test': '127.0.0.1' }) });
    const answer = await viaProxy(p, `http://a.test:${server.port}/echo`);
    expect(answer.status).toBe(200);
    expect(server.requests[0]!.host).toBe(`a.test:${server.port}`);
  });

  it('answers 502 when the origin is down', async () => {
    const server = await origin();
    await server.close();
    const p = await proxy();
    expect((await viaProxy(p, `${server.url}/hello`)).status).toBe(502);
  });
});

describe('startForwardProxy: CONNECT', () => {
  it('tunnels to a loopback origin and records the CONNECT', async () => {
    const server = await origin();
    const p = await proxy();
    const target = `127.0.0.1:${server.port}`;
    const opened = await tunnel(p, target, { 'X-Connect': '1' });
    expect(opened.status).toBe(200);
    const raw = await exchange(opened.socket, `GET /hello HTTP/1.1\r\nHost: ${target}\r\n\r\n`);
    expect(raw).toMatch(/^HTTP\/1\.1 200/);
    expect(raw.endsWith('hello')).toBe(true);
    expect(p.connects).toEqual([{ target, headers: expect.objectContaining({ 'x-connect': '1' }) }]);
    expect(p.requests).toHaveLength(0);
  });

  it('checks credentials on the CONNECT request', async () => {
    const server = await origin();
    const p = await proxy({ auth: { user: 'alice', pass: 's3cret' } });
    const target = `127.0.0.1:${server.port}`;
    const refused = await tunnel(p, target);
    expect(refused.status).toBe(407);
    expect(refused.headers['proxy-authenticate']).toBe('Basic realm="test-proxy"');
    const accepted = await tunnel(p, target, { 'Proxy-Authorization': basic('alice', 's3cret') });
    expect(accepted.status).toBe(200);
  });

  it('refuses tunnels to other addresses with 403 and unreachable ports with 502', async () => {
    const server = await origin();
    const p = await proxy();
    expect((await tunnel(p, '10.1.2.3:443')).status).toBe(403);
    expect((await tunnel(p, 'example.invalid:443')).status).toBe(403);
    await server.close();
    expect((await tunnel(p, `127.0.0.1:${server.port}`)).status).toBe(502);
  });

  it('close() tears down open tunnels', async () => {
    const server = await origin();
    const p = await proxy();
    const opened = await tunnel(p, `127.0.0.1:${server.port}`);
    let closed = false;
    opened.socket.once('close', () => (closed = true));
    await p.close();
    await waitFor(() => closed);
    await expect(p.close()).resolves.toBeUndefined();
  });
});
