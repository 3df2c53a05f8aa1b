import { ConfigError, Request, type Callback, type Response, type Spider, type SpiderOutput } from '@crawl/core';
import { responseTextChunks } from './body-text.js';
import { checkFunction, checkKeys, SPIDER_KEYS, toRegExp } from './check-options.js';
import type { SchemaProvider } from './item-schemas.js';
import { isHttpUrl, sameHost } from './same-host.js';
import { sitemapBody } from './sitemap-body.js';
import { SitemapReader, sitemapUrlsFromRobots, type SitemapEntry, type SitemapType } from './sitemap-reader.js';
import { baseFields, type SpiderBaseOptions } from './spider-base.js';
import type { StandardSchemaV1 } from './standard-schema.js';

export type SitemapRule = readonly [pattern: string | RegExp, callback: Callback<any>];

export interface SitemapSpiderOptions extends SpiderBaseOptions {
  /** Sitemaps, sitemap indexes or robots.txt URLs to start from. */
  sitemapUrls: readonly string[];
  /** [regex, callback] pairs: a page URL goes to the first callback whose regex it matches. Default `[['', parse]]`. */
  sitemapRules?: readonly SitemapRule[] | undefined;
  /** Regexes for the sitemaps of a sitemap index to follow. Default `['']` (all). */
  sitemapFollow?: readonly (string | RegExp)[] | undefined;
  /** Also follow `<xhtml:link rel="alternate">` URLs of each entry. Default false. */
  sitemapAlternateLinks?: boolean | undefined;
  /** Filters (or rewrites) the entries of each sitemap; `type` is 'urlset' or 'sitemapindex'. */
  sitemapFilter?: ((entries: Iterable<SitemapEntry>, type: SitemapType) => Iterable<SitemapEntry>) | undefined;
  /** Follow URLs on other hosts than the sitemap (or robots.txt) that lists them. Default false (S19). */
  allowCrossHost?: boolean | undefined;
  /**
   * Bytes a gzip sitemap may decompress to (Scrapy's spider attribute download_maxsize).
   * Default: the request's meta.downloadMaxSize, else the crawl's settings.downloadMaxSize (read in
   * open(); it includes this spider's settings).
   */
  downloadMaxSize?: number | undefined;
  /** The default callback of sitemapRules (Scrapy's parse). */
  parse?: Callback<any> | undefined;
}

export interface SitemapSpider extends Spider<unknown>, SchemaProvider {
  readonly sitemapUrls: readonly string[];
}

export const SITEMAP_SPIDER_DEFAULTS: { readonly sitemapFollow: readonly string[]; readonly sitemapAlternateLinks: boolean; readonly allowCrossHost: boolean } =
  Object.freeze({ sitemapFollow: Object.freeze(['']), sitemapAlternateLinks: false, allowCrossHost: false });

const WHERE = 'sitemapSpider()';
const KEYS = new Set([...SPIDER_KEYS, 'sitemapUrls', 'sitemapRules', 'sitemapFollow', 'sitemapAlternateLinks', 'sitemapFilter', 'allowCrossHost', 'downloadMaxSize', 'parse']);

/**
 * Scrapy's SitemapSpider: starts from sitemapUrls (sitemaps, sitemap indexes, robots.txt),
 * follows nested sitemaps matching sitemapFollow and sends page URLs to the first matching
 * sitemapRules callback. Only http(s) URLs on the listing document's host are followed unless
 * allowCrossHost; XML is streamed through saxes without DTD or entity expansion; gzip sitemaps
 * are bounded by the max size after decompression.
 */
export function sitemapSpider(options: SitemapSpiderOptions): SitemapSpider {
  checkKeys(WHERE, options, KEYS);
  // The project's downloadMaxSize (which includes this spider's settings), read when the crawl opens.
  let settingsMaxSize: number | undefined;
  const base = baseFields(WHERE, options, {
    open(crawler) {
      settingsMaxSize = crawler.settings.downloadMaxSize;
    },
  });
  checkFunction(WHERE, 'sitemapFilter', options.sitemapFilter);
  checkFunction(WHERE, 'parse', options.parse);
  const sitemapUrls = options.sitemapUrls;
  if (!Array.isArray(sitemapUrls) || sitemapUrls.length === 0) throw new ConfigError(`${WHERE}: option sitemapUrls must be a non-empty array of URLs`);
  for (const url of sitemapUrls) {
    try {
      new URL(url);
    } catch (cause) {
      throw new ConfigError(`${WHERE}: option sitemapUrls has an invalid URL ${JSON.stringify(url)}`, { cause });
    }
  }
  const ruleList = options.sitemapRules ?? (options.parse ? [['', options.parse] as const] : undefined);
  if (ruleList === undefined) throw new ConfigError(`${WHERE}: give sitemapRules or a parse callback`);
  const rules = ruleList.map(([pattern, cb], i) => {
    if (typeof cb !== 'function') throw new ConfigError(`${WHERE}: sitemapRules[${i}] callback must be a function`);
    return [toRegExp(WHERE, `sitemapRules[${i}]`, pattern), cb] as const;
  });
  const follow = (options.sitemapFollow ?? SITEMAP_SPIDER_DEFAULTS.sitemapFollow).map((p, i) => toRegExp(WHERE, `sitemapFollow[${i}]`, p));
  for (const key of ['sitemapAlternateLinks', 'allowCrossHost'] as const) {
    if (options[key] !== undefined && typeof options[key] !== 'boolean') throw new ConfigError(`${WHERE}: option ${key} must be a boolean`);
  }
  const alternates = options.sitemapAlternateLinks ?? SITEMAP_SPIDER_DEFAULTS.sitemapAlternateLinks;
  const allowCrossHost = options.allowCrossHost ?? SITEMAP_SPIDER_DEFAULTS.allowCrossHost;
  const maxSizeOption = options.downloadMaxSize;
  if (maxSizeOption !== undefined && (!Number.isFinite(maxSizeOption) || maxSizeOption < 0)) throw new ConfigError(`${WHERE}: option downloadMaxSize must be a number >= 0`);
  const filter = options.sitemapFilter;
  const schema: StandardSchemaV1 | undefined = options.schema;

  /** A URL this document may lead to, or undefined (bad URL, non-http(s) scheme, other host). */
  function allowed(loc: string, origin: URL): string | undefined {
    let url: URL;
    try {
      url = new URL(loc);
    } catch {
      return undefined;
    }
    if (!isHttpUrl(url)) return undefined;
    if (!allowCrossHost && !sameHost(url, origin)) return undefined;
    return url.href;
  }

  function* locations(entries: Iterable<SitemapEntry>): Generator<string> {
    for (const entry of entries) {
      yield entry.loc;
      if (alternates && entry.alternate) yield* entry.alternate;
    }
  }

  function* parseSitemap(this: SitemapSpider, response: Response): Generator<Request<any>> {
    const origin = new URL(response.url);
    if (origin.pathname.endsWith('/robots.txt')) {
      for (const url of sitemapUrlsFromRobots(response.text, response.url)) {
        const ok = allowed(url, origin);
        if (ok !== undefined) yield new Request(ok, { callback: parseSitemap });
      }
      return;
    }
    const maxSize =
      (response.request?.meta.downloadMaxSize as number | undefined) ?? maxSizeOption ?? settingsMaxSize ?? (options.settings as { downloadMaxSize?: number } | undefined)?.downloadMaxSize;
    const { body, xml } = sitemapBody(response, maxSize);
    // A gunzipped body has no Content-Type of its own: its encoding comes from BOM or XML declaration.
    const reader = new SitemapReader(responseTextChunks(response, body, xml ? response.headers.get('content-type') : undefined));
    const type = reader.readType();
    if (type !== 'urlset' && type !== 'sitemapindex') return;
    const entries = filter ? filter(reader.entries(), type) : reader.entries();
    if (type === 'sitemapindex') {
      for (const loc of locations(entries)) {
        const url = allowed(loc, origin);
        if (url !== undefined && follow.some((re) => re.test(url))) yield new Request(url, { callback: parseSitemap });
      }
      return;
    }
    for (const loc of locations(entries)) {
      const url = allowed(loc, origin);
      if (url === undefined) continue;
      for (const [re, callback] of rules) {
        if (re.test(url)) {
          yield new Request(url, { callback });
          break;
        }
      }
    }
  }

  const spider: SitemapSpider = {
    ...(base as { name: string }),
    sitemapUrls: [...sitemapUrls],
    *start(): Generator<Request<any>> {
      for (const url of sitemapUrls) yield new Request(url, { callback: parseSitemap });
    },
    parse(this: SitemapSpider, response: Response, cbKwargs: Record<string, unknown>): SpiderOutput<unknown> {
      if (options.parse) return options.parse.call(this, response, cbKwargs);
      throw new ConfigError(`${WHERE}: spider ${options.name} has no parse callback for ${response.url}`);
    },
    itemSchemaFor(): StandardSchemaV1 | undefined {
      return schema;
    },
  };
  if (options.start) (spider as { start: unknown }).start = options.start;
  return spider;
}
