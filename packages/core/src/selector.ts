import { load, type CheerioAPI } from 'cheerio/slim';
import type { AnyNode, Document, Element } from 'domhandler';
import { SelectorError } from './errors.js';
import { evaluateXPath, type XPathOptions } from './xpath.js';
import { markXmlDocument } from './xpath-dom.js';

/** Parses markup once; HTML through htmlparser2 (fast, forgiving), XML in xml mode. */
export function parseMarkup(text: string, xml: boolean): CheerioAPI {
  if (!xml) return load(text);
  const $ = load(text, { xml: { xmlMode: true, decodeEntities: true } });
  markXmlDocument($.root()[0] as Document);
  return $;
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
  readonly #$: CheerioAPI;
  readonly #values: readonly Value[];

  constructor($: CheerioAPI, values: readonly Value[]) {
    this.#$ = $;
    this.#values = values;
  }

  static query($: CheerioAPI, roots: readonly AnyNode[] | undefined, query: string): SelectorList {
    const out: Value[] = [];
    for (const q of compile(query)) {
      let elements: AnyNode[];
      if (q.css === '') elements = roots ? [...roots] : [$.root()[0]!];
      else {
        try {
          elements = roots ? $(roots).find(q.css).toArray() : $(q.css).toArray();
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
    return new SelectorList($, out);
  }

  /** XPath over `roots` (the document when undefined); see evaluateXPath for the result kinds. */
  static xpathQuery($: CheerioAPI, roots: readonly AnyNode[] | undefined, query: string, options?: XPathOptions): SelectorList {
    return new SelectorList($, evaluateXPath(roots ?? [$.root()[0]!], query, options));
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
    return SelectorList.query(this.#$, roots, query);
  }

  /**
   * Runs an XPath query relative to each element of this list (parsel's `SelectorList.xpath`):
   * `.//a` searches below each element, `//a` the whole document. `text()` and `@attr` results
   * are strings.
   */
  xpath(query: string, options?: XPathOptions): SelectorList {
    const roots = this.#values.filter((v): v is AnyNode => typeof v !== 'string');
    return SelectorList.xpathQuery(this.#$, roots, query, options);
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
    return new SelectorList(this.#$, v === undefined ? [] : [v]);
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
    for (const v of this.#values) yield new SelectorList(this.#$, [v]);
  }

  #serialize(v: Value): string {
    if (typeof v === 'string') return v;
    if (v.type === 'text') return (v as unknown as { data: string }).data;
    return this.#$.html(v);
  }
}
