import {
  fingerprint,
  type CloseReason,
  type Crawler,
  type CrawlSettings,
  type DownloaderControl,
  type DownloaderSlot,
  type Logger,
  type Request,
  type Response,
  type Spider,
} from '@crawl/core';
import { EventBus, MemoryStats, resolveSettings, SettingsRegistry } from '@crawl/engine';
import { recordingLogger } from './recording-logger.js';

export interface LogEntry {
  readonly level: 'debug' | 'info' | 'warn' | 'error';
  readonly message: string;
  readonly fields: Record<string, unknown> | undefined;
  /** The child logger's component ('@crawl/middleware-retry'); absent for lines of the root logger. */
  readonly component?: string;
}

export interface FakeCrawlerOptions {
  spider?: Partial<Spider<any>> & Record<string, unknown>;
  /** Over the engine's DEFAULT_SETTINGS; validated like a real crawl's. */
  settings?: Partial<CrawlSettings> & Record<string, unknown>;
  /** Setting keys (with defaults) that the plugin under test declares. */
  settingDefaults?: Record<string, unknown>;
  /** Answers crawler.download(); default: rejects. */
  download?: (request: Request<any>) => Response | Promise<Response>;
}

/** A Crawler for testing one plugin in isolation, with everything it did recorded. */
export interface FakeCrawler extends Crawler {
  readonly logs: LogEntry[];
  readonly downloads: Request<any>[];
  readonly scheduled: Request<any>[];
  readonly stops: (CloseReason | undefined)[];
  readonly abortController: AbortController;
  /** Messages logged at `level`; with `component`, only those of that child logger. */
  messages(level: LogEntry['level'], component?: string): string[];
}

class FakeSlot implements DownloaderSlot {
  readonly key: string;
  concurrency: number;
  delay: number;
  active = 0;
  queued = 0;
  nextAllowedAt = 0;
  constructor(key: string, concurrency: number, delay: number) {
    this.key = key;
    this.concurrency = concurrency;
    this.delay = delay;
  }
  deferUntil(epochMs: number): void {
    this.nextAllowedAt = Math.max(this.nextAllowedAt, epochMs);
  }
}

/**
 * Real stats, events and settings validation from @crawl/engine; a recording logger; slots that
 * record deferrals; download() and schedule() recorded instead of performed.
 */
export function fakeCrawler(options: FakeCrawlerOptions = {}): FakeCrawler {
  const logs: LogEntry[] = [];
  const logger: Logger = recordingLogger(logs);
  const registry = new SettingsRegistry();
  if (options.settingDefaults) registry.register(options.settingDefaults, 'the plugin under test');
  const settings = options.settingDefaults ? registry.resolve(options.settings ?? {}) : resolveSettings(options.settings ?? {});
  const slots = new Map<string, FakeSlot>();
  const downloader: DownloaderControl = {
    slotKey: (request) => (request.meta.downloadSlot as string | undefined) ?? request.hostname,
    slot(keyOrRequest) {
      const key = typeof keyOrRequest === 'string' ? keyOrRequest : downloader.slotKey(keyOrRequest);
      let slot = slots.get(key);
      if (!slot) slots.set(key, (slot = new FakeSlot(key, settings.concurrentRequestsPerDomain, settings.downloadDelay)));
      return slot;
    },
    active: 0,
  };
  const downloads: Request<any>[] = [];
  const scheduled: Request<any>[] = [];
  const stops: (CloseReason | undefined)[] = [];
  const abortController = new AbortController();
  const spider = { name: 'test', parse: () => undefined, ...options.spider } as Spider<any>;
  return {
    spider,
    settings,
    stats: new MemoryStats(),
    events: new EventBus((event, error) => logger.error(`Error in a ${event} listener`, { error })),
    logger,
    downloader,
    abortSignal: abortController.signal,
    abortController,
    logs,
    downloads,
    scheduled,
    stops,
    messages: (level, component) => logs.filter((l) => l.level === level && (component === undefined || l.component === component)).map((l) => l.message),
    fingerprint: (request) => fingerprint(request),
    async download(request) {
      downloads.push(request);
      if (!options.download) throw new Error(`fakeCrawler: no download answer configured (${request.url})`);
      return options.download(request);
    },
    async schedule(request) {
      scheduled.push(request);
      return true;
    },
    async stop(reason) {
      stops.push(reason);
    },
  };
}
