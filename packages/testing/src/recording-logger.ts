import type { Logger } from '@crawl/core';
import type { LogEntry } from './fake-crawler.js';

/** A Logger that appends every line to `into`, for assertions on what a plugin logged. */
export function recordingLogger(into: LogEntry[]): Logger {
  const at = (level: LogEntry['level']) => (message: string, fields?: Record<string, unknown>) => void into.push({ level, message, fields });
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}
