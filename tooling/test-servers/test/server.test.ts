import { Agent } from 'node:http';
import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { handlers, parseRouteKey, startTestServer, type TestServer } from '../src/index.js';
import { rawRequest, waitFor } from './helpers.js';

const servers: TestServer[] = [];
async function start(...args: Parameters<typeof startTestServer>): Promise<TestServer> {
  const s = await startTestServer(...args);
  servers.push(s);
  return s;
}
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function ipv6LoopbackAvailable(): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen({ host: '::1', port: 0, ipv6Only: true }, () => probe.close(() => resolve(true)));
  });
}

describe('startTestServer', () => {
  it('binds 127.0.0.1 on an ephemeral port by default', async () => {
    const s = await start();
    expect(s.host).toBe('127.0.0.1');
    expect(s.port).toBeGreaterThan(0);
    expect(s.url).toBe(`http://127.0.0.1:${s.port}`);
    const r = await rawRequest(`${s.url}/missing`);
    expect(r.status).toBe(404);
    expect(r.text).toBe('Not Found\n');
  });

  it('refuses non-loopback hosts', async () => {
    await expect(startTestServer({ host: '0.0.0.0' as '127.0.0.1' })).rejects.toThrow(/refusing to bind/);
  });

  it('binds ::1', async (ctx) => {
    if (!(await ipv6LoopbackAvailable())) {
      console.warn('test-servers: IPv6 loopback (::1) is unavailable here; skipping the ::1 test');
      ctx.skip('IPv6 loopback (::1) unavailable');
    }
    const s = await start({ host: '::1', routes: { '/': handlers.text('v6') } });
    expect(s.host).toBe('::1');
    expect(s.url).toBe(`http://[::1]:${s.port}`);
    const res = await fetch(`${s.url}/`);
    expect(await res.text()).toBe('v6');
    expect(s.requests[0]!.host).toBe(`[::1]:${s.port}`);
  });

  it('routes by method and path; query is ignored; HEAD falls back to GET', async () => {
    const s = await start({
      routes: {
        'GET /a': handlers.text('get a'),
        'post /a': handlers.text('post a'),
        '/any': handlers.text('any'),
        'GET /files/*': handlers.text('file'),
        'GET /files/special/*': handlers.text('special'),
      },
    });
    expect((await rawRequest(`${s.url}/a?x=1`)).text).toBe('get a');
    expect((await rawRequest(`${s.url}/a`, { method: 'POST', body: 'b' })).text).toBe('post a');
    expect((await rawRequest(`${s.url}/a`, { method: 'PUT' })).status).toBe(404);
    expect((await rawRequest(`${s.url}/any`, { method: 'DELETE' })).text).toBe('any');
    expect((await rawRequest(`${s.url}/files/x/y.txt`)).text).toBe('file');
    expect((await rawRequest(`${s.url}/files/special/z`)).text).toBe('special');
    const head = await rawRequest(`${s.url}/a`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers['content-length']).toBe('5');
    expect(head.body.length).toBe(0);
  });

  it('route() adds and replaces routes at runtime; custom fallback', async () => {
    const s = await start({ fallback: handlers.status(418, 'teapot') });
    expect((await rawRequest(`${s.url}/x`)).status).toBe(418);
    s.route('GET', '/x', handlers.text('one'));
    expect((await rawRequest(`${s.url}/x`)).text).toBe('one');
    s.route('get', '/x', handlers.text('two'));
    expect((await rawRequest(`${s.url}/x`)).text).toBe('two');
    s.route('*', '/y', handlers.text('star'));
    expect((await rawRequest(`${s.url}/y`, { method: 'PATCH' })).text).toBe('star');
    expect(() => s.route('GET', 'no-slash', handlers.text(''))).toThrow();
  });

  it('parses route keys', () => {
    expect(parseRouteKey('GET /a')).toEqual(['GET', '/a']);
    expect(parseRouteKey('/a b')).toEqual(['*', '/a b']);
    expect(parseRouteKey('delete  /x')).toEqual(['DELETE', '/x']);
    expect(() => parseRouteKey('GET a')).toThrow();
  });

  it('a throwing or rejecting handler gives a 500', async () => {
    const s = await start({
      routes: {
        '/throw': () => {
          throw new Error('boom');
        },
        '/reject': async () => {
          await Promise.resolve();
          throw new Error('later');
        },
      },
    });
    const a = await rawRequest(`${s.url}/throw`);
    expect(a.status).toBe(500);
    expect(a.text).toContain('boom');
    const b = await rawRequest(`${s.url}/reject`);
    expect(b.status).toBe(500);
    expect(b.text).toContain('later');
  });

  it('records every request in order with method, url, headers, body, host and time', async () => {
    const s = await start({ routes: { '/echo': handlers.echo() } });
    const t0 = Date.now();
    await rawRequest(`${s.url}/first?q=1`);
    await rawRequest(`${s.url}/echo`, { method: 'POST', body: Buffer.from([1, 2, 3]), headers: { 'X-A': 'b' } });
    await fetch(`${s.url}/third`).then((r) => r.arrayBuffer());
    expect(s.requests.map((r) => `${r.method} ${r.url}`)).toEqual(['GET /first?q=1', 'POST /echo', 'GET /third']);
    const post = s.requests[1]!;
    expect(post.body).toEqual(Buffer.from([1, 2, 3]));
    expect(post.headers['x-a']).toBe('b');
    expect(post.host).toBe(`127.0.0.1:${s.port}`);
    expect(post.at).toBeGreaterThanOrEqual(t0);
    expect(post.at).toBeLessThanOrEqual(Date.now());
  });

  it('tracks inFlight and peakInFlight with concurrent requests; resetStats()', async () => {
    const s = await start({ routes: { '/slow': handlers.delay(150, handlers.text('ok')), '/fast': handlers.text('f') } });
    expect(s.inFlight()).toBe(0);
    expect(s.peakInFlight()).toBe(0);
    const all = Promise.all(Array.from({ length: 5 }, (_, i) => rawRequest(`${s.url}/slow?i=${i}`)));
    await waitFor(() => s.inFlight() === 5);
    expect(s.peakInFlight()).toBe(5);
    const results = await all;
    expect(results.every((r) => r.text === 'ok')).toBe(true);
    await waitFor(() => s.inFlight() === 0);
    expect(s.peakInFlight()).toBe(5);

    await Promise.all(Array.from({ length: 3 }, () => fetch(`${s.url}/slow`).then((r) => r.text())));
    expect(s.peakInFlight()).toBe(5);

    const requests = s.requests;
    s.resetStats();
    expect(s.peakInFlight()).toBe(0);
    expect(s.requests).toHaveLength(0);
    expect(requests).toBe(s.requests);
    await rawRequest(`${s.url}/fast`);
    await rawRequest(`${s.url}/fast`);
    expect(s.peakInFlight()).toBe(1);
    expect(s.requests).toHaveLength(2);
  });

  it('close() destroys keep-alive sockets, is idempotent and bounded', async () => {
    const s = await startTestServer({ routes: { '/': handlers.text('hi'), '/stall': handlers.stall() } });
    const agent = new Agent({ keepAlive: true, maxSockets: 4 });
    try {
      await Promise.all([rawRequest(`${s.url}/`, { agent }), rawRequest(`${s.url}/`, { agent })]);
      // The agent keeps its sockets open and idle.
      const idle = Object.values(agent.freeSockets).flat().length;
      expect(idle).toBeGreaterThan(0);
      // One keep-alive connection from fetch's pool too, and one stalled request.
      await fetch(`${s.url}/`).then((r) => r.text());
      const stalled = expect(rawRequest(`${s.url}/stall`)).rejects.toThrow();
      await waitFor(() => s.inFlight() === 1);

      const t0 = Date.now();
      const p1 = s.close();
      const p2 = s.close();
      expect(p2).toBe(p1);
      await p1;
      await s.close();
      expect(Date.now() - t0).toBeLessThan(1000);
      await stalled;
      await waitFor(() => Object.values(agent.freeSockets).flat().length === 0);
      await expect(rawRequest(`${s.url}/`)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    } finally {
      agent.destroy();
      await s.close();
    }
  });
});

describe('other loopback addresses', () => {
  it('binds 127.0.0.2 as a second host and refuses non-loopback addresses', async () => {
    const server = await startTestServer({ host: '127.0.0.2', routes: { '/': handlers.text('two') } });
    try {
      expect(server.url).toMatch(/^http:\/\/127\.0\.0\.2:\d+$/);
      expect(await (await fetch(`${server.url}/`)).text()).toBe('two');
    } finally {
      await server.close();
    }
    await expect(startTestServer({ host: '10.0.0.1' })).rejects.toThrow(/refusing to bind/);
    await expect(startTestServer({ host: '0.0.0.0' })).rejects.toThrow(/refusing to bind/);
  });
});
