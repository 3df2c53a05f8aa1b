import { errorName } from './error-name.js';
import type { CrawlEventMap, CrawlEventName, CrawlEvents, Logger } from '@crawl/core';

/**
 * Emits an engine event, logging (not propagating) a listener's error, as Scrapy's
 * send_catch_log does: a broken extension must not fail the request that triggered it.
 */
export function safeEmit<E extends CrawlEventName>(events: CrawlEvents, logger: Logger, event: E, ...args: CrawlEventMap[E]): void {
  if (events.listenerCount(event) === 0) return;
  try {
    events.emit(event, ...args);
  } catch (error) {
    logger.error(`Error in a ${event} listener: ${errorMessage(error)}`, { error });
  }
}

/** Like safeEmit, awaiting async listeners. */
export async function safeEmitAsync<E extends CrawlEventName>(events: CrawlEvents, logger: Logger, event: E, ...args: CrawlEventMap[E]): Promise<void> {
  if (events.listenerCount(event) === 0) return;
  try {
    await events.emitAsync(event, ...args);
  } catch (error) {
    logger.error(`Error in a ${event} listener: ${errorMessage(error)}`, { error });
  }
}

export function errorMessage(error: unknown): string {
  if (error instanceof Error) return `${errorName(error)}: ${error.message}`;
  return String(error);
}
