import type { CloseReason, Logger } from '@crawl/core';

export interface Stoppable {
  stop(reason?: CloseReason): Promise<void>;
  abort(reason?: CloseReason): Promise<void>;
}

const SIGNALS = ['SIGINT', 'SIGTERM'] as const;

/**
 * Scrapy's shutdown on signals: the first SIGINT/SIGTERM stops gracefully (in-flight requests
 * finish), the second aborts. Returns a function that removes the handlers.
 */
export function installSignalHandlers(target: Stoppable, logger: Logger): () => void {
  let received = 0;
  const handler = (signal: NodeJS.Signals): void => {
    received++;
    if (received === 1) {
      logger.info(`Received ${signal}, shutting down gracefully. Send again to force`);
      void target.stop('shutdown');
    } else {
      logger.info(`Received ${signal} twice, forcing unclean shutdown`);
      void target.abort('shutdown');
    }
  };
  for (const signal of SIGNALS) process.on(signal, handler);
  return () => {
    for (const signal of SIGNALS) process.off(signal, handler);
  };
}
