import type { LogEntry } from './fake-crawler.js';

/** Errors carry what matters in non-enumerable properties, which JSON.stringify would leave out. */
function withErrorsSpelledOut(_key: string, value: unknown): unknown {
  if (!(value instanceof Error)) return value;
  return { ...value, name: value.name, message: value.message, stack: value.stack, cause: value.cause };
}

/**
 * Each entry as one line, `level message {fields}`, with every error's name, message, stack and
 * cause written out: what an assertion needs to show that a secret (a password, a private key)
 * never reaches the logs, however deep in a cause chain it would have been.
 */
export function logLines(logs: readonly LogEntry[]): string[] {
  return logs.map(({ level, message, fields }) => {
    if (fields === undefined) return `${level} ${message}`;
    let extra: string;
    try {
      extra = JSON.stringify(fields, withErrorsSpelledOut);
    } catch {
      // A cycle or a BigInt: still show something rather than nothing.
      extra = String(fields);
    }
    return `${level} ${message} ${extra}`;
  });
}
