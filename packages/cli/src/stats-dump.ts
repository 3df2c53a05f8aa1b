import type { StatValue } from '@crawl/core';

/** Scrapy-style final stats dump: one `'key': value` line per stat, keys sorted. */
export function formatStats(stats: Record<string, StatValue>): string {
  const lines = Object.keys(stats)
    .sort()
    .map((key) => {
      const v = stats[key];
      const shown = v instanceof Date ? v.toISOString() : typeof v === 'string' ? JSON.stringify(v) : String(v);
      return ` '${key}': ${shown},`;
    });
  return `Dumping crawl stats:\n{${lines.join('\n').slice(1)}}`;
}
