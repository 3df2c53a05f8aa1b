import { canonicalizeUrl, ConfigError, hostMatchesDomain, NotSupported, type Response } from '@crawl/core';
import type { DomNode } from './dom.js';
import { textContent, walkElements } from './dom.js';
import { pathExtension } from './ignored-extensions.js';
import type { Link } from './link.js';
import { resolveOptions, type LinkExtractorOptions, type ResolvedOptions } from './options.js';

export interface LinkExtractor {
  /** The links of a response, filtered and (by default) deduplicated, in document order. [] for responses that are not HTML/XML. */
  extractLinks(response: Response): Link[];
  /** Whether a URL passes allow/deny and allowDomains/denyDomains (Scrapy's `matches`). */
  matches(url: string): boolean;
}

const VALID_PROTOCOLS = new Set(['http:', 'https:', 'file:']);

function isHtmlSpace(code: number): boolean {
  return code === 32 || code === 9 || code === 10 || code === 13 || code === 12;
}

/** strip_html5_whitespace, without a regex when there is nothing to strip (the common case). */
function stripHtml5(value: string): string {
  let start = 0;
  let end = value.length;
  while (start < end && isHtmlSpace(value.charCodeAt(start))) start++;
  while (end > start && isHtmlSpace(value.charCodeAt(end - 1))) end--;
  return start === 0 && end === value.length ? value : value.slice(start, end);
}

function relHasNofollow(rel: string | undefined): boolean {
  if (rel === undefined || !rel.includes('nofollow')) return false;
  return rel.replace(/,/g, ' ').split(/\s+/).includes('nofollow');
}

function anyMatch(res: readonly RegExp[], value: string): boolean {
  for (const re of res) if (re.test(value)) return true;
  return false;
}

function anyDomain(domains: readonly string[], host: string): boolean {
  for (const d of domains) if (hostMatchesDomain(host, d)) return true;
  return false;
}

function documentOf(response: Response): { root: DomNode } | undefined {
  try {
    const $ = response.$;
    return { root: $.root()[0] as unknown as DomNode };
  } catch (error) {
    if (error instanceof NotSupported) return undefined;
    throw error;
  }
}

/**
 * Scrapy's LinkExtractor (LxmlLinkExtractor). One walk over the response's parsed document
 * (the same parse as response.css()); each candidate URL is resolved once with the base URL
 * parsed once; regexes are compiled at creation.
 */
export function linkExtractor(options: LinkExtractorOptions = {}): LinkExtractor {
  const o = resolveOptions(options);
  const filtersText = o.restrictText.length > 0;

  function allowedUrl(url: string, parsed: URL): boolean {
    if (!VALID_PROTOCOLS.has(parsed.protocol)) return false;
    if (o.allow.length > 0 && !anyMatch(o.allow, url)) return false;
    if (o.deny.length > 0 && anyMatch(o.deny, url)) return false;
    if (o.allowDomains.length > 0 || o.denyDomains.length > 0) {
      const host = parsed.hostname;
      if (o.allowDomains.length > 0 && !anyDomain(o.allowDomains, host)) return false;
      if (o.denyDomains.length > 0 && anyDomain(o.denyDomains, host)) return false;
    }
    if (o.denyExtensions.size > 0) {
      const ext = pathExtension(parsed.pathname);
      if (ext !== '' && o.denyExtensions.has(ext)) return false;
    }
    return true;
  }

  function roots(response: Response, document: DomNode): DomNode[] {
    if (o.restrictCss.length === 0 && o.restrictXpath.length === 0) return [document];
    const out: DomNode[] = [];
    for (const xp of o.restrictXpath) {
      if (typeof (response as { xpath?: unknown }).xpath !== 'function') {
        throw new ConfigError('linkExtractor(): restrictXpath needs a @crawl/core whose responses have xpath()');
      }
      for (const node of response.xpath(xp).nodes()) if (typeof node !== 'string') out.push(node as unknown as DomNode);
    }
    for (const css of o.restrictCss) {
      for (const node of response.css(css).nodes()) if (typeof node !== 'string') out.push(node as unknown as DomNode);
    }
    return out;
  }

  return {
    extractLinks(response: Response): Link[] {
      const doc = documentOf(response);
      if (doc === undefined) return [];
      const responseUrl = new URL(response.url);
      // urljoin('') resolves to the <base href> of an HTML response, else to its URL.
      const base = new URL(response.urljoin(''));
      const links: Link[] = [];
      const finalSeen = o.unique ? new Set<string>() : undefined;
      for (const root of roots(response, doc.root)) {
        // Scrapy deduplicates each region before filtering, then the whole list after it.
        const regionSeen = o.unique ? new Set<string>() : undefined;
        walkElements(root, (el) => {
          if (!o.tags.has(el.name!)) return;
          const attribs = el.attribs!;
          for (const attr of o.attrs) {
            let value = attribs[attr];
            if (value === undefined) continue;
            if (o.stripWhitespace) value = stripHtml5(value);
            let parsed: URL;
            try {
              parsed = new URL(value, base);
            } catch {
              continue;
            }
            let url = parsed.href;
            if (o.processValue !== undefined) {
              const processed = o.processValue(url);
              if (processed === null || processed === undefined) continue;
              try {
                parsed = new URL(processed, responseUrl);
              } catch {
                continue;
              }
              url = parsed.href;
            }
            if (regionSeen !== undefined) {
              const key = o.canonicalize ? canonicalizeUrl(url, { keepFragments: true }) : url;
              if (regionSeen.has(key)) continue;
              regionSeen.add(key);
            }
            if (!allowedUrl(url, parsed)) continue;
            const text = textContent(el);
            if (filtersText && !anyMatch(o.restrictText, text)) continue;
            const fragment = parsed.hash === '' ? '' : parsed.hash.slice(1);
            if (o.canonicalize) url = canonicalizeUrl(url);
            if (finalSeen !== undefined) {
              if (finalSeen.has(url)) continue;
              finalSeen.add(url);
            }
            links.push({ url, text, fragment, nofollow: relHasNofollow(attribs['rel']) });
          }
        });
      }
      return links;
    },

    matches(url: string): boolean {
      let parsed: URL;
      try {
        parsed = new URL(url);
      } catch {
        return false;
      }
      const host = parsed.hostname;
      if (o.allowDomains.length > 0 && !anyDomain(o.allowDomains, host)) return false;
      if (o.denyDomains.length > 0 && anyDomain(o.denyDomains, host)) return false;
      if (o.allow.length > 0 && !anyMatch(o.allow, url)) return false;
      return !(o.deny.length > 0 && anyMatch(o.deny, url));
    },
  };
}
