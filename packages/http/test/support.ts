import { createServer as createHttpServer, type RequestListener, type Server as HttpServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { readFileSync } from 'node:fs';
import { createServer as createNetServer, type AddressInfo, type Server as NetServer, type Socket } from 'node:net';
import type {
  CrawlEventListener,
  CrawlEventMap,
  CrawlEventName,
  CrawlEvents,
  CrawlSettings,
  Crawler,
  Logger,
  StatValue,
  Stats,
} from '@crawl/core';

/** Scrapy's defaults for the core settings. */
export const TEST_SETTINGS: CrawlSettings = {
  botName: 'testbot',
  concurrentRequests: 16,
  concurrentRequestsPerDomain: 8,
  concurrentRequestsPerIp: 0,
  downloadDelay: 0,
  randomizeDownloadDelay: true,
  downloadTimeout: 180,
  downloadMaxSize: 1024 * 1024 * 1024,
  downloadWarnSize: 32 * 1024 * 1024,
  downloadFailOnDataloss: true,
  concurrentItems: 100,
  logLevel: 'info',
  logStatsInterval: 60,
  closespiderItemcount: 0,
  closespiderPagecount: 0,
  closespiderTimeout: 0,
  closespiderErrorcount: 0,
};

export interface LogLine {
  level: 'debug' | 'info' | 'warn' | 'error';
  message: string;
  fields: Record<string, unknown> | undefined;
}

function createEvents(): CrawlEvents {
  const listeners = new Map<CrawlEventName, Set<(...args: any[]) => unknown>>();
  const set = (event: CrawlEventName) => {
    let s = listeners.get(event);
    if (!s) listeners.set(event, (s = new Set()));
    return s;
  };
  const events: CrawlEvents = {
    on(event, listener) {
      set(event).add(listener);
      return () => events.off(event, listener);
    },
    once(event, listener) {
      const wrapped = ((...args: any[]) => {
        events.off(event, wrapped as CrawlEventListener<typeof event>);
        return (listener as (...a: any[]) => unknown)(...args);
      }) as CrawlEventListener<typeof event>;
      return events.on(event, wrapped);
    },
    off(event, listener) {
      listeners.get(event)?.delete(listener);
    },
    emit<E extends CrawlEventName>(event: E, ...args: CrawlEventMap[E]): void {
      for (const l of [...(listeners.get(event) ?? [])]) l(...args);
    },
    async emitAsync<E extends CrawlEventName>(event: E, ...args: CrawlEventMap[E]): Promise<void> {
      for (const l of [...(listeners.get(event) ?? [])]) await l(...args);
    },
    listenerCount(event) {
      return listeners.get(event)?.size ?? 0;
    },
  };
  return events;
}

function createStats(): Stats {
  const values = new Map<string, StatValue>();
  return {
    get: <T extends StatValue = number>(key: string) => values.get(key) as T | undefined,
    set: (key, value) => void values.set(key, value),
    inc: (key, count = 1, start = 0) => void values.set(key, ((values.get(key) as number | undefined) ?? start) + count),
    max: (key, value) => void values.set(key, Math.max((values.get(key) as number | undefined) ?? value, value)),
    min: (key, value) => void values.set(key, Math.min((values.get(key) as number | undefined) ?? value, value)),
    all: () => Object.fromEntries(values),
  };
}

export type FakeCrawler = Crawler & { lines: LogLine[] };

/** A Crawler with real settings, events, a recording logger and stats; the rest throws if used. */
export function fakeCrawler(settings: Partial<CrawlSettings> = {}, abortSignal?: AbortSignal): FakeCrawler {
  const lines: LogLine[] = [];
  const log =
    (level: LogLine['level']) =>
    (message: string, fields?: Record<string, unknown>): void => {
      lines.push({ level, message, fields });
    };
  const logger: Logger = { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error'), child: () => logger };
  const unsupported = (what: string) => () => {
    throw new Error(`fakeCrawler: ${what} is not available in http handler tests`);
  };
  const crawler: FakeCrawler = {
    spider: { name: 'test', parse: () => undefined },
    settings: { ...TEST_SETTINGS, ...settings },
    stats: createStats(),
    events: createEvents(),
    logger,
    lines,
    get downloader(): never {
      return unsupported('downloader')();
    },
    fingerprint: unsupported('fingerprint'),
    download: unsupported('download'),
    schedule: unsupported('schedule'),
    stop: unsupported('stop'),
    // Crawler requires one; a signal that never fires stands for a crawl that is not shutting down.
    abortSignal: abortSignal ?? new AbortController().signal,
  };
  return crawler;
}

// ---- servers -------------------------------------------------------------------------------------

export interface Started<S> {
  server: S;
  port: number;
  url: string;
  /** Server-side sockets ever accepted. */
  connections: Socket[];
  close(): Promise<void>;
}

function track<S extends NetServer>(server: S, scheme: string, host: string): Promise<Started<S>> {
  const connections: Socket[] = [];
  server.on(scheme === 'tcp' ? 'connection' : scheme === 'https' ? 'secureConnection' : 'connection', (socket: Socket) => {
    connections.push(socket);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        server,
        port,
        url: `${scheme === 'tcp' ? 'http' : scheme}://${host}:${port}`,
        connections,
        close: () =>
          new Promise<void>((done) => {
            for (const s of connections) s.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}

export function startHttp(handler: RequestListener, host = '127.0.0.1'): Promise<Started<HttpServer>> {
  return track(createHttpServer(handler), 'http', host);
}

export const TLS_KEY = readFileSync(new URL('./fixtures/key.pem', import.meta.url));
export const TLS_CERT = readFileSync(new URL('./fixtures/cert.pem', import.meta.url));

export function startHttps(handler: RequestListener): Promise<Started<HttpServer>> {
  const server = createHttpsServer({ key: TLS_KEY, cert: TLS_CERT }, handler);
  return track(server as unknown as HttpServer, 'https', '127.0.0.1');
}

/** A TCP server that answers each connection with hand-written bytes (for malformed or cut-short responses). */
export function startRaw(onRequest: (socket: Socket, head: string) => void): Promise<Started<NetServer>> {
  const server = createNetServer((socket) => {
    let buffered = '';
    socket.on('error', () => undefined);
    socket.on('data', (data) => {
      buffered += data.toString('latin1');
      const end = buffered.indexOf('\r\n\r\n');
      if (end === -1) return;
      const head = buffered.slice(0, end);
      buffered = buffered.slice(end + 4);
      onRequest(socket, head);
    });
  });
  return track(server, 'tcp', '127.0.0.1');
}

/** Resolves when `predicate` holds, polling every 5 ms; rejects after `ms`. */
export async function until(predicate: () => boolean, ms = 5000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
