import { ConfigError, HtmlResponse, Request, type Failure, type Response, type Spider, type SpiderOutput } from '@crawl/core';
import type { Link } from '@crawl/link-extractor';
import { checkFunction, checkKeys, SPIDER_KEYS } from './check-options.js';
import type { SchemaProvider } from './item-schemas.js';
import './meta.js';
import { concatOutput } from './output.js';
import type { Rule } from './rule.js';
import { baseFields, type SpiderBaseOptions } from './spider-base.js';
import type { StandardSchemaV1 } from './standard-schema.js';

export interface CrawlSpiderOptions extends SpiderBaseOptions {
  /** Tried in order for every link; the first rule that extracts a link owns it. */
  rules?: readonly Rule<any>[] | undefined;
  /** Output for the start URLs' responses (their links are followed by the rules as well). Default: nothing. */
  parseStartUrl?: ((this: CrawlSpider, response: Response) => SpiderOutput<unknown>) | undefined;
  /** Post-processes every callback's or errback's output (Scrapy's process_results). */
  processResults?: ((response: Response | undefined, results: SpiderOutput<unknown>) => SpiderOutput<unknown>) | undefined;
  /** Follow links at all (Scrapy's CRAWLSPIDER_FOLLOW_LINKS). Default true. */
  followLinks?: boolean | undefined;
}

export interface CrawlSpider extends Spider<unknown>, SchemaProvider {
  readonly rules: readonly Rule<any>[];
  parse(response: Response, cbKwargs?: Record<string, unknown>): SpiderOutput<unknown>;
}

const WHERE = 'crawlSpider()';
const KEYS = new Set([...SPIDER_KEYS, 'rules', 'parseStartUrl', 'processResults', 'followLinks']);

function linkKey(link: Link): string {
  // Scrapy's Link equality: url, text, fragment and nofollow.
  return `${link.url}\u0000${link.text}\u0000${link.fragment}\u0000${link.nofollow ? 1 : 0}`;
}

/**
 * Scrapy's CrawlSpider: every response of a followed rule is scanned by each rule's link
 * extractor in order, and a link goes to the first rule that extracted it. Rule callbacks get
 * `{ ...rule.cbKwargs, ...request.cbKwargs }`; start URLs go to `parseStartUrl`.
 */
export function crawlSpider(options: CrawlSpiderOptions): CrawlSpider {
  checkKeys(WHERE, options, KEYS);
  const base = baseFields(WHERE, options, { hasSchema: (options.rules ?? []).some((r) => (r as Partial<Rule<any>> | null)?.schema !== undefined) });
  checkFunction(WHERE, 'parseStartUrl', options.parseStartUrl);
  checkFunction(WHERE, 'processResults', options.processResults);
  const rules = [...(options.rules ?? [])];
  rules.forEach((r, i) => {
    if (typeof r !== 'object' || r === null || typeof r.linkExtractor?.extractLinks !== 'function') {
      throw new ConfigError(`${WHERE}: rules[${i}] is not a rule (build it with rule({ ... }))`);
    }
  });
  if (options.followLinks !== undefined && typeof options.followLinks !== 'boolean') throw new ConfigError(`${WHERE}: option followLinks must be a boolean`);
  const followLinks = options.followLinks ?? true;
  const { parseStartUrl, processResults } = options;
  const spiderSchema: StandardSchemaV1 | undefined = options.schema;

  function requestsToFollow(response: Response): Request<any>[] {
    if (!(response instanceof HtmlResponse)) return [];
    const out: Request<any>[] = [];
    const seen = new Set<string>();
    for (let index = 0; index < rules.length; index++) {
      const r = rules[index]!;
      let links = r.linkExtractor.extractLinks(response).filter((l) => !seen.has(linkKey(l)));
      if (r.processLinks) links = r.processLinks(links);
      for (const link of links) {
        seen.add(linkKey(link));
        const request = new Request(link.url, {
          callback: ruleCallback,
          ...(r.errback ? { errback: ruleErrback } : {}),
          meta: { rule: index, linkText: link.text },
        });
        const processed = r.processRequest ? r.processRequest(request, response) : request;
        if (processed !== null && processed !== undefined) out.push(processed);
      }
    }
    return out;
  }

  function parseResponse(self: CrawlSpider, response: Response, callback: ((response: Response, kw: any) => unknown) | undefined, kwargs: Record<string, unknown>, follow: boolean): SpiderOutput<unknown> {
    let results: unknown = callback ? callback.call(self, response, kwargs) : undefined;
    if (processResults) results = processResults(response, results as SpiderOutput<unknown>);
    if (!follow || !followLinks) return results as SpiderOutput<unknown>;
    return concatOutput(results, () => requestsToFollow(response));
  }

  function ruleFor(request: Request<any> | undefined): Rule<any> | undefined {
    const index = request?.meta.rule;
    return typeof index === 'number' ? rules[index] : undefined;
  }

  // Named functions: the engine names them in logs ("<spider>.crawlRuleCallback()").
  function ruleCallback(this: CrawlSpider, response: Response, cbKwargs: Record<string, unknown>): SpiderOutput<unknown> {
    const r = ruleFor(response.request);
    if (r === undefined) throw new ConfigError(`${WHERE}: ${String(response.request)} has no valid meta.rule`);
    return parseResponse(this, response, r.callback, { ...r.cbKwargs, ...cbKwargs }, r.follow);
  }

  function ruleErrback(this: CrawlSpider, failure: Failure): SpiderOutput<unknown> {
    const r = ruleFor(failure.request);
    if (r?.errback === undefined) return undefined;
    const results = r.errback.call(this, failure);
    return processResults ? processResults(failure.response, results) : results;
  }

  const spider: CrawlSpider = {
    ...(base as { name: string }),
    rules,
    parse(this: CrawlSpider, response: Response): SpiderOutput<unknown> {
      return parseResponse(this, response, parseStartUrl as ((response: Response) => unknown) | undefined, {}, true);
    },
    itemSchemaFor(response: Response | undefined): StandardSchemaV1 | undefined {
      return ruleFor(response?.request)?.schema ?? spiderSchema;
    },
  };
  return spider;
}
