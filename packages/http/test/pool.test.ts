import { afterEach, describe, expect, it } from 'vitest';
import type { Server, ServerResponse } from 'node:http';
import { ConnectionLostError, Request, type DownloadHandler } from '@crawl/core';
import { httpHandler } from '../src/index.js';
import { fakeCrawler, startHttp, until, type FakeCrawler, type Started } from './support.js';

const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function setup(
  respond: (res: ServerResponse, path: string) => void,
  handlerOptions: Parameters<typeof httpHandler>[0] = {},
  crawler: FakeCrawler = fakeCrawler(),
): Promise<{ server: Started<Server>; handler: DownloadHandler; crawler: FakeCrawler }> {
  const server = await startHttp((req, res) => respond(res, req.url ?? '/'));
  cleanups.push(() => server.close());
  const handler = httpHandler(handlerOptions);
  await handler.open?.(crawler);
  cleanups.push(() => handler.close?.(crawler, 'finished'));
  return { server, handler, crawler };
}

/** A server that holds every response until told, counting requests in flight at once. */
function holdingServer() {
  const held: ServerResponse[] = [];
  let inFlight = 0;
  let peak = 0;
  const respond = (res: ServerResponse) => {
    inFlight++;
    peak = Math.max(peak, inFlight);
    res.on('close', () => inFlight--);
    held.push(res);
  };
  const releaseAll = () => {
    for (const res of held.splice(0)) res.end('done');
  };
  return { respond, releaseAll, held, peak: () => peak };
}

describe('connection pools', () => {
  it('reuses one keep-alive connection for sequential requests', async () => {
    const { server, handler, crawler } = await setup((res) => res.end('hello'));
    for (let i = 0; i < 20; i++) {
      const response = await handler.download(new Request(`${server.url}/page/${i}`), crawler);
      expect(response.text).toBe('hello');
    }
    expect(server.connections).toHaveLength(1);
  });

  it('limits connections per origin to the connections option', async () => {
    const hold = holdingServer();
    const { server, handler, crawler } = await setup(hold.respond, { connections: 2 });
    const downloads = Array.from({ length: 6 }, (_, i) => handler.download(new Request(`${server.url}/${i}`), crawler));
    await until(() => hold.held.length === 2, 5000, 'two held requests');
    // Give undici the chance to (wrongly) open more connections before releasing.
    await new Promise((r) => setTimeout(r, 50));
    expect(server.connections).toHaveLength(2);
    while ((await Promise.race([Promise.all(downloads).then(() => true), new Promise((r) => setTimeout(() => r(false), 10))])) === false) {
      hold.releaseAll();
    }
    expect(hold.peak()).toBe(2);
    expect(server.connections).toHaveLength(2);
  });

  it('follows concurrentRequestsPerDomain when connections is not set', async () => {
    const hold = holdingServer();
    const { server, handler, crawler } = await setup(hold.respond, {}, fakeCrawler({ concurrentRequestsPerDomain: 3 }));
    const downloads = Array.from({ length: 8 }, (_, i) => handler.download(new Request(`${server.url}/${i}`), crawler));
    await until(() => hold.held.length === 3, 5000, 'three held requests');
    await new Promise((r) => setTimeout(r, 50));
    expect(server.connections).toHaveLength(3);
    while ((await Promise.race([Promise.all(downloads).then(() => true), new Promise((r) => setTimeout(() => r(false), 10))])) === false) {
      hold.releaseAll();
    }
    expect(hold.peak()).toBe(3);
  });

  it('keeps separate pools per origin', async () => {
    const { server: a, handler, crawler } = await setup((res) => res.end('a'), { connections: 1 });
    const b = await startHttp((_req, res) => res.end('b'));
    cleanups.push(() => b.close());
    for (let i = 0; i < 3; i++) {
      expect((await handler.download(new Request(`${a.url}/`), crawler)).text).toBe('a');
      expect((await handler.download(new Request(`${b.url}/`), crawler)).text).toBe('b');
    }
    expect(a.connections).toHaveLength(1);
    expect(b.connections).toHaveLength(1);
  });

  it('never shares connections between two handlers', async () => {
    const { server, handler, crawler } = await setup((res) => res.end('x'));
    const other = httpHandler();
    cleanups.push(() => other.close?.(crawler, 'finished'));
    await handler.download(new Request(`${server.url}/`), crawler);
    await other.download(new Request(`${server.url}/`), crawler);
    await handler.download(new Request(`${server.url}/`), crawler);
    await other.download(new Request(`${server.url}/`), crawler);
    expect(server.connections).toHaveLength(2);
  });

  it('close() ends the pooled keep-alive sockets', async () => {
    const { server, handler, crawler } = await setup((res) => res.end('x'));
    await handler.download(new Request(`${server.url}/`), crawler);
    const socket = server.connections[0]!;
    let closed = false;
    socket.on('close', () => (closed = true));
    expect(socket.destroyed).toBe(false);
    await handler.close?.(crawler, 'finished');
    await until(() => closed, 5000, 'server-side socket close');
    // The handler can be used again after close: it builds new pools.
    expect((await handler.download(new Request(`${server.url}/`), crawler)).text).toBe('x');
    expect(server.connections).toHaveLength(2);
  });

  it('close() fails downloads still in flight', async () => {
    const hold = holdingServer();
    const { server, handler, crawler } = await setup(hold.respond);
    const pending = handler.download(new Request(`${server.url}/slow`), crawler).catch((e: unknown) => e);
    await until(() => hold.held.length === 1, 5000, 'held request');
    await handler.close?.(crawler, 'shutdown');
    const error = (await pending) as Error;
    expect(error).toBeInstanceOf(ConnectionLostError);
    expect(error.message).toMatch(/handler was closed/);
  });
});
