import type { Stats } from '@crawl/core';

export interface ProgressSnapshot {
  pages: number;
  items: number;
  queued: number;
  inFlight: number;
  errors: number;
  elapsedSeconds: number;
  /** Responses per HTTP status. */
  statuses: ReadonlyMap<number, number>;
}

export function snapshot(
  stats: Stats,
  startedAt: number,
  extra: { inFlight?: number; statuses?: ReadonlyMap<number, number> } = {},
  now = Date.now(),
): ProgressSnapshot {
  const n = (k: string) => stats.get<number>(k) ?? 0;
  return {
    pages: n('response_received_count'),
    items: n('item_scraped_count'),
    queued: Math.max(0, n('scheduler/enqueued') - n('scheduler/dequeued')),
    inFlight: extra.inFlight ?? 0,
    errors: n('log_count/ERROR'),
    elapsedSeconds: (now - startedAt) / 1000,
    statuses: extra.statuses ?? new Map(),
  };
}

export function formatProgress(s: ProgressSnapshot): string {
  const perMinute = s.elapsedSeconds > 0 ? (60 * s.pages) / s.elapsedSeconds : 0;
  const statuses = [...s.statuses].sort((a, b) => a[0] - b[0]).map(([code, count]) => `${code}:${count}`);
  return (
    `pages ${s.pages} (${Math.round(perMinute)}/min) | items ${s.items} | queue ${s.queued} | in flight ${s.inFlight} | errors ${s.errors}` +
    `${statuses.length ? ` | ${statuses.join(' ')}` : ''} | ${formatDuration(s.elapsedSeconds)}`
  );
}

function formatDuration(seconds: number): string {
  const m = Math.floor(seconds / 60);
  const s = Math.floor(seconds % 60);
  return m > 0 ? `${m}m${String(s).padStart(2, '0')}s` : `${s}s`;
}

/**
 * A single status line rewritten in place on a TTY. Log lines go through `write()`, which
 * clears the status line first so that logs and progress never interleave on one line.
 */
export class ProgressLine {
  readonly #stream: NodeJS.WriteStream;
  readonly #render: () => string;
  #timer: NodeJS.Timeout | undefined;
  #shown = false;

  constructor(stream: NodeJS.WriteStream, render: () => string) {
    this.#stream = stream;
    this.#render = render;
  }

  start(intervalMs = 200): void {
    this.#timer = setInterval(() => this.draw(), intervalMs);
    this.#timer.unref();
  }

  draw(): void {
    const width = Math.max(20, (this.#stream.columns ?? 120) - 1);
    this.#stream.write(`\r\x1b[2K${this.#render().slice(0, width)}`);
    this.#shown = true;
  }

  write(line: string): void {
    if (this.#shown) this.#stream.write('\r\x1b[2K');
    this.#shown = false;
    this.#stream.write(line.endsWith('\n') ? line : `${line}\n`);
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    if (this.#shown) this.#stream.write('\r\x1b[2K');
    this.#shown = false;
  }
}
