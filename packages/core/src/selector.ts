import { select as selectMatching } from 'cheerio-select';
import { load, type CheerioAPI } from 'cheerio/slim';
import { compile as compileSelector, type Options as CssSelectOptions } from 'css-select';
import { isTag, type AnyNode, type Document, type Element } from 'domhandler';
import { parseDocument } from 'htmlparser2';
import { SelectorError } from './errors.js';
import { parseIndexedDocument, subjectTag, type TagIndex } from './tag-index.js';
import { evaluateXPath, type XPathOptions } from './xpath.js';
import { markXmlDocument } from './xpath-dom.js';

const XML_OPTIONS = { xml: { xmlMode: true, decodeEntities: true } };
let sharedHtml: CheerioAPI | undefined;
let sharedXml: CheerioAPI | undefined;

/** One cheerio instance per parser mode, for work on nodes of any document (see MarkupDocument). */
function sharedCheerio(xml: boolean): CheerioAPI {
  if (xml) return (sharedXml ??= load('', XML_OPTIONS));
  return (sharedHtml ??= load(''));
}

/** Parses markup once; HTML through htmlparser2 (fast, forgiving), XML in xml mode. */
export function parseMarkup(text: string, xml: boolean): CheerioAPI {
  return cheerioFor(parseMarkupDocument(text, xml), xml);
}

/** The document parseMarkup() builds (htmlparser2 with cheerio's options for the mode), without a cheerio instance. */
function parseMarkupDocument(text: string, xml: boolean): Document {
  const document = parseDocument(text, sharedCheerio(xml).root().options);
  if (xml) markXmlDocument(document);
  return document;
}

/** cheerio bound to a parsed document: load() takes a document node as its root as it is. */
function cheerioFor(document: Document, xml: boolean): CheerioAPI {
  return xml ? load(document, XML_OPTIONS) : load(document);
}

/**
 * A parsed document as selector lists use it. cheerio's load() defines a class per document, and
 * V8 keeps whatever a hidden class reaches alive through every young-generation collection until
 * the next full one: each page's document outlived the page and was promoted to the old
 * generation, so a crawl spent about a third of its time in GC and its heap grew with it. Queries
 * therefore run on the document itself; node-level cheerio work (queries below elements,
 * serialising elements) goes through one cheerio instance per parser mode, whose results do not
 * depend on the instance; a cheerio bound to the document is made only when something needs it
 * (response.$, selectors cheerio must answer itself). Built from a caller's cheerio instance, it
 * uses that instance for everything, as before.
 */
export class MarkupDocument {
  readonly root: Document;
  readonly xml: boolean;
  readonly #given: boolean;
  #cheerio: CheerioAPI | undefined;
  #query: DocumentQuery | undefined;
  /** The HTML elements by tag name, as parsed: trusted only while the document is pristine. */
  readonly #index: TagIndex | undefined;

  constructor(root: Document, xml: boolean, $?: CheerioAPI, index?: TagIndex) {
    this.root = root;
    this.xml = xml;
    this.#cheerio = $;
    this.#given = $ !== undefined;
    this.#index = index;
  }

  /** Parses markup (as parseMarkup() does); HTML documents get a tag index for their queries. */
  static parse(text: string, xml: boolean): MarkupDocument {
    if (xml) return new MarkupDocument(parseMarkupDocument(text, true), true);
    const { document, index } = parseIndexedDocument(text, sharedCheerio(false).root().options);
    return new MarkupDocument(document, false, undefined, index);
  }

  static of($: CheerioAPI): MarkupDocument {
    const root = $.root();
    return new MarkupDocument(root[0] as Document, root.options.xmlMode === true, $);
  }

  /**
   * cheerio bound to this document (made on first use). cheerio can change the document, so from
   * then on queries walk it instead of trusting the tag index built by the parser.
   */
  get $(): CheerioAPI {
    return (this.#cheerio ??= cheerioFor(this.root, this.xml));
  }

  /** The elements named `tag` in document order, or undefined when there is no index to trust. */
  elementsNamed(tag: string): readonly Element[] | undefined {
    return this.pristine ? this.#index?.named(tag) : undefined;
  }

  /** True while no cheerio instance was bound to the document, so nothing can have changed it since parsing. */
  get pristine(): boolean {
    return this.#cheerio === undefined;
  }

  /** cheerio for work on this document's nodes that does not depend on the instance. */
  get nodes(): CheerioAPI {
    return this.#given ? this.#cheerio! : sharedCheerio(this.xml);
  }

  /** What whole-document queries need (see queryDocument). */
  get query(): DocumentQuery {
    if (this.#query === undefined) {
      const o = this.nodes.root().options;
      this.#query =
        o.pseudos === undefined
          ? {
              options: { xmlMode: o.xmlMode, lowerCaseTags: o.lowerCaseTags, lowerCaseAttributeNames: o.lowerCaseAttributeNames, quirksMode: o.quirksMode },
              mode: `${o.xmlMode}|${o.lowerCaseTags}|${o.lowerCaseAttributeNames}|${o.quirksMode}|`,
            }
          : { options: undefined, mode: '' };
    }
    return this.#query;
  }
}

function markupDocument(from: CheerioAPI | MarkupDocument): MarkupDocument {
  return from instanceof MarkupDocument ? from : MarkupDocument.of(from);
}

type Value = AnyNode | string;

interface CompiledQuery {
  readonly css: string;
  /** undefined: the elements themselves; 'text': own text nodes; 'deepText': all descendant text; else an attribute name. */
  readonly pseudo: undefined | 'text' | 'deepText' | { attr: string };
}

const PSEUDO = /(\s*)::(text|attr\(\s*([^)\s]+)\s*\))\s*$/;

/** Splits a selector group on top-level commas (not inside brackets, parentheses or quotes). */
function splitGroup(query: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quote = '';
  let start = 0;
  for (let i = 0; i < query.length; i++) {
    const c = query[i];
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = '';
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '(' || c === '[') depth++;
    else if (c === ')' || c === ']') depth--;
    else if (c === ',' && depth === 0) {
      parts.push(query.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(query.slice(start));
  return parts.map((p) => p.trim()).filter((p) => p !== '');
}

const compiled = new Map<string, CompiledQuery[]>();

/** Scrapy/parsel pseudo-elements: `::text`, ` ::text` (descendants) and `::attr(name)`. */
function compile(query: string): CompiledQuery[] {
  const hit = compiled.get(query);
  if (hit) return hit;
  let out = splitGroup(query).map((part): CompiledQuery => {
    const m = PSEUDO.exec(part);
    if (!m) return { css: part, pseudo: undefined };
    const css = part.slice(0, m.index).trim();
    if (m[3] !== undefined) return { css, pseudo: { attr: m[3] } };
    const deep = m[1] !== '' || css === '' || css.endsWith('*');
    return { css, pseudo: deep ? 'deepText' : 'text' };
  });
  // A group of plain selectors is one query, so matches come in document order as in parsel.
  if (out.length > 1 && out.every((q) => q.pseudo === undefined && q.css !== '')) out = [{ css: out.map((q) => q.css).join(', '), pseudo: undefined }];
  if (compiled.size > 1000) compiled.clear();
  compiled.set(query, out);
  return out;
}

/**
 * Whole-document CSS queries with compiled selectors kept across documents. cheerio parses and
 * compiles every selector on every call (a fifth of the time a spider spends in its selectors);
 * the compiled matcher of a plain selector is a pure function of the element, so it is compiled
 * once per selector and parser mode. The query itself is cheerio's: the same css-select options
 * (`_findBySelector`), the same start (the document's element children) and the same search
 * (cheerio-select's `select` with a compiled matcher). Selectors whose compiled form would
 * depend on the queried nodes or that cheerio treats specially go through cheerio: `:scope`, a
 * leading combinator, cheerio's positional pseudo-classes (`:first`, `:eq()`, …), markup (`<`),
 * escapes; so does everything when the document was loaded with custom pseudo-classes.
 */
const DOCUMENT_BOUND = /^\s*[>+~]|[<\\]|:(?:scope|first|last|eq|gt|nth|lt|even|odd)(?![\w-])/i;

type Matcher = (element: Element) => boolean;

interface DocumentQuery {
  /** The css-select options cheerio passes, or undefined when they rule out compiled matchers. */
  readonly options: { xmlMode: boolean | undefined; lowerCaseTags: boolean | undefined; lowerCaseAttributeNames: boolean | undefined; quirksMode: boolean | undefined } | undefined;
  /** Cache key of the options: matchers compiled for HTML do not serve XML documents. */
  readonly mode: string;
}

const matchers = new Map<string, Matcher | null>();

/** The matches of `css` in the whole document, or undefined when cheerio has to answer. */
function queryDocument(document: MarkupDocument, css: string): Element[] | undefined {
  const doc = document.query;
  if (doc.options === undefined) return undefined;
  const key = doc.mode + css;
  let matcher = matchers.get(key);
  if (matcher === undefined) {
    matcher = null;
    if (!DOCUMENT_BOUND.test(css)) {
      try {
        // cacheResults off: css-select's per-compile caches of ancestor matches would otherwise
        // outlive one query, and a document changed through response.$ in between could hit them.
        matcher = compileSelector<AnyNode, Element>(css, { ...doc.options, cacheResults: false } as CssSelectOptions<AnyNode, Element>) as Matcher;
      } catch {
        // Invalid or unknown to css-select: cheerio reports it (or handles it) as before.
      }
    }
    if (matchers.size > 1000) matchers.clear();
    matchers.set(key, matcher);
  }
  if (matcher === null) return undefined;
  // Every match of a selector whose last compound names a tag is an element of that name: test
  // those (in document order, as the walk below finds them) instead of every node of the document.
  const tag = document.xml ? null : subjectTag(css);
  const candidates = tag === null ? undefined : document.elementsNamed(tag);
  if (candidates !== undefined) return candidates.filter(matcher);
  return selectMatching(matcher, (document.root.children as AnyNode[]).filter(isTag));
}

/**
 * `$(roots).find(css)`: through the shared cheerio unless the selector can depend on the document
 * cheerio is bound to (positional pseudo-classes look at it through the `root` option) or is markup.
 */
function queryBelow(document: MarkupDocument, roots: readonly AnyNode[], css: string): AnyNode[] {
  const $ = DOCUMENT_BOUND.test(css) ? document.$ : document.nodes;
  return $(roots as AnyNode[]).find(css).toArray();
}

function isElement(node: Value): node is Element {
  return typeof node !== 'string' && (node.type === 'tag' || node.type === 'script' || node.type === 'style');
}

function collectText(node: AnyNode, deep: boolean, out: string[]): void {
  const children = (node as Element).children;
  if (!children) return;
  for (const child of children) {
    if (child.type === 'text' || child.type === 'cdata') {
      const data = child.type === 'text' ? (child as unknown as { data: string }).data : textOf(child);
      out.push(data);
    } else if (deep && 'children' in child) collectText(child, true, out);
  }
}

function textOf(node: AnyNode): string {
  const parts: string[] = [];
  collectText(node, true, parts);
  return parts.join('');
}

/**
 * The result of `response.css()`: Scrapy's SelectorList, over cheerio nodes. Values are
 * elements, or strings for `::text` and `::attr()` queries.
 */
export class SelectorList implements Iterable<SelectorList> {
  readonly #document: MarkupDocument;
  readonly #values: readonly Value[];

  /** `document`: the cheerio instance (or MarkupDocument) the values belong to. */
  constructor(document: CheerioAPI | MarkupDocument, values: readonly Value[]) {
    this.#document = markupDocument(document);
    this.#values = values;
  }

  static query(document: CheerioAPI | MarkupDocument, roots: readonly AnyNode[] | undefined, query: string): SelectorList {
    const doc = markupDocument(document);
    const out: Value[] = [];
    for (const q of compile(query)) {
      let elements: AnyNode[];
      if (q.css === '') elements = roots ? [...roots] : [doc.root];
      else {
        try {
          elements = roots ? queryBelow(doc, roots, q.css) : (queryDocument(doc, q.css) ?? doc.$(q.css).toArray());
        } catch (cause) {
          throw new SelectorError(`Invalid CSS selector ${JSON.stringify(query)}: ${(cause as Error).message}`, { cause });
        }
      }
      if (q.pseudo === undefined) {
        out.push(...elements);
      } else if (q.pseudo === 'text' || q.pseudo === 'deepText') {
        const texts: string[] = [];
        for (const el of elements) collectText(el, q.pseudo === 'deepText', texts);
        out.push(...texts);
      } else {
        const name = q.pseudo.attr;
        for (const el of elements) {
          const v = isElement(el) ? el.attribs[name] : undefined;
          if (v !== undefined) out.push(v);
        }
      }
    }
    return new SelectorList(doc, out);
  }

  /** XPath over `roots` (the document when undefined); see evaluateXPath for the result kinds. */
  static xpathQuery(document: CheerioAPI | MarkupDocument, roots: readonly AnyNode[] | undefined, query: string, options?: XPathOptions): SelectorList {
    const doc = markupDocument(document);
    return new SelectorList(doc, evaluateXPath(roots ?? [doc.root], query, options));
  }

  get length(): number {
    return this.#values.length;
  }

  /** The first result as a string (outer HTML for elements), or `fallback`. */
  get(): string | undefined;
  get(fallback: string): string;
  get(fallback?: string): string | undefined {
    const first = this.#values[0];
    return first === undefined ? fallback : this.#serialize(first);
  }

  getall(): string[] {
    return this.#values.map((v) => this.#serialize(v));
  }

  /** Runs a CSS query relative to each element of this list. */
  css(query: string): SelectorList {
    const roots = this.#values.filter((v): v is AnyNode => typeof v !== 'string');
    return SelectorList.query(this.#document, roots, query);
  }

  /**
   * Runs an XPath query relative to each element of this list (parsel's `SelectorList.xpath`):
   * `.//a` searches below each element, `//a` the whole document. `text()` and `@attr` results
   * are strings.
   */
  xpath(query: string, options?: XPathOptions): SelectorList {
    const roots = this.#values.filter((v): v is AnyNode => typeof v !== 'string');
    return SelectorList.xpathQuery(this.#document, roots, query, options);
  }

  /** Attributes of the first element (Scrapy's `.attrib`). */
  get attrib(): Readonly<Record<string, string>> {
    const first = this.#values.find(isElement);
    return first ? { ...first.attribs } : {};
  }

  /** Matches of a regex over each result's string; capture group 1 when the regex has groups. */
  re(regex: RegExp | string): string[] {
    const source = typeof regex === 'string' ? new RegExp(regex, 'g') : new RegExp(regex.source, regex.flags.includes('g') ? regex.flags : `${regex.flags}g`);
    const out: string[] = [];
    for (const s of this.getall()) {
      for (const m of s.matchAll(source)) out.push(m[1] ?? m[0]);
    }
    return out;
  }

  reFirst(regex: RegExp | string): string | undefined {
    return this.re(regex)[0];
  }

  /** The list item at `index` (negative counts from the end), as a one-element list. */
  at(index: number): SelectorList {
    const v = this.#values.at(index);
    return new SelectorList(this.#document, v === undefined ? [] : [v]);
  }

  /** Concatenated text content of every result. */
  text(): string {
    return this.#values.map((v) => (typeof v === 'string' ? v : textOf(v))).join('');
  }

  /** The underlying cheerio nodes and strings, for code that wants cheerio directly. */
  nodes(): readonly Value[] {
    return this.#values;
  }

  *[Symbol.iterator](): Iterator<SelectorList> {
    for (const v of this.#values) yield new SelectorList(this.#document, [v]);
  }

  #serialize(v: Value): string {
    if (typeof v === 'string') return v;
    if (v.type === 'text') return (v as unknown as { data: string }).data;
    return this.#document.nodes.html(v);
  }
}
