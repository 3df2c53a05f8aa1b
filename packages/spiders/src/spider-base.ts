import { ConfigError, type CloseReason, type CrawlSettings, type Crawler, type Request, type SpiderMiddleware } from '@crawl/core';
import { checkFunction, checkName } from './check-options.js';
import { spiderItemSchemas } from './item-schemas.js';
import { isStandardSchema, type StandardSchemaV1 } from './standard-schema.js';

/** The Spider fields every factory of this package accepts and passes on to the engine. */
export interface SpiderBaseOptions {
  name: string;
  allowedDomains?: readonly string[] | undefined;
  startUrls?: readonly string[] | undefined;
  /** Per-spider settings (Scrapy's custom_settings). */
  settings?: Partial<CrawlSettings> | undefined;
  start?: (() => Iterable<Request<any> | object> | AsyncIterable<Request<any> | object>) | undefined;
  closed?: ((reason: CloseReason) => void | Promise<void>) | undefined;
  /** Standard Schema for every item of this spider (the spider brings an itemSchemas() middleware to check it). */
  schema?: StandardSchemaV1 | undefined;
  /** Called when the crawl starts, after the spider's own open work (see core's Spider.open). */
  open?: ((crawler: Crawler) => void | Promise<void>) | undefined;
  /** Spider middlewares this spider brings, added to the crawler's. */
  spiderMiddlewares?: readonly SpiderMiddleware[] | undefined;
}

/** What a factory adds to the base fields. */
export interface SpiderParts {
  /** The spider has schemas besides `schema` (crawl rules): it brings itemSchemas() for them. */
  hasSchema?: boolean;
  /** The factory's own open work, run before the user's `open`. */
  open?: (crawler: Crawler) => void;
}

/** The engine-facing fields, validated, without undefined values (exactOptionalPropertyTypes). */
export function baseFields(where: string, o: SpiderBaseOptions, parts: SpiderParts = {}): Record<string, unknown> {
  checkName(where, o.name);
  checkFunction(where, 'start', o.start);
  checkFunction(where, 'closed', o.closed);
  checkFunction(where, 'open', o.open);
  if (o.spiderMiddlewares !== undefined && !Array.isArray(o.spiderMiddlewares)) throw new ConfigError(`${where}: option spiderMiddlewares must be an array of spider middlewares`);
  for (const key of ['allowedDomains', 'startUrls'] as const) {
    const v = o[key];
    if (v !== undefined && (!Array.isArray(v) || !v.every((s) => typeof s === 'string'))) throw new ConfigError(`${where}: option ${key} must be an array of strings`);
  }
  if (o.schema !== undefined && !isStandardSchema(o.schema)) throw new ConfigError(`${where}: option schema must be a Standard Schema`);
  const out: Record<string, unknown> = { name: o.name };
  for (const key of ['allowedDomains', 'startUrls', 'settings', 'start', 'closed'] as const) if (o[key] !== undefined) out[key] = o[key];
  const middlewares = [...(o.spiderMiddlewares ?? [])];
  if (o.schema !== undefined || parts.hasSchema === true) middlewares.push(spiderItemSchemas());
  if (middlewares.length > 0) out['spiderMiddlewares'] = middlewares;
  const own = parts.open;
  const user = o.open;
  if (own !== undefined || user !== undefined) {
    out['open'] = function open(this: unknown, crawler: Crawler): void | Promise<void> {
      own?.(crawler);
      return user?.call(this, crawler);
    };
  }
  return out;
}

