import { ConfigError, type Logger } from '@crawl/core';
import type { LogEntry } from './fake-crawler.js';

/**
 * A Logger that appends every line to `into`, for assertions on what a plugin logged. Lines of a
 * child logger carry its `component` (nested children: 'parent/child'), so a test can check
 * that a plugin logs under its own name; root lines have none.
 */
export function recordingLogger(into: LogEntry[], component?: string): Logger {
  const at = (level: LogEntry['level']) =>
    component === undefined
      ? (message: string, fields?: Record<string, unknown>) => void into.push({ level, message, fields })
      : (message: string, fields?: Record<string, unknown>) => void into.push({ level, message, fields, component });
  return {
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    child: (name) => {
      if (typeof name !== 'string' || name === '') throw new ConfigError(`logger.child() needs a non-empty component name, got ${JSON.stringify(name)}`);
      return recordingLogger(into, component === undefined ? name : `${component}/${name}`);
    },
  };
}
