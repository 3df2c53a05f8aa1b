import { SaxesParser, type SaxesTagPlain } from 'saxes';

/** One `<url>` or `<sitemap>` entry: its child elements by local name, trimmed text, and alternate links. */
export interface SitemapEntry {
  readonly loc: string;
  /** hrefs of `<xhtml:link>` (any `link` child with an href), as Scrapy collects them. */
  readonly alternate?: readonly string[];
  readonly lastmod?: string;
  readonly changefreq?: string;
  readonly priority?: string;
  readonly [field: string]: string | readonly string[] | undefined;
}

/** Root element's local name: 'urlset', 'sitemapindex', or something else (not a sitemap). */
export type SitemapType = 'urlset' | 'sitemapindex' | (string & {});

function localName(name: string): string {
  const colon = name.indexOf(':');
  return colon < 0 ? name : name.slice(colon + 1);
}

/**
 * A streaming sitemap reader on saxes (Scrapy's Sitemap, which uses lxml with recover=True and
 * resolve_entities=False). saxes never reads a DTD's entity declarations, so no external entity is
 * fetched and no internal entity is expanded (billion laughs stays a few bytes): an undefined
 * entity is reported as a recoverable error and left as text. Errors are tolerated like lxml's
 * recover mode; only complete entries with a `<loc>` are returned.
 */
export class SitemapReader {
  /** Set once the root element has been read. */
  type: SitemapType | undefined;
  /** Recoverable XML errors seen so far. */
  errors = 0;
  readonly #chunks: Iterator<string>;
  readonly #parser = new SaxesParser({ xmlns: false, position: false });
  readonly #ready: SitemapEntry[] = [];
  #depth = 0;
  #entry: Record<string, string | string[]> | undefined;
  #field: string | undefined;
  #text = '';
  #closed = false;

  constructor(chunks: Iterable<string>) {
    this.#chunks = chunks[Symbol.iterator]();
    const p = this.#parser;
    p.on('error', () => {
      this.errors++;
    });
    p.on('opentag', (tag: SaxesTagPlain) => {
      const depth = ++this.#depth;
      if (depth === 1) this.type = localName(tag.name);
      else if (depth === 2) this.#entry = {};
      else if (depth === 3 && this.#entry !== undefined) {
        const name = localName(tag.name);
        this.#text = '';
        if (name === 'link') {
          this.#field = undefined;
          const href = tag.attributes['href'];
          if (href !== undefined) ((this.#entry['alternate'] ??= []) as string[]).push(href);
        } else this.#field = name;
      }
    });
    const onText = (text: string): void => {
      if (this.#depth === 3 && this.#field !== undefined) this.#text += text;
    };
    p.on('text', onText);
    p.on('cdata', onText);
    p.on('closetag', () => {
      const depth = this.#depth--;
      if (depth === 3 && this.#field !== undefined && this.#entry !== undefined) {
        this.#entry[this.#field] = this.#text.trim();
        this.#field = undefined;
        this.#text = '';
      } else if (depth === 2 && this.#entry !== undefined) {
        if (typeof this.#entry['loc'] === 'string') this.#ready.push(this.#entry as unknown as SitemapEntry);
        this.#entry = undefined;
      }
    });
  }

  /** Feeds chunks until the root element is known (or the input ends); returns the type. */
  readType(): SitemapType | undefined {
    while (this.type === undefined && this.#feed());
    return this.type;
  }

  /** The entries, read chunk by chunk (at most one chunk's entries are held at a time). */
  *entries(): Generator<SitemapEntry> {
    for (;;) {
      while (this.#ready.length > 0) yield this.#ready.shift()!;
      if (!this.#feed()) break;
    }
    while (this.#ready.length > 0) yield this.#ready.shift()!;
  }

  #feed(): boolean {
    if (this.#closed) return false;
    const next = this.#chunks.next();
    if (next.done) {
      this.#closed = true;
      this.#parser.close();
      return false;
    }
    this.#parser.write(next.value);
    return true;
  }
}

/** Scrapy's sitemap_urls_from_robots: every `Sitemap:` line, resolved against the robots.txt URL. */
export function* sitemapUrlsFromRobots(robotsText: string, baseUrl: string): Generator<string> {
  for (const line of robotsText.split(/\r\n|\r|\n/)) {
    const trimmed = line.trimStart();
    if (trimmed.slice(0, 8).toLowerCase() !== 'sitemap:') continue;
    const value = trimmed.slice(8).trim();
    try {
      yield new URL(value, baseUrl).href;
    } catch {
      // An unparsable URL is skipped.
    }
  }
}
