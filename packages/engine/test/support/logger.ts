import type { Logger } from '@crawl/core';

export interface LogLine {
  level: 'debug' | 'info' | 'warn' | 'error';
  message: string;
  fields: Record<string, unknown> | undefined;
}

/** A logger that keeps lines in memory, for assertions. */
export function memoryLogger(): Logger & { lines: LogLine[]; find(level: LogLine['level'], text: string | RegExp): LogLine[] } {
  const lines: LogLine[] = [];
  const at = (level: LogLine['level']) => (message: string, fields?: Record<string, unknown>) => void lines.push({ level, message, fields });
  return {
    lines,
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    find(level, text) {
      return lines.filter((l) => l.level === level && (typeof text === 'string' ? l.message.includes(text) : text.test(l.message)));
    },
  };
}
