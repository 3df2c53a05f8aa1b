import { createServer as createHttpServer, request as httpRequest, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { connect as netConnect, isIP, type AddressInfo, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { isLoopbackAddress, loopbackLookup } from './lookup.js';

/** One absolute-form request (`GET http://host/path HTTP/1.1`) as the proxy received it. */
export interface ProxiedRequest {
  method: string;
  /** The absolute URL from the request line. */
  target: string;
  headers: IncomingHttpHeaders;
}

/** One `CONNECT host:port` as the proxy received it. */
export interface ProxiedConnect {
  /** `host:port` from the request line. */
  target: string;
  headers: IncomingHttpHeaders;
}

type Lookup = (hostname: string, options: unknown, cb: (...args: any[]) => void) => void;

export interface ForwardProxyOptions {
  /** Require `Proxy-Authorization: Basic base64(user:pass)`; anything else gets 407 with `Proxy-Authenticate`. */
  auth?: { user: string; pass: string };
  /** Serve the proxy itself over TLS (an https:// proxy). */
  tls?: { key: string | Buffer; cert: string | Buffer };
  /**
   * Resolves target host names (e.g. `loopbackLookup({ 'a.test': '127.0.0.1' })`). Default: loopback IP
   * literals and `localhost` only. A name that resolves to a non-loopback address is refused with 403.
   */
  lookup?: Lookup;
  /** Seconds a tunnel or a forwarded exchange may stay idle before its sockets are destroyed (default 30). */
  idleTimeout?: number;
}

export interface ForwardProxy {
  /** `http://127.0.0.1:PORT` (`https://…` with `tls`), no credentials, no trailing slash. */
  readonly url: string;
  readonly port: number;
  /** Absolute-form requests, in arrival order (recorded before the credential check). */
  readonly requests: ProxiedRequest[];
  /** CONNECT requests, in arrival order (recorded before the credential check). */
  readonly connects: ProxiedConnect[];
  /** Stops listening and destroys every socket: clients, tunnels and upstream connections. Idempotent. */
  close(): Promise<void>;
}

// Hop-by-hop headers (RFC 9110 §7.6.1) a proxy must not forward, plus the non-standard Proxy-Connection.
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'te', 'trailer', 'transfer-encoding', 'upgrade']);

const NONE: ReadonlySet<string> = new Set();
const HOST: ReadonlySet<string> = new Set(['host']);
const HOST_AND_AUTH: ReadonlySet<string> = new Set(['host', 'proxy-authorization']);

const defaultLookup = loopbackLookup({ localhost: '127.0.0.1' });

/** Raw header pairs without hop-by-hop headers, those named in `Connection`, and any extra names. */
function forwardable(raw: readonly string[], extra: ReadonlySet<string>): string[] {
  const drop = new Set(HOP_BY_HOP);
  for (let i = 0; i + 1 < raw.length; i += 2) {
    if (raw[i]!.toLowerCase() !== 'connection') continue;
    for (const token of raw[i + 1]!.split(',')) drop.add(token.trim().toLowerCase());
  }
  const out: string[] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i]!.toLowerCase();
    if (!drop.has(name) && !extra.has(name)) out.push(raw[i]!, raw[i + 1]!);
  }
  return out;
}

function resolveLoopback(lookup: Lookup, hostname: string): Promise<string | undefined> {
  const bare = hostname.startsWith('[') ? hostname.slice(1, -1) : hostname;
  if (isIP(bare) !== 0) return Promise.resolve(isLoopbackAddress(bare) ? bare : undefined);
  return new Promise((resolve) => {
    lookup(bare, {}, (error: unknown, address?: string) => {
      resolve(error || typeof address !== 'string' || !isLoopbackAddress(address) ? undefined : address);
    });
  });
}

function plain(res: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = Buffer.from(`${text}\n`, 'utf8');
  res.writeHead(status, { ...headers, 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': body.length });
  res.end(body);
}

function rawStatus(socket: Duplex, status: number, reason: string, headers: Record<string, string> = {}): void {
  let head = `HTTP/1.1 ${status} ${reason}\r\n`;
  for (const [name, value] of Object.entries(headers)) head += `${name}: ${value}\r\n`;
  socket.end(`${head}Content-Length: 0\r\nConnection: close\r\n\r\n`);
}

/**
 * A forward proxy on 127.0.0.1 for tests: absolute-form GET/POST/… requests are forwarded with
 * node:http, and CONNECT opens a TCP tunnel. Targets must resolve to a loopback address (403
 * otherwise), so a test can never reach the network through it. With `auth`, requests without the
 * right `Proxy-Authorization` get 407; the proxy then consumes that header, otherwise it forwards it
 * unchanged (a proxy that does not authenticate relays it, so a leaked credential reaches the origin
 * where a test can see it).
 */
export async function startForwardProxy(options: ForwardProxyOptions = {}): Promise<ForwardProxy> {
  const { auth, tls } = options;
  const lookup = options.lookup ?? defaultLookup;
  const idleMs = (options.idleTimeout ?? 30) * 1000;
  if (!(idleMs > 0)) throw new Error('startForwardProxy: idleTimeout must be > 0 seconds');
  const expected = auth === undefined ? undefined : `Basic ${Buffer.from(`${auth.user}:${auth.pass}`, 'utf8').toString('base64')}`;
  // With auth of its own the proxy consumes the credential; otherwise it relays it.
  const dropped = auth === undefined ? HOST : HOST_AND_AUTH;
  const challenge = { 'Proxy-Authenticate': 'Basic realm="test-proxy"' };
  const requests: ProxiedRequest[] = [];
  const connects: ProxiedConnect[] = [];
  const sockets = new Set<Duplex>();
  const track = (socket: Duplex): void => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  };

  const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    const target = req.url ?? '';
    requests.push({ method: req.method ?? 'GET', target, headers: req.headers });
    if (expected !== undefined && req.headers['proxy-authorization'] !== expected) {
      req.resume();
      plain(res, 407, 'Proxy Authentication Required', challenge);
      return;
    }
    let url: URL;
    try {
      url = new URL(target);
    } catch {
      url = new URL('invalid:');
    }
    if (url.protocol !== 'http:') {
      req.resume();
      plain(res, 400, `expected an absolute http:// request target (use CONNECT for https), got ${JSON.stringify(target)}`);
      return;
    }
    void resolveLoopback(lookup, url.hostname).then((address) => {
      if (res.destroyed) return;
      if (address === undefined) {
        req.resume();
        plain(res, 403, `refusing to proxy to ${url.hostname}: not a loopback address`);
        return;
      }
      // RFC 9112 §3.2.2: with an absolute-form target the proxy replaces Host with the target's.
      const headers = forwardable(req.rawHeaders, dropped);
      headers.unshift('Host', url.host);
      const upstream = httpRequest(
        { host: address, port: url.port || 80, method: req.method, path: url.pathname + url.search, headers, setHost: false, agent: false },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.statusMessage, forwardable(answer.rawHeaders, NONE));
          answer.pipe(res);
          answer.once('error', () => res.destroy());
        },
      );
      upstream.once('socket', track);
      upstream.setTimeout(idleMs, () => upstream.destroy(new Error('upstream idle timeout')));
      upstream.once('error', (error) => plain(res, 502, `upstream error: ${error.message}`));
      res.once('close', () => upstream.destroy());
      req.pipe(upstream);
    });
  };

  const onConnect = (req: IncomingMessage, client: Duplex, head: Buffer): void => {
    const target = req.url ?? '';
    connects.push({ target, headers: req.headers });
    client.on('error', () => client.destroy());
    if (expected !== undefined && req.headers['proxy-authorization'] !== expected) {
      rawStatus(client, 407, 'Proxy Authentication Required', challenge);
      return;
    }
    let url: URL | undefined;
    try {
      url = new URL(`http://${target}`);
    } catch {
      url = undefined;
    }
    if (url === undefined || !/:\d+$/.test(target)) {
      rawStatus(client, 400, 'Bad Request');
      return;
    }
    const port = Number(url.port || 80);
    void resolveLoopback(lookup, url.hostname).then((address) => {
      if (client.destroyed) return;
      if (address === undefined) {
        rawStatus(client, 403, 'Forbidden');
        return;
      }
      const upstream: Socket = netConnect({ host: address, port });
      track(upstream);
      upstream.setTimeout(idleMs, () => upstream.destroy());
      (client as Socket).setTimeout?.(idleMs, () => client.destroy());
      let established = false;
      upstream.once('error', () => {
        if (established) client.destroy();
        else rawStatus(client, 502, 'Bad Gateway');
      });
      upstream.once('connect', () => {
        established = true;
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        if (head.length > 0) upstream.write(head);
        upstream.pipe(client);
        client.pipe(upstream);
      });
      client.once('close', () => upstream.destroy());
      upstream.once('close', () => {
        if (established) client.destroy();
      });
    });
  };

  const server: Server = tls === undefined ? createHttpServer(onRequest) : (createHttpsServer(tls, onRequest) as unknown as Server);
  server.on('connect', onConnect);
  // The raw TCP socket, also for TLS: destroying it tears the TLS layer down too.
  server.on('connection', track);
  server.on('clientError', (_error, socket) => socket.destroy());
  // Bounded: a test that leaks connections fails loudly instead of exhausting descriptors.
  server.maxConnections = 512;
  server.keepAliveTimeout = idleMs;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port: 0 }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  let closing: Promise<void> | undefined;
  return {
    url: `${tls === undefined ? 'http' : 'https'}://127.0.0.1:${port}`,
    port,
    requests,
    connects,
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        for (const socket of sockets) socket.destroy();
      });
      return closing;
    },
  };
}
