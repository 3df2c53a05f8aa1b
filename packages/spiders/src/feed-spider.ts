import { ConfigError, type Response, type SpiderOutput } from '@crawl/core';
import { asyncElements } from './output.js';

/** Hooks shared by the XML and CSV feed spiders (Scrapy's adapt_response and process_results). */
export interface FeedHooks {
  /** Replaces the response before parsing (Scrapy's adapt_response). */
  adaptResponse?: ((response: Response) => Response) | undefined;
  /** Post-processes the output of every node/row (Scrapy's process_results, per element here). */
  processResults?: ((response: Response, results: SpiderOutput<unknown>) => SpiderOutput<unknown>) | undefined;
}

/**
 * Runs `parseOne` for every unit (node or row) and yields its output, one unit at a time: the engine
 * pulls the next unit only once the previous outputs are handed over, so memory stays bounded
 * whatever the number of units.
 */
export async function* feedOutput<U>(
  self: unknown,
  response: Response,
  units: Iterable<U>,
  parseOne: (this: unknown, response: Response, unit: U) => SpiderOutput<unknown>,
  processResults: FeedHooks['processResults'],
): AsyncGenerator<unknown> {
  for (const unit of units) {
    let out = parseOne.call(self, response, unit);
    if (processResults) out = processResults(response, out);
    yield* asyncElements(out);
  }
}

export function checkChar(where: string, key: string, value: unknown, fallback: string): string {
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || value.length !== 1 || value === '\n' || value === '\r') {
    throw new ConfigError(`${where}: option ${key} must be one character (not a newline), got ${JSON.stringify(value)}`);
  }
  return value;
}
