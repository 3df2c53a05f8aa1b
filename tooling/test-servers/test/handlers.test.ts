import { afterEach, describe, expect, it } from 'vitest';
import { handlers, startTestServer, type RouteHandler, type TestServer } from '../src/index.js';
import { rawRequest, sleep, waitFor } from './helpers.js';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function serve(routes: Record<string, RouteHandler>): Promise<TestServer> {
  server = await startTestServer({ routes });
  return server;
}

describe('handlers', () => {
  it('bytes: the body as given, with or without a Content-Type, and hits() counts each path plus query', async () => {
    const png = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0, 255]);
    const s = await serve({ '/b': handlers.bytes(png, 'image/png'), '/bare': handlers.bytes('no type', undefined, 203) });
    const b = await fetch(`${s.url}/b`);
    expect(b.headers.get('content-type')).toBe('image/png');
    expect(b.headers.get('content-length')).toBe('6');
    expect(new Uint8Array(await b.arrayBuffer())).toEqual(png);
    const bare = await fetch(`${s.url}/bare?x=1`);
    expect(bare.status).toBe(203);
    expect(bare.headers.get('content-type')).toBeNull();
    expect(await bare.text()).toBe('no type');
    await (await fetch(`${s.url}/b`)).arrayBuffer();
    expect([s.hits('/b'), s.hits('/bare?x=1'), s.hits('/bare'), s.hits('/nowhere')]).toEqual([2, 1, 0, 0]);
  });

  it('html / text / json', async () => {
    const s = await serve({
      '/h': handlers.html('<h1>hi</h1>'),
      '/h2': handlers.html('<p>gone</p>', 410, { 'X-Test': '1', 'content-type': 'text/html; charset=latin1' }),
      '/t': handlers.text('plain £', 201),
      '/j': handlers.json({ a: [1, 2], b: 'é' }),
      '/j2': handlers.json(undefined, 500),
    });
    const h = await fetch(`${s.url}/h`);
    expect(h.status).toBe(200);
    expect(h.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await h.text()).toBe('<h1>hi</h1>');

    const h2 = await fetch(`${s.url}/h2`);
    expect(h2.status).toBe(410);
    expect(h2.headers.get('x-test')).toBe('1');
    expect(h2.headers.get('content-type')).toBe('text/html; charset=latin1');
    await h2.arrayBuffer();

    const t = await fetch(`${s.url}/t`);
    expect(t.status).toBe(201);
    expect(t.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(t.headers.get('content-length')).toBe(String(Buffer.byteLength('plain £')));
    expect(await t.text()).toBe('plain £');

    const j = await fetch(`${s.url}/j`);
    expect(j.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(await j.json()).toEqual({ a: [1, 2], b: 'é' });
    const j2 = await fetch(`${s.url}/j2`);
    expect(j2.status).toBe(500);
    expect(await j2.text()).toBe('null');
  });

  it('status', async () => {
    const s = await serve({
      '/503': handlers.status(503),
      '/429': handlers.status(429, 'slow down', { 'Retry-After': '2' }),
      '/204': handlers.status(204),
      '/599': handlers.status(599),
    });
    const a = await rawRequest(`${s.url}/503`);
    expect(a.status).toBe(503);
    expect(a.text).toBe('Service Unavailable\n');
    const b = await rawRequest(`${s.url}/429`);
    expect(b.status).toBe(429);
    expect(b.headers['retry-after']).toBe('2');
    expect(b.text).toBe('slow down');
    const c = await rawRequest(`${s.url}/204`);
    expect(c.status).toBe(204);
    expect(c.body.length).toBe(0);
    const d = await rawRequest(`${s.url}/599`);
    expect(d.status).toBe(599);
  });

  it('redirect', async () => {
    const s = await serve({
      '/old': handlers.redirect('/new'),
      '/perm': handlers.redirect('/new?a=1&b=2', 301),
      '/new': handlers.text('arrived'),
    });
    const r = await rawRequest(`${s.url}/old`);
    expect(r.status).toBe(302);
    expect(r.headers.location).toBe('/new');
    const p = await rawRequest(`${s.url}/perm`);
    expect(p.status).toBe(301);
    expect(p.headers.location).toBe('/new?a=1&b=2');
    expect(p.text).toContain('href="/new?a=1&amp;b=2"');
    const followed = await fetch(`${s.url}/old`);
    expect(followed.url).toBe(`${s.url}/new`);
    expect(await followed.text()).toBe('arrived');
  });

  it('delay waits before answering', async () => {
    const s = await serve({ '/slow': handlers.delay(120, handlers.text('late')) });
    const t0 = Date.now();
    const r = await rawRequest(`${s.url}/slow`);
    expect(r.text).toBe('late');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(100);
  });

  it('delay clears its timer when the client aborts', async () => {
    let innerCalls = 0;
    const s = await serve({
      '/slow': handlers.delay(150, () => {
        innerCalls += 1;
      }),
    });
    const ac = new AbortController();
    const p = rawRequest(`${s.url}/slow`, { signal: ac.signal });
    await waitFor(() => s.inFlight() === 1);
    ac.abort();
    await expect(p).rejects.toThrow();
    await waitFor(() => s.inFlight() === 0);
    await sleep(200);
    expect(innerCalls).toBe(0);
  });

  it('delay clears its timer when the server closes', async () => {
    let innerCalls = 0;
    const s = await serve({
      '/slow': handlers.delay(150, () => {
        innerCalls += 1;
      }),
    });
    const pending = expect(rawRequest(`${s.url}/slow`)).rejects.toThrow();
    await waitFor(() => s.inFlight() === 1);
    await s.close();
    await pending;
    expect(s.inFlight()).toBe(0);
    await sleep(200);
    expect(innerCalls).toBe(0);
  });

  it('stall never answers; the client times out, and close() ends it', async () => {
    const s = await serve({ '/stall': handlers.stall() });
    await expect(fetch(`${s.url}/stall`, { signal: AbortSignal.timeout(100) })).rejects.toThrow();
    await waitFor(() => s.inFlight() === 0);

    const pending = expect(rawRequest(`${s.url}/stall`)).rejects.toThrow();
    await waitFor(() => s.inFlight() === 1);
    const t0 = Date.now();
    await s.close();
    expect(Date.now() - t0).toBeLessThan(1000);
    await pending;
    expect(s.inFlight()).toBe(0);
  });

  it('reset destroys the socket without a response', async () => {
    const s = await serve({ '/reset': handlers.reset(), '/ok': handlers.text('ok') });
    await expect(rawRequest(`${s.url}/reset`)).rejects.toMatchObject({ code: expect.stringMatching(/ECONNRESET|EPIPE/) });
    await expect(fetch(`${s.url}/reset`)).rejects.toThrow(TypeError);
    expect((await rawRequest(`${s.url}/ok`)).text).toBe('ok');
    await waitFor(() => s.inFlight() === 0);
  });

  it('sequence uses each handler once, then repeats the last', async () => {
    const s = await serve({
      '/seq': handlers.sequence(handlers.status(500), handlers.status(503), handlers.text('fine')),
    });
    const codes: number[] = [];
    for (let i = 0; i < 5; i++) codes.push((await rawRequest(`${s.url}/seq`)).status);
    expect(codes).toEqual([500, 503, 200, 200, 200]);
    expect(() => handlers.sequence()).toThrow();
  });

  it('echo returns method, url, headers and body', async () => {
    const s = await serve({ '/echo': handlers.echo() });
    const r = await rawRequest(`${s.url}/echo?x=1&y=%20`, {
      method: 'POST',
      headers: { 'X-Custom': 'abc', 'Content-Type': 'text/plain' },
      body: 'hello £',
    });
    const v = JSON.parse(r.text) as { method: string; url: string; headers: Record<string, string>; body: string };
    expect(v.method).toBe('POST');
    expect(v.url).toBe('/echo?x=1&y=%20');
    expect(v.headers['x-custom']).toBe('abc');
    expect(v.headers.host).toBe(`127.0.0.1:${s.port}`);
    expect(v.body).toBe('hello £');
  });
});
