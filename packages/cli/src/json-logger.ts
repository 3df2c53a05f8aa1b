import { ConfigError, type Logger } from '@crawl/core';

/**
 * One JSON object per line ({ time, level, logger, component, message, ...fields }), for log
 * shippers. `logger` is the bot name; `component` names the child logger that wrote the line
 * ('@crawl/middleware-retry', nested 'a/b') and is absent for the root logger.
 */
export function jsonLogger(name: string, write: (line: string) => void, component?: string): Logger {
  const line = (level: string) => (message: string, fields?: Record<string, unknown>) => {
    const record: Record<string, unknown> = { time: new Date().toISOString(), level, logger: name };
    if (component !== undefined) record['component'] = component;
    record['message'] = message;
    if (fields) {
      for (const [key, value] of Object.entries(fields)) {
        record[key] = value instanceof Error ? { name: value.name, message: value.message, stack: value.stack } : value;
      }
    }
    write(JSON.stringify(record, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)));
  };
  return {
    debug: line('debug'),
    info: line('info'),
    warn: line('warn'),
    error: line('error'),
    child: (child) => {
      if (typeof child !== 'string' || child === '') throw new ConfigError(`logger.child() needs a non-empty component name, got ${JSON.stringify(child)}`);
      return jsonLogger(name, write, component === undefined ? child : `${component}/${child}`);
    },
  };
}
