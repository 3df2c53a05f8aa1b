import type { Crawler, Logger } from '@crawl/core';

const loggers = new WeakMap<Crawler, Logger>();

/** The handler's component logger for a crawler, made once: only warning paths log. */
export function httpLog(crawler: Crawler): Logger {
  let logger = loggers.get(crawler);
  if (logger === undefined) {
    logger = crawler.logger.child('@crawl/http');
    loggers.set(crawler, logger);
  }
  return logger;
}
