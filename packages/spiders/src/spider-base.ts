import { ConfigError, type CloseReason, type CrawlSettings, type Request } from '@crawl/core';
import { checkFunction, checkName } from './check-options.js';
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
  /** Standard Schema for every item of this spider (checked by the itemSchemas() spider middleware). */
  schema?: StandardSchemaV1 | undefined;
}

/** The engine-facing fields, validated, without undefined values (exactOptionalPropertyTypes). */
export function baseFields(where: string, o: SpiderBaseOptions): Record<string, unknown> {
  checkName(where, o.name);
  checkFunction(where, 'start', o.start);
  checkFunction(where, 'closed', o.closed);
  for (const key of ['allowedDomains', 'startUrls'] as const) {
    const v = o[key];
    if (v !== undefined && (!Array.isArray(v) || !v.every((s) => typeof s === 'string'))) throw new ConfigError(`${where}: option ${key} must be an array of strings`);
  }
  if (o.schema !== undefined && !isStandardSchema(o.schema)) throw new ConfigError(`${where}: option schema must be a Standard Schema`);
  const out: Record<string, unknown> = { name: o.name };
  for (const key of ['allowedDomains', 'startUrls', 'settings', 'start', 'closed'] as const) if (o[key] !== undefined) out[key] = o[key];
  return out;
}

