import { afterEach, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type RequestListener, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { isIP, type AddressInfo, type LookupFunction, type Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { X509Certificate } from 'node:crypto';
import { Request, type DownloadHandler } from '@crawl/core';
import { loopbackLookup, startForwardProxy } from '@crawl/test-servers';
import { httpHandler } from '../src/index.js';
import { fakeCrawler, startHttp, startHttps, startRaw, TLS_CERT, TLS_KEY } from './support.js';

/** A second self-signed certificate (CN=proxy.test, SAN 127.0.0.1), so a test can tell the proxy's from the origin's. */
const PROXY_CERT = readFileSync(new URL('./fixtures/proxy-cert.pem', import.meta.url));
const PROXY_KEY = readFileSync(new URL('./fixtures/proxy-key.pem', import.meta.url));
const ORIGIN_X509 = new X509Certificate(TLS_CERT);
const PROXY_X509 = new X509Certificate(PROXY_CERT);

const crawler = fakeCrawler();
const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function make(options: Parameters<typeof httpHandler>[0] = {}): DownloadHandler {
  const handler = httpHandler(options);
  cleanups.push(() => handler.close?.(crawler, 'finished'));
  return handler;
}

/** Listens on `host` (loopback only) and `port` (0 = any); destroys its sockets on cleanup. */
function listen(server: Server, host: '127.0.0.1' | '::1', port: number): Promise<number> {
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      cleanups.push(
        () =>
          new Promise<void>((done) => {
            for (const socket of sockets) socket.destroy();
            server.close(() => done());
          }),
      );
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/** The local address of a server-side socket, as the client sees the remote one (no IPv4-mapped prefix). */
function served(socket: Socket): string {
  const address = socket.localAddress ?? '';
  return address.startsWith('::ffff:') ? address.slice(7) : address;
}

/** One origin served on both 127.0.0.1:P and [::1]:P by two servers sharing a request listener. */
async function dualStackOrigin(listener: RequestListener): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const v4 = createHttpServer(listener);
    const port = await listen(v4, '127.0.0.1', 0);
    const v6 = createHttpServer(listener);
    try {
      await listen(v6, '::1', port);
      return port;
    } catch (error) {
      // Port P is taken on ::1 by something else: try another P.
      if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    }
  }
  throw new Error('no port free on both 127.0.0.1 and ::1 after 20 attempts');
}

/** A dns.lookup that answers 127.0.0.1, ::1, 127.0.0.1, … for successive calls (one per new connection). */
function alternatingLookup(): { lookup: LookupFunction; calls: () => number } {
  let calls = 0;
  const lookup = ((_hostname: string, options: unknown, callback: (...args: unknown[]) => void) => {
    const address = calls++ % 2 === 0 ? '127.0.0.1' : '::1';
    const family = isIP(address);
    const all = typeof options === 'object' && options !== null && (options as { all?: boolean }).all === true;
    process.nextTick(() => (all ? callback(null, [{ address, family }]) : callback(null, address, family)));
  }) as LookupFunction;
  return { lookup, calls: () => calls };
}

describe('response.ipAddress', () => {
  it('is the server address on 127.0.0.1, with ip as an alias and no certificate for http', async () => {
    const server = await startHttp((_req, res) => res.end('v4'));
    cleanups.push(() => server.close());
    const response = await make().download(new Request(`${server.url}/`), crawler);
    expect(response.text).toBe('v4');
    expect(response.ipAddress).toBe('127.0.0.1');
    expect(response.ip).toBe('127.0.0.1');
    expect(response.certificate).toBeUndefined();
  });

  it('is ::1 for a server on ::1', async () => {
    const server = await startHttp((_req, res) => res.end('v6'), '::1');
    cleanups.push(() => server.close());
    const response = await make().download(new Request(`http://[::1]:${server.port}/`), crawler);
    expect(response.text).toBe('v6');
    expect(response.ipAddress).toBe('::1');
  });

  it('belongs to the connection that carried each response, under keep-alive and concurrency', async () => {
    // Every response names the address it was served on and its connection. The origin's connections
    // alternate between 127.0.0.1 and ::1, so any mix-up between connections shows.
    const ids = new WeakMap<Socket, number>();
    let nextId = 0;
    const port = await dualStackOrigin((req, res) => {
      let id = ids.get(req.socket);
      if (id === undefined) ids.set(req.socket, (id = nextId++));
      const body = `${served(req.socket)} ${id}`;
      // Held a moment, so a round's requests overlap and need several connections.
      setTimeout(() => res.end(body), 10);
    });
    const { lookup, calls } = alternatingLookup();
    const handler = make({ connections: 4, lookup });
    const seen = new Map<number, string>();
    for (let round = 0; round < 5; round++) {
      const responses = await Promise.all(
        Array.from({ length: 4 }, (_, i) => handler.download(new Request(`http://dual.test:${port}/${round}/${i}`), crawler)),
      );
      for (const response of responses) {
        const [address, id] = response.text.split(' ');
        expect(response.ipAddress).toBe(address);
        seen.set(Number(id), address!);
      }
    }
    // 20 requests over at most 4 kept-alive connections, both families in use at once.
    expect(seen.size).toBeGreaterThanOrEqual(2);
    expect(seen.size).toBeLessThanOrEqual(4);
    expect(calls()).toBe(seen.size);
    expect(new Set(seen.values())).toEqual(new Set(['127.0.0.1', '::1']));
  });

  it('is kept on a response cut short (dataloss), read after its socket closed', async () => {
    const server = await startRaw((socket) => {
      socket.end('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly part');
    });
    cleanups.push(() => server.close());
    const response = await make().download(new Request(`${server.url}/`, { meta: { downloadFailOnDataloss: false } }), crawler);
    expect(response.flags).toContain('dataloss');
    expect(response.ipAddress).toBe('127.0.0.1');
  });
});

describe('response.certificate', () => {
  it("is the server's certificate for https, on every request of a kept-alive connection", async () => {
    const server = await startHttps((_req, res) => res.end('secure'));
    cleanups.push(() => server.close());
    const handler = make({ ca: TLS_CERT, lookup: loopbackLookup({ localhost: '127.0.0.1' }) });
    for (let i = 0; i < 3; i++) {
      const response = await handler.download(new Request(`https://localhost:${server.port}/${i}`), crawler);
      expect(response.text).toBe('secure');
      expect(response.ipAddress).toBe('127.0.0.1');
      expect(response.certificate?.fingerprint256).toBe(ORIGIN_X509.fingerprint256);
      expect(response.certificate?.subject.CN).toBe('localhost');
      expect(response.certificate?.raw.equals(ORIGIN_X509.raw)).toBe(true);
    }
    expect(server.connections).toHaveLength(1);
  });

  it('is still there on a connection that resumed an earlier TLS session (no certificate on the wire)', async () => {
    const resumed: boolean[] = [];
    let hold: (() => void) | undefined;
    const server = await startHttps((req, res) => {
      if (req.url === '/hold') {
        // Keeps one connection of the pool busy, so the pool (and its TLS session cache) stays alive.
        hold = () => res.end('held');
        return;
      }
      resumed.push((req.socket as TLSSocket).isSessionReused());
      res.writeHead(200, { Connection: 'close' });
      res.end('closing');
    });
    cleanups.push(() => server.close());
    const handler = make({ ca: TLS_CERT, connections: 2, lookup: loopbackLookup({ localhost: '127.0.0.1' }) });
    const origin = `https://localhost:${server.port}`;
    const held = handler.download(new Request(`${origin}/hold`), crawler);
    for (let i = 0; i < 3; i++) {
      const response = await handler.download(new Request(`${origin}/${i}`), crawler);
      expect(response.certificate?.fingerprint256).toBe(ORIGIN_X509.fingerprint256);
    }
    // The case under test happened: later connections resumed the session.
    expect(resumed).toEqual([false, true, true]);
    hold?.();
    expect((await held).certificate?.fingerprint256).toBe(ORIGIN_X509.fingerprint256);
  });

  it("through a CONNECT tunnel is the origin's, while ipAddress is the proxy's", async () => {
    // Origin on ::1, proxy on 127.0.0.1 with a certificate of its own: each field shows which end it came from.
    const resumed: boolean[] = [];
    const origin = createHttpsServer({ key: TLS_KEY, cert: TLS_CERT }, (req, res) => {
      resumed.push((req.socket as TLSSocket).isSessionReused());
      res.writeHead(200, { Connection: 'close' });
      res.end('through');
    });
    const port = await listen(origin as unknown as Server, '::1', 0);
    const proxy = await startForwardProxy({ tls: { key: PROXY_KEY, cert: PROXY_CERT }, lookup: loopbackLookup({ localhost: '::1' }) });
    cleanups.push(() => proxy.close());
    const handler = make({ ca: [TLS_CERT, PROXY_CERT] });
    for (let i = 0; i < 3; i++) {
      const response = await handler.download(new Request(`https://localhost:${port}/${i}`, { meta: { proxy: proxy.url } }), crawler);
      expect(response.text).toBe('through');
      expect(response.ipAddress).toBe('127.0.0.1');
      expect(response.certificate?.fingerprint256).toBe(ORIGIN_X509.fingerprint256);
      expect(response.certificate?.fingerprint256).not.toBe(PROXY_X509.fingerprint256);
    }
    expect(proxy.connects).toHaveLength(3);
    // Each request had a tunnel of its own; the later ones resumed the TLS session with the origin.
    expect(resumed).toEqual([false, true, true]);
  });

  it("is undefined for http through an https proxy (not the proxy's certificate)", async () => {
    const server = await startHttp((_req, res) => res.end('plain'), '::1');
    cleanups.push(() => server.close());
    const proxy = await startForwardProxy({ tls: { key: PROXY_KEY, cert: PROXY_CERT } });
    cleanups.push(() => proxy.close());
    // An IP literal: undici checks an https proxy's certificate against the name in the Host header.
    const response = await make({ ca: PROXY_CERT }).download(
      new Request(`http://[::1]:${server.port}/`, { meta: { proxy: proxy.url } }),
      crawler,
    );
    expect(response.text).toBe('plain');
    expect(proxy.requests).toHaveLength(1);
    expect(response.ipAddress).toBe('127.0.0.1');
    expect(response.certificate).toBeUndefined();
  });
});

describe('response.replace()', () => {
  it('keeps ipAddress and certificate', async () => {
    const server = await startHttps((_req, res) => res.end('secure'));
    cleanups.push(() => server.close());
    const response = await make({ ca: TLS_CERT, lookup: loopbackLookup({ localhost: '127.0.0.1' }) }).download(
      new Request(`https://localhost:${server.port}/`),
      crawler,
    );
    const copy = response.replace({ status: 203, body: 'other' });
    expect(copy.status).toBe(203);
    expect(copy.ipAddress).toBe('127.0.0.1');
    expect(copy.ip).toBe('127.0.0.1');
    expect(copy.certificate).toBe(response.certificate);
    expect(copy.certificate?.fingerprint256).toBe(ORIGIN_X509.fingerprint256);
  });
});
