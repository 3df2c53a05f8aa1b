import type { CrawlSettings, Logger, Stats } from '@crawl/core';

export type LogLevel = CrawlSettings['logLevel'];
type MessageLevel = Exclude<LogLevel, 'silent'>;

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };
/** Scrapy's level names, used in log lines and in log_count/<LEVEL> stats. */
const LABEL: Record<MessageLevel, string> = { debug: 'DEBUG', info: 'INFO', warn: 'WARNING', error: 'ERROR' };

export interface ConsoleLoggerOptions {
  /** Shown in brackets at the start of each line (default 'crawlbot'). */
  botName?: string;
  /** Lines below this level are not written (default 'info'). */
  level?: LogLevel;
  /** Where lines go (default process.stderr). */
  write?: (line: string) => void;
}

/** `[botName] LEVEL: message {fields}` lines on stderr; an `error` field's stack follows on its own lines. */
export function consoleLogger(options: ConsoleLoggerOptions = {}): Logger {
  const botName = options.botName ?? 'crawlbot';
  const threshold = RANK[options.level ?? 'info'];
  const write = options.write ?? ((line: string) => void process.stderr.write(line));
  const log = (level: MessageLevel) => (message: string, fields?: Record<string, unknown>) => {
    if (RANK[level] < threshold) return;
    write(`[${botName}] ${LABEL[level]}: ${message}${formatFields(fields)}\n`);
  };
  return { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
}

/**
 * Wraps a logger so that every message at or above `level` counts into log_count/<LEVEL>,
 * as Scrapy's LogCounterHandler does, and messages below it are not passed on.
 */
export function countingLogger(inner: Logger, stats: Stats, level: LogLevel): Logger {
  const threshold = RANK[level];
  const wrap = (name: MessageLevel): Logger[MessageLevel] => {
    if (RANK[name] < threshold) return () => undefined;
    const key = `log_count/${LABEL[name]}`;
    return (message, fields) => {
      stats.inc(key);
      inner[name](message, fields);
    };
  };
  return { debug: wrap('debug'), info: wrap('info'), warn: wrap('warn'), error: wrap('error') };
}

function formatFields(fields: Record<string, unknown> | undefined): string {
  if (!fields) return '';
  let stack = '';
  const rest: Record<string, unknown> = {};
  let any = false;
  for (const [key, value] of Object.entries(fields)) {
    if (value instanceof Error) {
      stack += `\n${value.stack ?? `${value.name}: ${value.message}`}`;
      continue;
    }
    rest[key] = value;
    any = true;
  }
  return (any ? ` ${safeJson(rest)}` : '') + stack;
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v instanceof Uint8Array ? `<${v.byteLength} bytes>` : v));
  } catch {
    return '[unserialisable fields]';
  }
}
