import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { Request, type DownloadHandler, type DownloaderMiddleware, type Failure, type Logger, type Response, type Spider } from '@crawl/core';
import { Crawler, type CrawlerOptions } from '@crawl/engine';
import { httpHandler } from '@crawl/http';
import { loopbackLookup, type RouteHandler } from '@crawl/test-servers';

const fixture = (name: string): Buffer => readFileSync(new URL(`./fixtures/${name}`, import.meta.url));

export interface Seen {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
}

export interface Site {
  /** `http(s)://<name>:<port>` */
  readonly origin: string;
  readonly port: number;
  readonly seen: Seen[];
  route(path: string, handler: RouteHandler): void;
  close(): Promise<void>;
}

/**
 * A server on a loopback address (test-servers binds 127.0.0.1 and ::1 only; the second host
 * needs 127.0.0.2), plain or TLS with the self-signed fixture certificate. Routes are exact
 * paths, query ignored; `name` is the host name the crawler uses for it.
 */
export async function startSite(name: string, address: string, tls = false): Promise<Site> {
  const routes = new Map<string, RouteHandler>();
  const seen: Seen[] = [];
  const sockets = new Set<Socket>();
  const listener = (req: IncomingMessage, res: ServerResponse): void => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const url = req.url ?? '/';
      seen.push({ method: req.method ?? 'GET', url, headers: req.headers, body: body.toString('utf8') });
      const handler = routes.get(url.split('?', 1)[0]!);
      if (!handler) {
        res.writeHead(404, { 'Content-Type': 'text/plain' });
        res.end('not found');
        return;
      }
      void handler(Object.assign(req, { body }), res);
    });
  };
  const server: Server = tls ? createHttpsServer({ key: fixture('key.pem'), cert: fixture('cert.pem') }, listener) : createHttpServer(listener);
  server.on(tls ? 'secureConnection' : 'connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, address, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    origin: `${tls ? 'https' : 'http'}://${name}:${port}`,
    port,
    seen,
    route: (path, handler) => void routes.set(path, handler),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      }),
  };
}

/** A redirect with a raw Location value (the test-servers handler HTML-escapes nothing but sets a body). */
export function redirectTo(location: string, status = 302): RouteHandler {
  return (_req, res) => {
    res.writeHead(status, { Location: location, 'Content-Type': 'text/html', 'Content-Length': 0 });
    res.end();
  };
}

export const lookup = loopbackLookup({ 'a.test': '127.0.0.1', 'b.test': '127.0.0.2' });

export interface LogLine {
  readonly level: keyof Logger;
  readonly message: string;
}

export interface CrawlOutcome {
  readonly responses: Response[];
  readonly failures: Failure[];
  readonly logs: LogLine[];
  readonly stats: Record<string, unknown>;
}

export interface CrawlInput {
  requests: Request<any>[];
  middlewares: DownloaderMiddleware[];
  settings?: Record<string, unknown>;
  spider?: Partial<Spider<any>> & Record<string, unknown>;
  /** Extra download handlers (file:, data:) to prove a scheme is refused by the middleware, not by a missing handler. */
  handlers?: DownloadHandler[];
}

/** One real crawl: the engine, the undici handler (TLS unverified, a.test/b.test on loopback) and the given middlewares. */
export async function crawl(input: CrawlInput): Promise<CrawlOutcome> {
  const responses: Response[] = [];
  const failures: Failure[] = [];
  const logs: LogLine[] = [];
  const log =
    (level: keyof Logger) =>
    (message: string): void =>
      void logs.push({ level, message });
  const spider: Spider<any> = {
    name: 'redirect-test',
    ...input.spider,
    *start() {
      for (const r of input.requests) {
        yield r.replace({
          callback: (response) => void responses.push(response),
          errback: (failure) => void failures.push(failure),
        });
      }
    },
    parse: () => undefined,
  };
  const crawler = new Crawler(spider, {
    downloadHandlers: [httpHandler({ lookup, tlsVerify: false }), ...(input.handlers ?? [])],
    downloaderMiddlewares: input.middlewares,
    settings: { logStatsInterval: 0, logLevel: 'debug', ...input.settings } as NonNullable<CrawlerOptions['settings']>,
    logger: { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') },
  });
  const { stats } = await crawler.crawl();
  return { responses, failures, logs, stats };
}

/** The JSON an echo route answered with. */
export function echoed(response: Response): { method: string; url: string; headers: Record<string, string>; body: string } {
  return response.json();
}

export { Request };
