import { ConfigError, isRequest, type Callback, type Crawler, type Logger, type Response, type SpiderMiddleware } from '@crawl/core';
import { checkKeys } from './check-options.js';
import { isStandardSchema, type StandardSchemaV1, type StandardSchemaV1Result } from './standard-schema.js';
import { formatIssues, ValidationError } from './validation-error.js';

/** What a spider may expose so the middleware finds the schema for a response's items (the spiders of this package do). */
export interface SchemaProvider {
  itemSchemaFor(response: Response | undefined): StandardSchemaV1 | undefined;
}

export interface ItemSchemasOptions {
  /** Schema for items of every callback that has no schema of its own. */
  schema?: StandardSchemaV1 | undefined;
  /** Schemas per callback function (the request's `callback`). */
  callbacks?: Iterable<readonly [Callback<any, any>, StandardSchemaV1]> | undefined;
  /** Position in the spider-middleware chain. Low: output hooks run in descending order, so it sees items last, as the pipelines will. */
  order?: number;
}

export interface ItemSchemasDefaults {
  readonly order: number;
}

export const ITEM_SCHEMAS_DEFAULTS: ItemSchemasDefaults = Object.freeze({ order: 10 });

const KEYS = new Set(['schema', 'callbacks', 'order']);
const WHERE = 'itemSchemas()';

function providerOf(crawler: Crawler): SchemaProvider | undefined {
  const spider = crawler.spider as Partial<SchemaProvider>;
  return typeof spider.itemSchemaFor === 'function' ? (spider as SchemaProvider) : undefined;
}

/**
 * A spider middleware that validates every item a callback produces against a Standard Schema
 * (zod, valibot, arktype, or any object with `~standard.validate`) before the item pipelines.
 * The schema is, in order: the one registered for the request's callback, the spider's own
 * (`itemSchemaFor(response)`, which the spiders of this package implement from their `schema`
 * options), else `options.schema`. A valid item continues as the schema's output value; an
 * invalid one is dropped: `item_dropped_count` and `item_dropped_reasons_count/ValidationError`
 * are counted, the issues logged as a warning and `itemDropped` emitted with a ValidationError.
 */
export function itemSchemas(options: ItemSchemasOptions = {}): SpiderMiddleware {
  return createItemSchemas(options, undefined);
}

function createItemSchemas(options: ItemSchemasOptions, deferTo: WeakSet<Crawler> | undefined): SpiderMiddleware {
  checkKeys(WHERE, options, KEYS);
  const { schema, callbacks, order = ITEM_SCHEMAS_DEFAULTS.order } = options;
  if (schema !== undefined && !isStandardSchema(schema)) throw new ConfigError(`${WHERE}: option schema must be a Standard Schema (an object with ~standard.validate)`);
  if (typeof order !== 'number' || !Number.isFinite(order)) throw new ConfigError(`${WHERE}: option order must be a finite number`);
  const byCallback = new Map<unknown, StandardSchemaV1>();
  for (const entry of callbacks ?? []) {
    const [fn, s] = entry;
    if (typeof fn !== 'function') throw new ConfigError(`${WHERE}: option callbacks must pair functions with schemas`);
    if (!isStandardSchema(s)) throw new ConfigError(`${WHERE}: option callbacks has a schema for ${fn.name || 'a callback'} that is not a Standard Schema`);
    byCallback.set(fn, s);
  }
  let provider: SchemaProvider | undefined;
  let defaultCallback: unknown;
  /** Set in open(); a hook called without open() logs through the crawler's own logger. */
  let log: Logger | undefined;
  return {
    name: ITEM_SCHEMAS_COMPONENT,
    order,
    open(crawler: Crawler): void {
      log = crawler.logger.child(ITEM_SCHEMAS_COMPONENT);
      provider = providerOf(crawler);
      defaultCallback = crawler.spider.parse;
      // An itemSchemas() the user wired takes over from the one the spider brings (it also applies
      // the spider's schemas): one validation per item, so a transforming schema never sees its own output.
      if (deferTo === undefined) {
        for (const mw of crawler.spider.spiderMiddlewares ?? []) (mw as Partial<SpiderOwned>)[SPIDER_OWNED]?.add(crawler);
      }
    },
    processSpiderOutput(result: unknown, response: Response | undefined, crawler: Crawler): unknown {
      if (deferTo?.has(crawler)) return result;
      if (typeof result !== 'object' || result === null || isRequest(result)) return result;
      const s = schemaFor(response);
      if (s === undefined) return result;
      const validated = s['~standard'].validate(result);
      if (validated instanceof Promise) return validated.then((r) => settle(result, r, response, crawler));
      return settle(result, validated, response, crawler);
    },
  };

  function schemaFor(response: Response | undefined): StandardSchemaV1 | undefined {
    if (byCallback.size > 0 && response?.request !== undefined) {
      // A request without callback goes to spider.parse, as the engine does.
      const own = byCallback.get(response.request.callback ?? defaultCallback);
      if (own !== undefined) return own;
    }
    return provider?.itemSchemaFor(response) ?? schema;
  }

  function settle(item: unknown, result: StandardSchemaV1Result<unknown>, response: Response | undefined, crawler: Crawler): unknown {
    if (result.issues === undefined) return result.value;
    const error = new ValidationError(result.issues);
    crawler.stats.inc('item_dropped_count');
    crawler.stats.inc('item_dropped_reasons_count/ValidationError');
    (log ?? crawler.logger).warn(`Dropped: ValidationError: ${formatIssues(result.issues)}`, { item, issues: result.issues, ...(response ? { url: response.url } : {}) });
    return crawler.events.emitAsync('itemDropped', item, error, response).then(
      () => undefined,
      (listenerError: unknown) => {
        (log ?? crawler.logger).error(`Error in itemDropped listener: ${String(listenerError)}`, { error: listenerError });
        return undefined;
      },
    );
  }
}

const ITEM_SCHEMAS_COMPONENT = '@crawl/spiders:item-schemas';

const SPIDER_OWNED = Symbol('@crawl/spiders:spider-owned item schemas');

/** The crawlers in which a user-wired itemSchemas() does the work of this spider-owned one. */
interface SpiderOwned {
  readonly [SPIDER_OWNED]: WeakSet<Crawler>;
}

/**
 * The itemSchemas() a spider of this package brings through `spider.spiderMiddlewares` when it has
 * a schema, so its `schema` options work without wiring. It stands aside in a crawl whose own
 * spider middlewares include an itemSchemas().
 */
export function spiderItemSchemas(): SpiderMiddleware {
  const deferTo = new WeakSet<Crawler>();
  return Object.assign(createItemSchemas({}, deferTo), { [SPIDER_OWNED]: deferTo });
}
