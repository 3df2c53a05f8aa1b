import type { StatValue, Stats } from '@crawl/core';

/** In-memory stats collector (Scrapy's MemoryStatsCollector), one per crawler. */
export class MemoryStats implements Stats {
  readonly #values = new Map<string, StatValue>();

  get<T extends StatValue = number>(key: string): T | undefined {
    return this.#values.get(key) as T | undefined;
  }

  set(key: string, value: StatValue): void {
    this.#values.set(key, value);
  }

  inc(key: string, count = 1, start = 0): void {
    const current = this.#values.get(key);
    this.#values.set(key, (typeof current === 'number' ? current : start) + count);
  }

  max(key: string, value: number): void {
    const current = this.#values.get(key);
    if (typeof current !== 'number' || value > current) this.#values.set(key, value);
  }

  min(key: string, value: number): void {
    const current = this.#values.get(key);
    if (typeof current !== 'number' || value < current) this.#values.set(key, value);
  }

  /** A snapshot, keys sorted as Scrapy's stats dump shows them. */
  all(): Record<string, StatValue> {
    const out: Record<string, StatValue> = {};
    for (const key of [...this.#values.keys()].sort()) out[key] = this.#values.get(key)!;
    return out;
  }
}
