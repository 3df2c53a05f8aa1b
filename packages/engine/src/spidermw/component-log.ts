import type { Crawler, Logger } from '@crawl/core';
import { ENGINE_COMPONENT } from '../logger.js';

const logs = new WeakMap<Crawler, Map<string, Logger>>();

/**
 * The crawl's '@crawl/engine/<part>' logger for a built-in middleware. These middlewares keep
 * per-crawler state in WeakMaps (one instance may serve several crawlers), so their loggers
 * are cached the same way: made once per crawler and part, looked up only when a line is logged.
 */
export function componentLog(crawler: Crawler, part: string): Logger {
  let byPart = logs.get(crawler);
  if (byPart === undefined) logs.set(crawler, (byPart = new Map()));
  let log = byPart.get(part);
  if (log === undefined) byPart.set(part, (log = crawler.logger.child(`${ENGINE_COMPONENT}/${part}`)));
  return log;
}
