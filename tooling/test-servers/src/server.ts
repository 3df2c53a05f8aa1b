import { isLoopbackAddress } from './lookup.js';
import { createServer, type ServerResponse } from 'node:http';
import { isIP, type AddressInfo, type Socket } from 'node:net';
import type { RecordedRequest, RouteHandler, StartTestServerOptions, TestServer } from './types.js';


const notFound: RouteHandler = (_req, res) => {
  const body = Buffer.from('Not Found\n', 'utf8');
  res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': body.length });
  res.end(body);
};

/** Splits a route key: `'GET /x'` → `['GET', '/x']`, `'/x'` → `['*', '/x']`. */
export function parseRouteKey(key: string): [method: string, path: string] {
  const trimmed = key.trim();
  const space = trimmed.indexOf(' ');
  const [method, path] =
    trimmed.startsWith('/') || space === -1
      ? ['*', trimmed]
      : [trimmed.slice(0, space), trimmed.slice(space + 1).trim()];
  if (!path.startsWith('/')) throw new Error(`test-servers: route path must start with '/': ${JSON.stringify(key)}`);
  return [method.toUpperCase(), path];
}

function sendError(res: ServerResponse, err: unknown): void {
  if (res.headersSent || res.destroyed) {
    res.destroy();
    return;
  }
  const msg = err instanceof Error ? err.message : String(err);
  const body = Buffer.from(`Handler error: ${msg}\n`, 'utf8');
  res.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': body.length });
  res.end(body);
}

/**
 * Starts an HTTP server on a loopback address and an ephemeral port.
 *
 * Routing: exact path match (query ignored) on `METHOD path`, then `* path`, then for HEAD the
 * GET route; then prefix routes whose path ends in `*` (e.g. `'/files/*'`, longest first), in the
 * same method order; then `fallback`.
 */
export async function startTestServer(opts: StartTestServerOptions = {}): Promise<TestServer> {
  const host = opts.host ?? '127.0.0.1';
  // Any 127.0.0.0/8 address is loopback on Linux: a second "host" for per-domain tests.
  if (host !== '::1' && !(isIP(host) === 4 && isLoopbackAddress(host))) {
    throw new Error(`test-servers: refusing to bind ${String(host)}; use a 127.x.y.z address or '::1'`);
  }
  const fallback = opts.fallback ?? notFound;
  const routes = new Map<string, RouteHandler>();
  const setRoute = (method: string, path: string, handler: RouteHandler): void => {
    if (!path.startsWith('/')) throw new Error(`test-servers: route path must start with '/': ${path}`);
    routes.set(`${method.toUpperCase()} ${path}`, handler);
  };
  for (const [key, handler] of Object.entries(opts.routes ?? {})) {
    const [method, path] = parseRouteKey(key);
    setRoute(method, path, handler);
  }

  const find = (method: string, pathname: string): RouteHandler => {
    const methods = method === 'HEAD' ? ['HEAD', '*', 'GET'] : [method, '*'];
    for (const m of methods) {
      const h = routes.get(`${m} ${pathname}`);
      if (h) return h;
    }
    let best: { len: number; rank: number; handler: RouteHandler } | undefined;
    for (const [key, handler] of routes) {
      if (!key.endsWith('*')) continue;
      const space = key.indexOf(' ');
      const rank = methods.indexOf(key.slice(0, space));
      if (rank === -1) continue;
      const prefix = key.slice(space + 1, -1);
      if (!pathname.startsWith(prefix)) continue;
      if (!best || prefix.length > best.len || (prefix.length === best.len && rank < best.rank)) {
        best = { len: prefix.length, rank, handler };
      }
    }
    return best?.handler ?? fallback;
  };

  const requests: RecordedRequest[] = [];
  let inFlight = 0;
  let peak = 0;
  const sockets = new Set<Socket>();
  const open = new Map<ServerResponse, Promise<void>>();

  const server = createServer((req, res) => {
    inFlight += 1;
    if (inFlight > peak) peak = inFlight;
    open.set(
      res,
      new Promise<void>((resolve) => {
        res.once('close', () => {
          inFlight -= 1;
          open.delete(res);
          resolve();
        });
      }),
    );
    const url = req.url ?? '/';
    const record: RecordedRequest = {
      method: req.method ?? 'GET',
      url,
      headers: req.headers,
      body: Buffer.alloc(0),
      host: req.headers.host ?? '',
      at: Date.now(),
    };
    requests.push(record);

    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('error', () => {
      /* client went away; res 'close' does the bookkeeping */
    });
    req.once('end', () => {
      const body = Buffer.concat(chunks);
      record.body = body;
      const q = url.indexOf('?');
      const handler = find(record.method.toUpperCase(), q === -1 ? url : url.slice(0, q));
      const withBody = Object.assign(req, { body });
      try {
        const result = handler(withBody, res);
        if (result && typeof result.then === 'function') {
          result.then(undefined, (err: unknown) => sendError(res, err));
        }
      } catch (err) {
        sendError(res, err);
      }
    });
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  server.on('clientError', (_err, socket) => {
    socket.destroy();
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host, port: 0, ipv6Only: host === '::1' }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  let closing: Promise<void> | undefined;

  return {
    url: host === '::1' ? `http://[::1]:${port}` : `http://${host}:${port}`,
    port,
    host,
    requests,
    inFlight: () => inFlight,
    peakInFlight: () => peak,
    hits: (pathAndQuery: string) => requests.filter((r) => r.url === pathAndQuery).length,
    resetStats(): void {
      requests.length = 0;
      peak = inFlight;
    },
    route(method: string, path: string, handler: RouteHandler): void {
      setRoute(method, path, handler);
    },
    close(): Promise<void> {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        for (const s of sockets) s.destroy();
      }).then(async () => {
        // Destroyed sockets close their responses on a later tick; wait so inFlight() is 0.
        await Promise.all(open.values());
      });
      return closing;
    },
  };
}
