import { ConfigError, NotConfigured, type Crawler, type Logger, type Plugin } from '@crawl/core';
import { spiderSetting } from '../spidermw/settings.js';
import { createExporter, type FeedExporter } from './exporters.js';
import { resolveFeedOptions, type FeedsSetting, type ResolvedFeedOptions } from './options.js';
import type { FeedStoreResolver } from './load-store.js';
import { resolveFeedStorage } from './resolve.js';
import type { FeedStorage, FeedStorageFactory } from './storage.js';
import { renderFeedUri } from './uri.js';
import { createFeedWriter, type FeedWriter } from './writer.js';

export interface FeedExportsOptions {
  /** Storages for URI schemes other than file (e.g. { mem: memoryFeedStorage }); a plain path is always a local file. */
  storages?: Readonly<Record<string, FeedStorageFactory>>;
  /**
   * Makes the FilesStore for a remote feed's directory URI (`ftp://user:pass@host/feeds/`).
   * Default: `createFilesStore` of the scheme's package (@crawl/store-s3, -gcs, -ftp), imported
   * on demand. Lets tests and embedders supply a store without installing a package.
   */
  resolveStore?: FeedStoreResolver;
}

interface FeedSlot {
  readonly uri: string;
  readonly options: ResolvedFeedOptions;
  readonly storage: FeedStorage;
  readonly exporter: FeedExporter;
  writer: FeedWriter | undefined;
  itemCount: number;
  reportedError: boolean;
  /** The crawl's '@crawl/engine/feed-exports' logger, shared by all slots. */
  readonly log: Logger;
}

/**
 * Scrapy's feed exports: every scraped item is written to each configured feed as it
 * arrives, and the feeds are finalised when the crawl closes. With no argument the
 * crawler's `feeds` setting is used; no feeds at all disables the plugin (NotConfigured).
 */
export function feedExports(feeds?: FeedsSetting, exportOptions: FeedExportsOptions = {}): Plugin {
  let slots: FeedSlot[] = [];
  let unsubscribe: (() => void) | undefined;

  const onItem = (item: unknown): Promise<void> | undefined => {
    let waits: Promise<void>[] | undefined;
    let wait: Promise<void> | undefined;
    for (const slot of slots) {
      const writer = slot.writer;
      if (writer === undefined) continue;
      if (writer.error !== undefined) {
        reportWriteError(slot);
        continue;
      }
      let text: string;
      try {
        text = slot.exporter.item(item);
      } catch (error) {
        slot.log.error(`Feed ${slot.storage.target}: cannot export item (${(error as Error).message ?? String(error)}); skipped`, {
          error,
        });
        continue;
      }
      slot.itemCount++;
      const p = writer.write(text);
      if (p === undefined) continue;
      if (wait === undefined) wait = p;
      else if (p !== wait) (waits ??= [wait]).push(p);
    }
    if (waits !== undefined) return Promise.all(waits).then(noop);
    return wait;
  };

  return {
    name: 'feedExports',

    async open(crawler) {
      const config = feeds ?? spiderSetting(crawler, 'feeds');
      const entries = Object.entries(config ?? {});
      if (entries.length === 0) throw new NotConfigured('feed exports disabled: no feeds configured');
      const now = new Date();
      // Validate every feed before touching the filesystem, so one bad entry leaves no half-opened files.
      const checked = entries.map(([uri, raw]) => ({ uri, options: resolveFeedOptions(uri, raw), rendered: renderFeedUri(uri, crawler.spider, now) }));
      const planned: FeedSlot[] = [];
      const log = crawler.logger.child('@crawl/engine/feed-exports');
      for (const { uri, options, rendered } of checked) {
        const storage = await resolveFeedStorage(rendered, { overwrite: options.overwrite }, {
          storages: exportOptions.storages,
          resolveStore: exportOptions.resolveStore,
          crawler,
          format: options.format,
        });
        const exporter = createExporter(storage.target, options, (message) => log.warn(message));
        planned.push({ uri, options, storage, exporter, writer: undefined, itemCount: 0, reportedError: false, log });
      }
      const targets = new Set<string>();
      for (const slot of planned) {
        if (targets.has(slot.storage.target)) {
          throw new ConfigError(`Feed ${slot.uri}: another feed already writes to ${slot.storage.target}`);
        }
        targets.add(slot.storage.target);
      }
      // Check what appending targets hold (the JSON refusal) for every feed before opening any.
      const prefixes: string[] = [];
      for (const slot of planned) prefixes.push(slot.exporter.start(await slot.storage.existing?.()));
      slots = [];
      try {
        for (let i = 0; i < planned.length; i++) {
          const slot = planned[i]!;
          const stream = await slot.storage.open();
          slots.push(slot);
          slot.writer = createFeedWriter(stream);
          if (prefixes[i] !== '') slot.writer.write(prefixes[i]!);
        }
      } catch (error) {
        await Promise.allSettled(slots.map((s) => s.storage.close()));
        slots = [];
        throw error;
      }
      unsubscribe = crawler.events.on('itemScraped', onItem);
    },

    async close(crawler) {
      unsubscribe?.();
      unsubscribe = undefined;
      const open = slots;
      slots = [];
      await Promise.all(open.map((slot) => finishFeed(crawler, slot)));
    },
  };
}

function noop(): void {}

function reportWriteError(slot: FeedSlot): void {
  if (slot.reportedError) return;
  slot.reportedError = true;
  slot.log.error(`Feed ${slot.storage.target}: write failed; later items are not stored in it`, { error: slot.writer?.error });
}

async function finishFeed(crawler: Crawler, slot: FeedSlot): Promise<void> {
  const { storage, options, itemCount } = slot;
  const writer = slot.writer;
  try {
    if (writer !== undefined) {
      const suffix = slot.exporter.finish();
      if (suffix !== '') writer.write(suffix);
      await writer.flush();
      if (writer.error !== undefined) throw writer.error;
    }
    await storage.close();
  } catch (error) {
    crawler.stats.inc(`feedexport/failed_count/${storage.name}`);
    slot.log.error(`Error storing ${options.format} feed (${itemCount} items) in: ${storage.target}`, { error });
    return;
  }
  crawler.stats.inc(`feedexport/success_count/${storage.name}`);
  slot.log.info(`Stored ${options.format} feed (${itemCount} items) in: ${storage.target}`, {
    format: options.format,
    items: itemCount,
    target: storage.target,
  });
}
