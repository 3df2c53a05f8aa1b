import type { Logger } from '@crawl/core';

/** One JSON object per line ({ time, level, logger, message, ...fields }), for log shippers. */
export function jsonLogger(name: string, write: (line: string) => void): Logger {
  const line = (level: string) => (message: string, fields?: Record<string, unknown>) => {
    const record: Record<string, unknown> = { time: new Date().toISOString(), level, logger: name, message };
    if (fields) {
      for (const [key, value] of Object.entries(fields)) {
        record[key] = value instanceof Error ? { name: value.name, message: value.message, stack: value.stack } : value;
      }
    }
    write(JSON.stringify(record, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)));
  };
  return { debug: line('debug'), info: line('info'), warn: line('warn'), error: line('error') };
}
