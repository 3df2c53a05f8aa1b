import { ConfigError, type CrawlSettings, type Logger, type StatValue, type Stats } from '@crawl/core';

export type LogLevel = CrawlSettings['logLevel'];
type MessageLevel = Exclude<LogLevel, 'silent'>;

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };
/** Scrapy's level names, used in log lines and in log_count/<LEVEL> stats. */
const LABEL: Record<MessageLevel, string> = { debug: 'DEBUG', info: 'INFO', warn: 'WARNING', error: 'ERROR' };

export interface ConsoleLoggerOptions {
  /** Shown in brackets at the start of each line of the root logger (default 'crawlbot'); a child shows its component there. */
  botName?: string;
  /** Lines below this level are not written (default 'info'). */
  level?: LogLevel;
  /** Where lines go (default process.stderr). */
  write?: (line: string) => void;
}

/**
 * A logger as a user may supply it: the four level methods, `child()` optional. The engine
 * turns it into a full Logger with adaptLogger().
 */
export type LoggerLike = Pick<Logger, 'debug' | 'info' | 'warn' | 'error'> & Partial<Pick<Logger, 'child'>>;

/**
 * `[botName] LEVEL: message {fields}` lines on stderr; an `error` field's stack follows on its own
 * lines, and a `stats` field holding an object is printed as indented `key: value` lines (the
 * stats dump). A child's lines show its component where the root shows botName:
 * `[@crawl/middleware-retry] DEBUG: Retrying …`.
 */
export function consoleLogger(options: ConsoleLoggerOptions = {}): Logger {
  const botName = options.botName ?? 'crawlbot';
  const threshold = RANK[options.level ?? 'info'];
  const write = options.write ?? ((line: string) => void process.stderr.write(line));
  const named = (component: string | undefined): Logger => {
    const prefix = `[${component ?? botName}] `;
    const log = (level: MessageLevel) => (message: string, fields?: Record<string, unknown>) => {
      if (RANK[level] < threshold) return;
      write(`${prefix}${LABEL[level]}: ${message}${formatFields(fields)}\n`);
    };
    return { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error'), child: (name) => named(childName(component, name)) };
  };
  return named(undefined);
}

/**
 * Gives a logger without `child()` one: a child passes its component to the same methods as a
 * `component` field (nested: 'a/b'). A logger that has `child()` is returned as it is.
 */
export function adaptLogger(logger: LoggerLike): Logger {
  if (typeof logger !== 'object' || logger === null || LEVELS.some((level) => typeof logger[level] !== 'function')) {
    throw new ConfigError(`logger must be an object with debug, info, warn and error methods, got ${describeValue(logger)}`);
  }
  if (typeof logger.child === 'function') return logger as Logger;
  const withComponent = (component: string | undefined): Logger => {
    const at = (level: MessageLevel) =>
      component === undefined
        ? (message: string, fields?: Record<string, unknown>) => logger[level](message, fields)
        : (message: string, fields?: Record<string, unknown>) => logger[level](message, fields ? { ...fields, component } : { component });
    return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error'), child: (name) => withComponent(childName(component, name)) };
  };
  return withComponent(undefined);
}

/**
 * Wraps a logger so that every message at or above `level` counts into log_count/<LEVEL>,
 * as Scrapy's LogCounterHandler does, and messages below it are not passed on. Children
 * (of any depth) count into the same stats with the same threshold; each line counts once.
 * A logger without `child()` is adapted first (adaptLogger).
 */
export function countingLogger(inner: LoggerLike, stats: Stats, level: LogLevel): Logger {
  const threshold = RANK[level];
  const counted = (target: Logger): Logger => {
    const wrap = (name: MessageLevel): Logger[MessageLevel] => {
      if (RANK[name] < threshold) return () => undefined;
      const key = `log_count/${LABEL[name]}`;
      return (message, fields) => {
        stats.inc(key);
        target[name](message, fields);
      };
    };
    return { debug: wrap('debug'), info: wrap('info'), warn: wrap('warn'), error: wrap('error'), child: (component) => counted(target.child(component)) };
  };
  return counted(adaptLogger(inner));
}

/** The component of the crawler's and engine's own lines; its parts are children ('@crawl/engine/scraper'). */
export const ENGINE_COMPONENT = '@crawl/engine';

const LEVELS: readonly MessageLevel[] = ['debug', 'info', 'warn', 'error'];

/** A child's full component name: the parent's, '/', its own. */
function childName(parent: string | undefined, name: unknown): string {
  if (typeof name !== 'string' || name === '') {
    throw new ConfigError(`logger.child() needs a non-empty component name (e.g. the plugin's name), got ${describeValue(name)}`);
  }
  return parent === undefined ? name : `${parent}/${name}`;
}

function describeValue(value: unknown): string {
  return value === null ? 'null' : typeof value === 'string' ? JSON.stringify(value) : typeof value;
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
    if (key === 'stats' && isPlainObject(value)) {
      stack += `\n${formatStats(value as Record<string, StatValue>)}`;
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

function isPlainObject(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Scrapy's stats dump layout: one indented `key: value` line per stat. */
export function formatStats(stats: Record<string, StatValue>): string {
  return Object.entries(stats)
    .map(([k, v]) => `  ${k}: ${v instanceof Date ? v.toISOString() : String(v)}`)
    .join('\n');
}
