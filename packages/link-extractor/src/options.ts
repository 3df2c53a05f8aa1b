import { ConfigError } from '@crawl/core';
import { IGNORED_EXTENSIONS } from './ignored-extensions.js';

export type Patterns = string | RegExp | readonly (string | RegExp)[];

export interface LinkExtractorOptions {
  /** Regexes the absolute URL must match (any of them; `search` semantics). Default: every URL. */
  allow?: Patterns;
  /** Regexes that exclude a URL; they win over `allow`. */
  deny?: Patterns;
  /** Only links to these domains or their subdomains. */
  allowDomains?: string | readonly string[];
  /** Never links to these domains or their subdomains. */
  denyDomains?: string | readonly string[];
  /** Path extensions (without dot) to skip. Default: Scrapy's IGNORED_EXTENSIONS; `[]` keeps everything. */
  denyExtensions?: string | readonly string[];
  /** Only links inside elements matching these CSS selectors. */
  restrictCss?: string | readonly string[];
  /** Only links inside nodes matching these XPath expressions. */
  restrictXpath?: string | readonly string[];
  /** Regexes the link text must match (Scrapy's restrict_text). */
  restrictText?: Patterns;
  /** Element names to scan. */
  tags?: string | readonly string[];
  /** Attribute names to read the link from. */
  attrs?: string | readonly string[];
  /** Canonicalise URLs with core's canonicalizeUrl (w3lib's canonicalize_url; drops fragments). */
  canonicalize?: boolean;
  /** Drop duplicate links (same URL). */
  unique?: boolean;
  /** Maps each absolute attribute value to the URL to use; null/undefined skips the link. */
  processValue?: ((value: string) => string | null | undefined) | undefined;
  /** Strip HTML whitespace around attribute values before resolving them (the WHATWG URL parser also strips it, so `false` changes nothing visible). */
  stripWhitespace?: boolean;
}

export interface LinkExtractorDefaults {
  readonly allow: readonly never[];
  readonly deny: readonly never[];
  readonly allowDomains: readonly never[];
  readonly denyDomains: readonly never[];
  readonly denyExtensions: readonly string[];
  readonly restrictCss: readonly never[];
  readonly restrictXpath: readonly never[];
  readonly restrictText: readonly never[];
  readonly tags: readonly string[];
  readonly attrs: readonly string[];
  readonly canonicalize: boolean;
  readonly unique: boolean;
  readonly processValue: undefined;
  readonly stripWhitespace: boolean;
}

/** Scrapy's LxmlLinkExtractor defaults. */
export const LINK_EXTRACTOR_DEFAULTS: LinkExtractorDefaults = Object.freeze({
  allow: Object.freeze([]),
  deny: Object.freeze([]),
  allowDomains: Object.freeze([]),
  denyDomains: Object.freeze([]),
  denyExtensions: IGNORED_EXTENSIONS,
  restrictCss: Object.freeze([]),
  restrictXpath: Object.freeze([]),
  restrictText: Object.freeze([]),
  tags: Object.freeze(['a', 'area']),
  attrs: Object.freeze(['href']),
  canonicalize: false,
  unique: true,
  processValue: undefined,
  stripWhitespace: true,
});

const KEYS = new Set(Object.keys(LINK_EXTRACTOR_DEFAULTS));

export interface ResolvedOptions {
  readonly allow: readonly RegExp[];
  readonly deny: readonly RegExp[];
  readonly allowDomains: readonly string[];
  readonly denyDomains: readonly string[];
  readonly denyExtensions: ReadonlySet<string>;
  readonly restrictCss: readonly string[];
  readonly restrictXpath: readonly string[];
  readonly restrictText: readonly RegExp[];
  readonly tags: ReadonlySet<string>;
  readonly attrs: readonly string[];
  readonly canonicalize: boolean;
  readonly unique: boolean;
  readonly processValue: ((value: string) => string | null | undefined) | undefined;
  readonly stripWhitespace: boolean;
}

function fail(key: string, expected: string, value: unknown): never {
  throw new ConfigError(`linkExtractor(): option ${key} must be ${expected}, got ${typeof value === 'string' ? JSON.stringify(value) : typeof value}`);
}

function strings(key: string, value: unknown, fallback: readonly string[]): string[] {
  if (value === undefined) return [...fallback];
  const list = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(list) || !list.every((v) => typeof v === 'string')) fail(key, 'a string or an array of strings', value);
  return list as string[];
}

/** Compiles once; the g and y flags are dropped so that test() keeps no state between links. */
function regexes(key: string, value: unknown): RegExp[] {
  if (value === undefined) return [];
  const list = typeof value === 'string' || value instanceof RegExp ? [value] : value;
  if (!Array.isArray(list)) fail(key, 'a string, a RegExp or an array of them', value);
  return list.map((p: unknown) => {
    if (p instanceof RegExp) return p.global || p.sticky ? new RegExp(p.source, p.flags.replace(/[gy]/g, '')) : p;
    if (typeof p !== 'string') fail(key, 'a string, a RegExp or an array of them', p);
    try {
      return new RegExp(p);
    } catch (cause) {
      throw new ConfigError(`linkExtractor(): option ${key} has an invalid regular expression ${JSON.stringify(p)}`, { cause });
    }
  });
}

function bool(key: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') fail(key, 'a boolean', value);
  return value;
}

export function resolveOptions(options: LinkExtractorOptions): ResolvedOptions {
  if (typeof options !== 'object' || options === null) throw new ConfigError('linkExtractor(): options must be an object');
  for (const key of Object.keys(options)) {
    if (!KEYS.has(key)) throw new ConfigError(`linkExtractor(): unknown option ${key}`);
  }
  const d = LINK_EXTRACTOR_DEFAULTS;
  if (options.processValue !== undefined && typeof options.processValue !== 'function') fail('processValue', 'a function', options.processValue);
  const tags = strings('tags', options.tags, d.tags).map((t) => t.toLowerCase());
  const attrs = strings('attrs', options.attrs, d.attrs).map((a) => a.toLowerCase());
  const lower = (list: string[]): string[] => list.map((s) => s.toLowerCase());
  return {
    allow: regexes('allow', options.allow),
    deny: regexes('deny', options.deny),
    allowDomains: lower(strings('allowDomains', options.allowDomains, d.allowDomains)),
    denyDomains: lower(strings('denyDomains', options.denyDomains, d.denyDomains)),
    denyExtensions: new Set(lower(strings('denyExtensions', options.denyExtensions, d.denyExtensions)).map((e) => e.replace(/^\./, ''))),
    restrictCss: strings('restrictCss', options.restrictCss, d.restrictCss),
    restrictXpath: strings('restrictXpath', options.restrictXpath, d.restrictXpath),
    restrictText: regexes('restrictText', options.restrictText),
    tags: new Set(tags),
    attrs,
    canonicalize: bool('canonicalize', options.canonicalize, d.canonicalize),
    unique: bool('unique', options.unique, d.unique),
    processValue: options.processValue,
    stripWhitespace: bool('stripWhitespace', options.stripWhitespace, d.stripWhitespace),
  };
}
