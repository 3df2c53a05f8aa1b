import {
  fingerprint,
  HtmlResponse,
  Request,
  type CloseReason,
  type CrawlEventListener,
  type CrawlEventMap,
  type CrawlEventName,
  type CrawlEvents,
  type CrawlSettings,
  type Crawler,
  type DownloaderControl,
  type DownloaderSlot,
  type HeadersInit,
  type Logger,
  type Response,
  type Spider,
  type StatValue,
  type Stats,
} from '@crawl/core';
import type { EngineSpiderSettings } from '../../src/spidermw/settings.js';

/** A Map-backed Stats with Scrapy's semantics for inc/max/min. */
export class MapStats implements Stats {
  readonly values: Map<string, StatValue> = new Map();
  get<T extends StatValue = number>(key: string): T | undefined {
    return this.values.get(key) as T | undefined;
  }
  set(key: string, value: StatValue): void {
    this.values.set(key, value);
  }
  inc(key: string, count = 1, start = 0): void {
    const current = this.values.get(key);
    this.values.set(key, (typeof current === 'number' ? current : start) + count);
  }
  max(key: string, value: number): void {
    const current = this.values.get(key);
    this.values.set(key, typeof current === 'number' ? Math.max(current, value) : value);
  }
  min(key: string, value: number): void {
    const current = this.values.get(key);
    this.values.set(key, typeof current === 'number' ? Math.min(current, value) : value);
  }
  all(): Record<string, StatValue> {
    return Object.fromEntries(this.values);
  }
}

type AnyListener = (...args: unknown[]) => unknown;

export function createEvents(): CrawlEvents {
  const listeners = new Map<CrawlEventName, AnyListener[]>();
  const list = (event: CrawlEventName): AnyListener[] => {
    let l = listeners.get(event);
    if (l === undefined) listeners.set(event, (l = []));
    return l;
  };
  const events: CrawlEvents = {
    on<E extends CrawlEventName>(event: E, listener: CrawlEventListener<E>) {
      list(event).push(listener as AnyListener);
      return () => events.off(event, listener);
    },
    once<E extends CrawlEventName>(event: E, listener: CrawlEventListener<E>) {
      const wrapper = ((...args: CrawlEventMap[E]) => {
        events.off(event, wrapper);
        return listener(...args);
      }) as CrawlEventListener<E>;
      return events.on(event, wrapper);
    },
    off<E extends CrawlEventName>(event: E, listener: CrawlEventListener<E>) {
      const l = list(event);
      const i = l.indexOf(listener as AnyListener);
      if (i >= 0) l.splice(i, 1);
    },
    emit<E extends CrawlEventName>(event: E, ...args: CrawlEventMap[E]) {
      for (const listener of [...list(event)]) listener(...args);
    },
    async emitAsync<E extends CrawlEventName>(event: E, ...args: CrawlEventMap[E]) {
      await Promise.all([...list(event)].map((listener) => listener(...args)));
    },
    listenerCount(event: CrawlEventName) {
      return list(event).length;
    },
  };
  return events;
}

export interface LogEntry {
  level: 'debug' | 'info' | 'warn' | 'error';
  message: string;
  fields: Record<string, unknown> | undefined;
  /** The child logger's component ('@crawl/engine/depth'); absent for the root logger. */
  component?: string;
}

export interface FakeCrawler extends Crawler {
  readonly stats: MapStats;
  readonly logs: LogEntry[];
  readonly downloads: Request<any>[];
  readonly scheduled: Request<any>[];
  readonly stops: (CloseReason | undefined)[];
  /** Messages logged at one level. */
  messages(level: LogEntry['level']): string[];
}

export interface FakeCrawlerOptions {
  settings?: Partial<EngineSpiderSettings> & Record<string, unknown>;
  spider?: Partial<Spider<any>> & Record<string, unknown>;
}

function fakeDownloader(): DownloaderControl {
  const slots = new Map<string, DownloaderSlot>();
  const slotKey = (request: Request<any>): string => request.meta.downloadSlot ?? new URL(request.url).hostname;
  return {
    slotKey,
    slot(keyOrRequest) {
      const key = typeof keyOrRequest === 'string' ? keyOrRequest : slotKey(keyOrRequest);
      let slot = slots.get(key);
      if (slot === undefined) {
        let nextAllowedAt = 0;
        slot = {
          key,
          concurrency: 8,
          delay: 0,
          active: 0,
          queued: 0,
          get nextAllowedAt() {
            return nextAllowedAt;
          },
          deferUntil(epochMs: number) {
            nextAllowedAt = Math.max(nextAllowedAt, epochMs);
          },
        };
        slots.set(key, slot);
      }
      return slot;
    },
    active: 0,
  };
}

/** A Crawler for testing one plugin in isolation: recording logger, Map stats, real events, stub download/schedule/stop. */
export function fakeCrawler(options: FakeCrawlerOptions = {}): FakeCrawler {
  const logs: LogEntry[] = [];
  const named = (component: string | undefined): Logger => {
    const log =
      (level: LogEntry['level']) =>
      (message: string, fields?: Record<string, unknown>): void => {
        logs.push(component === undefined ? { level, message, fields } : { level, message, fields, component });
      };
    return { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error'), child: (name) => named(component === undefined ? name : `${component}/${name}`) };
  };
  const logger = named(undefined);
  const downloads: Request<any>[] = [];
  const scheduled: Request<any>[] = [];
  const stops: (CloseReason | undefined)[] = [];
  const spider: Spider<any> = { name: 'test', parse: () => undefined, ...options.spider };
  return {
    spider,
    settings: { ...options.settings } as unknown as Readonly<CrawlSettings>,
    stats: new MapStats(),
    events: createEvents(),
    logger,
    downloader: fakeDownloader(),
    abortSignal: new AbortController().signal,
    logs,
    downloads,
    scheduled,
    stops,
    messages: (level) => logs.filter((l) => l.level === level).map((l) => l.message),
    fingerprint: (request) => fingerprint(request),
    download(request) {
      downloads.push(request);
      return Promise.reject(new Error(`fake crawler: no downloads (${request.url})`));
    },
    schedule(request) {
      scheduled.push(request);
      return Promise.resolve(true);
    },
    stop(reason) {
      stops.push(reason);
      return Promise.resolve();
    },
  };
}

/** An HTML response to `request` (default 200). */
export function responseTo(request: Request<any>, init: { status?: number; headers?: HeadersInit; url?: string } = {}): Response {
  return new HtmlResponse(init.url ?? request.url, {
    status: init.status ?? 200,
    headers: init.headers ?? { 'content-type': 'text/html' },
    body: '<html></html>',
    request,
  });
}

/** A response for a page at `url`, fetched by a fresh request. */
export function page(url: string, init: { status?: number; headers?: HeadersInit; meta?: Record<string, unknown> } = {}): Response {
  return responseTo(new Request(url, { meta: init.meta ?? {} }), init);
}
