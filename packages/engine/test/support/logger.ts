import type { Logger } from '@crawl/core';

export interface LogLine {
  level: 'debug' | 'info' | 'warn' | 'error';
  message: string;
  fields: Record<string, unknown> | undefined;
  /** The child logger's component ('@crawl/engine/scraper'); absent for the root logger. */
  component?: string;
}

/** A logger that keeps lines in memory (with their child component), for assertions. */
export function memoryLogger(): Logger & { lines: LogLine[]; find(level: LogLine['level'], text: string | RegExp): LogLine[] } {
  const lines: LogLine[] = [];
  const named = (component: string | undefined): Logger => {
    const at = (level: LogLine['level']) => (message: string, fields?: Record<string, unknown>) =>
      void lines.push(component === undefined ? { level, message, fields } : { level, message, fields, component });
    return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error'), child: (name) => named(component === undefined ? name : `${component}/${name}`) };
  };
  return {
    lines,
    ...named(undefined),
    find(level, text) {
      return lines.filter((l) => l.level === level && (typeof text === 'string' ? l.message.includes(text) : text.test(l.message)));
    },
  };
}
