import { ConfigError } from '@crawl/core';

/** Unknown keys are a ConfigError naming the key, so a typo never silently does nothing. */
export function checkKeys(where: string, options: unknown, known: ReadonlySet<string>): void {
  if (typeof options !== 'object' || options === null) throw new ConfigError(`${where}: options must be an object`);
  for (const key of Object.keys(options)) {
    if (!known.has(key)) throw new ConfigError(`${where}: unknown option ${key}`);
  }
}

export function checkFunction(where: string, key: string, value: unknown): void {
  if (value !== undefined && typeof value !== 'function') throw new ConfigError(`${where}: option ${key} must be a function, got ${typeof value}`);
}

/** Compiles a pattern once; g/y flags dropped so test() is stateless. A string compiles as a regex (Scrapy's re.search). */
export function toRegExp(where: string, key: string, value: unknown): RegExp {
  if (value instanceof RegExp) return value.global || value.sticky ? new RegExp(value.source, value.flags.replace(/[gy]/g, '')) : value;
  if (typeof value !== 'string') throw new ConfigError(`${where}: ${key} must be a string or RegExp, got ${typeof value}`);
  try {
    return new RegExp(value);
  } catch (cause) {
    throw new ConfigError(`${where}: ${key} has an invalid regular expression ${JSON.stringify(value)}`, { cause });
  }
}

/** Spider fields every spider factory passes through to the engine. */
export const SPIDER_KEYS: readonly string[] = ['name', 'allowedDomains', 'startUrls', 'settings', 'start', 'closed', 'schema', 'open', 'spiderMiddlewares'];

export function checkName(where: string, name: unknown): void {
  if (typeof name !== 'string' || name === '') throw new ConfigError(`${where}: option name must be a non-empty string`);
}
