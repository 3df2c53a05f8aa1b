import { fingerprint, type Crawler, type Request, type Spider } from '@crawl/core';
import { EventBus, MemoryStats, resolveSettings } from '../../../src/index.js';
import { memoryLogger } from '../../support/logger.js';

/** The slice of a Crawler a scheduler uses, around a real spider object. */
export function jobCrawler(spider: Spider<any>, settings: Record<string, unknown> = {}): Crawler & { logger: ReturnType<typeof memoryLogger> } {
  const logger = memoryLogger();
  return {
    spider,
    settings: resolveSettings(settings),
    stats: new MemoryStats(),
    events: new EventBus(() => undefined),
    logger,
    fingerprint: (r: Request<any>) => fingerprint(r),
  } as unknown as Crawler & { logger: ReturnType<typeof memoryLogger> };
}
