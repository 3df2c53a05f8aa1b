import { ConfigError, type Callback, type Errback, type Request, type Response } from '@crawl/core';
import { linkExtractor, type Link, type LinkExtractor } from '@crawl/link-extractor';
import { checkFunction, checkKeys } from './check-options.js';
import { isStandardSchema, type StandardSchemaV1 } from './standard-schema.js';

interface RuleBase<K extends object> {
  /** Default: `linkExtractor()` with Scrapy's defaults. */
  linkExtractor?: LinkExtractor | undefined;
  /** Called with each response of a link this rule extracted (`this` is the spider). */
  callback?: Callback<K> | undefined;
  /** Follow links of those responses too. Default: true without callback, false with one (Scrapy). */
  follow?: boolean | undefined;
  /** Filters or rewrites the links this rule extracted, before requests are built. */
  processLinks?: ((links: Link[]) => Link[]) | undefined;
  /** Rewrites or drops (null/undefined) each request this rule builds. */
  processRequest?: ((request: Request<K>, response: Response) => Request<any> | null | undefined) | undefined;
  /** Called when a request of this rule fails (`failure.request.meta.rule` is the index). */
  errback?: Errback<K> | undefined;
  /** Standard Schema for the items of `callback` (checked by the itemSchemas() spider middleware). */
  schema?: StandardSchemaV1 | undefined;
}

/** cbKwargs are required exactly when the callback's second parameter has required keys. */
export type RuleOptions<K extends object = Record<string, unknown>> = RuleBase<K> &
  ({} extends K ? { cbKwargs?: K | undefined } : { cbKwargs: K });

export interface Rule<K extends object = Record<string, unknown>> {
  readonly linkExtractor: LinkExtractor;
  readonly callback: Callback<K> | undefined;
  readonly cbKwargs: Readonly<K>;
  readonly follow: boolean;
  readonly processLinks: ((links: Link[]) => Link[]) | undefined;
  readonly processRequest: ((request: Request<K>, response: Response) => Request<any> | null | undefined) | undefined;
  readonly errback: Errback<K> | undefined;
  readonly schema: StandardSchemaV1 | undefined;
}

const KEYS = new Set(['linkExtractor', 'callback', 'cbKwargs', 'follow', 'processLinks', 'processRequest', 'errback', 'schema']);
const WHERE = 'rule()';

/** One crawl rule (Scrapy's `Rule`). */
export function rule<K extends object = Record<string, unknown>>(options: RuleOptions<K> = {} as RuleOptions<K>): Rule<K> {
  checkKeys(WHERE, options, KEYS);
  const o = options as RuleBase<K> & { cbKwargs?: K };
  for (const key of ['callback', 'processLinks', 'processRequest', 'errback'] as const) checkFunction(WHERE, key, o[key]);
  const extractor = o.linkExtractor ?? linkExtractor();
  if (typeof extractor !== 'object' || extractor === null || typeof extractor.extractLinks !== 'function') {
    throw new ConfigError(`${WHERE}: option linkExtractor must have an extractLinks(response) method`);
  }
  if (o.follow !== undefined && typeof o.follow !== 'boolean') throw new ConfigError(`${WHERE}: option follow must be a boolean`);
  if (o.cbKwargs !== undefined && (typeof o.cbKwargs !== 'object' || o.cbKwargs === null)) throw new ConfigError(`${WHERE}: option cbKwargs must be an object`);
  if (o.schema !== undefined && !isStandardSchema(o.schema)) throw new ConfigError(`${WHERE}: option schema must be a Standard Schema`);
  return Object.freeze({
    linkExtractor: extractor,
    callback: o.callback,
    cbKwargs: Object.freeze({ ...(o.cbKwargs ?? {}) }) as Readonly<K>,
    follow: o.follow ?? o.callback === undefined,
    processLinks: o.processLinks,
    processRequest: o.processRequest,
    errback: o.errback,
    schema: o.schema,
  });
}
