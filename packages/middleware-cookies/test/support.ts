import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import type { CrawlSettings, DownloaderMiddleware, Request, Response, Spider, StatValue } from '@crawl/core';
import { Crawler } from '@crawl/engine';
import { httpHandler } from '@crawl/http';
import { loopbackLookup } from '@crawl/test-servers';

export const TLS_CERT = readFileSync(new URL('./fixtures/cert.pem', import.meta.url), 'utf8');
const TLS_KEY = readFileSync(new URL('./fixtures/key.pem', import.meta.url), 'utf8');

export interface LogLine {
  readonly level: string;
  readonly message: string;
}

export interface CrawlOutcome {
  readonly crawler: Crawler;
  readonly stats: Record<string, StatValue>;
  readonly logs: LogLine[];
  readonly items: unknown[];
}

/** Runs a real crawl (engine + undici handler) with the given middlewares; every host name in `hosts` maps to loopback. */
export async function runCrawl(
  spider: Spider<any>,
  options: { middlewares: DownloaderMiddleware[]; hosts?: Record<string, string>; settings?: Partial<CrawlSettings> & Record<string, unknown> },
): Promise<CrawlOutcome> {
  const logs: LogLine[] = [];
  const items: unknown[] = [];
  const log = (level: string) => (message: string) => void logs.push({ level, message });
  const crawler = new Crawler(spider, {
    downloadHandlers: [httpHandler({ lookup: loopbackLookup({ localhost: '127.0.0.1', ...options.hosts }) as never, ca: TLS_CERT })],
    downloaderMiddlewares: options.middlewares,
    settings: { logStatsInterval: 0, ...options.settings },
    logger: { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') },
  });
  crawler.events.on('itemScraped', (item) => void items.push(item));
  const { stats } = await crawler.crawl();
  return { crawler, stats, logs, items };
}

/** A spider that runs the given requests; callbacks default to recording the response. */
export function spiderOf(start: () => Iterable<Request<any>>, parse: (response: Response) => unknown = () => undefined): Spider<any> {
  return { name: 'cookies-test', start, parse: parse as Spider<any>['parse'] };
}

export interface TlsServer {
  readonly url: string;
  readonly requests: { url: string; headers: IncomingMessage['headers'] }[];
  close(): Promise<void>;
}

/** A minimal https server on 127.0.0.1 with the fixture certificate (valid for 127.0.0.1 and localhost). */
export async function startTlsServer(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<TlsServer> {
  const requests: TlsServer['requests'] = [];
  const sockets = new Set<Socket>();
  const server = createServer({ key: TLS_KEY, cert: TLS_CERT }, (req, res) => {
    requests.push({ url: req.url ?? '/', headers: req.headers });
    handler(req, res);
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen({ host: '127.0.0.1', port: 0 }, resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `https://localhost:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      }),
  };
}

/** Sends a small text response with optional headers (Set-Cookie may be an array). */
export function reply(res: ServerResponse, body: string, headers: Record<string, string | string[]> = {}, status = 200): void {
  const buf = Buffer.from(body, 'utf8');
  res.writeHead(status, { 'Content-Type': 'text/html; charset=utf-8', 'Content-Length': buf.length, ...headers });
  res.end(buf);
}

/** Cookie header lines exactly as they arrived (node joins duplicates in req.headers). */
export function cookieLines(req: IncomingMessage): string[] {
  const out: string[] = [];
  for (let i = 0; i < req.rawHeaders.length; i += 2) if (req.rawHeaders[i]!.toLowerCase() === 'cookie') out.push(req.rawHeaders[i + 1]!);
  return out;
}
