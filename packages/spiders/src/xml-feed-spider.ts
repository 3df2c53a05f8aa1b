import { ConfigError, parseMarkup, SelectorList, type Response, type Spider, type SpiderOutput, type XPathOptions } from '@crawl/core';
import { responseText } from './body-text.js';
import { checkFunction, checkKeys, SPIDER_KEYS } from './check-options.js';
import { feedOutput, mapBatches, streamingStart, type FeedHooks } from './feed-spider.js';
import type { SchemaProvider } from './item-schemas.js';
import { baseFields, type SpiderBaseOptions } from './spider-base.js';
import type { StandardSchemaV1 } from './standard-schema.js';
import { iterXmlNodes, xmlNodeBatches } from './xml-iter.js';

export interface XmlFeedSpiderOptions extends SpiderBaseOptions, FeedHooks {
  /** 'saxes' (default): a streaming parser. Scrapy's 'iternodes' and 'xml' are accepted as aliases of it. */
  iterator?: 'saxes' | 'iternodes' | 'xml' | undefined;
  /** Element to iterate: a local name ('item') or 'prefix:local' with the prefix in `namespaces`. Default 'item'. */
  itertag?: string | undefined;
  /** Prefix → namespace URI, for itertag and for the nodes' xpath() (Scrapy's namespaces). */
  namespaces?: Readonly<Record<string, string>> | readonly (readonly [string, string])[] | undefined;
  /** Called for each node with a selector on it (`node.css()`, `node.xpath()`); `this` is the spider. */
  parseNode: (this: XmlFeedSpider, response: Response, node: SelectorList) => SpiderOutput<unknown>;
}

export interface XmlFeedSpider extends Spider<unknown>, SchemaProvider {
  readonly itertag: string;
  readonly namespaces: Readonly<Record<string, string>>;
}

export const XML_FEED_SPIDER_DEFAULTS: { readonly iterator: 'saxes'; readonly itertag: string } = Object.freeze({ iterator: 'saxes', itertag: 'item' });

const WHERE = 'xmlFeedSpider()';
const KEYS = new Set([...SPIDER_KEYS, 'iterator', 'itertag', 'namespaces', 'parseNode', 'adaptResponse', 'processResults']);

/**
 * A node's selector whose xpath() knows the spider's `namespaces` (Scrapy registers them on each
 * node's selector), so `node.xpath('f:id/text()')` works with a prefix the document never declares.
 * A query's own `namespaces` win; the lists xpath() returns are plain SelectorLists.
 */
class NodeSelectorList extends SelectorList {
  readonly #namespaces: Readonly<Record<string, string>>;
  constructor($: ConstructorParameters<typeof SelectorList>[0], values: ConstructorParameters<typeof SelectorList>[1], namespaces: Readonly<Record<string, string>>) {
    super($, values);
    this.#namespaces = namespaces;
  }
  override xpath(query: string, options?: XPathOptions): SelectorList {
    return super.xpath(query, { ...options, namespaces: { ...this.#namespaces, ...options?.namespaces } });
  }
}

/** A selector on one node's XML (parsed on its own, so a node costs only its own size). */
function nodeSelector(xml: string, namespaces: Readonly<Record<string, string>>): SelectorList {
  const $ = parseMarkup(xml, true);
  const root = ($.root()[0] as unknown as { children: { type: string }[] }).children.find((c) => c.type === 'tag');
  const values = root ? [root as never] : [];
  return Object.keys(namespaces).length === 0 ? new SelectorList($, values) : new NodeSelectorList($, values, namespaces);
}

/** Selectors on nodes, each parsed when the consumer reaches it. */
function selectorsWith(namespaces: Readonly<Record<string, string>>): (nodes: Iterable<string>) => Generator<SelectorList> {
  return function* selectors(nodes) {
    for (const xml of nodes) yield nodeSelector(xml, namespaces);
  };
}

/** Scrapy's XMLFeedSpider on a streaming parser: parseNode(response, node) for every `itertag` element. */
export function xmlFeedSpider(options: XmlFeedSpiderOptions): XmlFeedSpider {
  checkKeys(WHERE, options, KEYS);
  const starts = options.start === undefined ? streamingStart(options.startUrls) : undefined;
  const base = baseFields(WHERE, options, starts ? { open: starts.open } : {});
  if (typeof options.parseNode !== 'function') throw new ConfigError(`${WHERE}: option parseNode must be a function`);
  checkFunction(WHERE, 'adaptResponse', options.adaptResponse);
  checkFunction(WHERE, 'processResults', options.processResults);
  const iterator = options.iterator ?? XML_FEED_SPIDER_DEFAULTS.iterator;
  if (!['saxes', 'iternodes', 'xml'].includes(iterator)) throw new ConfigError(`${WHERE}: option iterator must be 'saxes' (or its aliases 'iternodes', 'xml'), got ${JSON.stringify(iterator)}`);
  const itertag = options.itertag ?? XML_FEED_SPIDER_DEFAULTS.itertag;
  if (typeof itertag !== 'string' || itertag === '') throw new ConfigError(`${WHERE}: option itertag must be a non-empty string`);
  const ns = options.namespaces;
  const namespaces: Record<string, string> = Array.isArray(ns) ? Object.fromEntries(ns as [string, string][]) : { ...((ns as Record<string, string> | undefined) ?? {}) };
  for (const [k, v] of Object.entries(namespaces)) if (typeof v !== 'string') throw new ConfigError(`${WHERE}: option namespaces[${k}] must be a string URI`);
  const { parseNode, adaptResponse, processResults } = options;
  const selectors = selectorsWith(namespaces);
  const schema: StandardSchemaV1 | undefined = options.schema;

  return {
    ...(base as { name: string }),
    ...(starts ? { start: starts.start } : {}),
    itertag,
    namespaces,
    parse(this: XmlFeedSpider, response: Response): SpiderOutput<unknown> {
      const r = adaptResponse ? adaptResponse(response) : response;
      const text = responseText(r);
      if (Symbol.asyncIterator in text) {
        return feedOutput(this, r, mapBatches(xmlNodeBatches(text, itertag, namespaces), selectors), parseNode as never, processResults);
      }
      return feedOutput(this, r, selectors(iterXmlNodes(text, itertag, namespaces)), parseNode as never, processResults);
    },
    itemSchemaFor(): StandardSchemaV1 | undefined {
      return schema;
    },
  };
}
