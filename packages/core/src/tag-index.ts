import { parse as parseSelector, SelectorType, type Selector } from 'css-what';
import { DomHandler, type Document, type DomHandlerOptions, type Element } from 'domhandler';
import { Parser, type ParserOptions } from 'htmlparser2';
import { skippingTokenizer } from './fast-tokenizer.js';

/**
 * The elements of one parsed HTML document in document order, with the lists by tag name made
 * from it when first asked for (one push per element while parsing; a page is queried for a few
 * tags only).
 */
export class TagIndex {
  readonly #elements: Element[];
  readonly #byName = new Map<string, readonly Element[]>();

  constructor(elements: Element[]) {
    this.#elements = elements;
  }

  named(tag: string): readonly Element[] {
    let list = this.#byName.get(tag);
    if (list === undefined) {
      list = this.#elements.filter((element) => element.name === tag);
      this.#byName.set(tag, list);
    }
    return list;
  }
}

/**
 * htmlparser2's DOM builder, noting each element as it is created. Elements are created in
 * document order (implied ones too); recording them costs one push per element, against a walk
 * of the whole document (text nodes included) per query.
 */
class IndexingHandler extends DomHandler {
  readonly elements: Element[] = [];

  override onopentag(name: string, attribs: Record<string, string>): void {
    super.onopentag(name, attribs);
    this.elements.push(this.tagStack[this.tagStack.length - 1] as Element);
  }
}

/** htmlparser2's parseDocument, also returning the tag index of the document. */
export function parseIndexedDocument(text: string, options: ParserOptions & DomHandlerOptions): { document: Document; index: TagIndex } {
  const handler = new IndexingHandler(undefined, options);
  new Parser(handler, skippingTokenizer === undefined ? options : { ...options, Tokenizer: skippingTokenizer }).end(text);
  return { document: handler.root, index: new TagIndex(handler.elements) };
}

const COMBINATORS = new Set<string>([
  SelectorType.Descendant,
  SelectorType.Child,
  SelectorType.Sibling,
  SelectorType.Adjacent,
  SelectorType.Parent,
  SelectorType.ColumnCombinator,
]);

const subjects = new Map<string, string | null>();

/**
 * The tag name every match of an HTML selector must have (the type selector of its last compound,
 * lower-cased as css-select compares it in HTML mode), or null when there is none to rely on: a
 * group of selectors, no type selector or `*`, a namespace, or a selector css-what rejects.
 */
export function subjectTag(css: string): string | null {
  let tag = subjects.get(css);
  if (tag !== undefined) return tag;
  tag = null;
  try {
    const group: Selector[][] = parseSelector(css);
    if (group.length === 1) {
      const tokens = group[0]!;
      for (let i = tokens.length - 1; i >= 0; i--) {
        const token = tokens[i]!;
        if (COMBINATORS.has(token.type)) break;
        if (token.type === SelectorType.Tag && token.namespace === null) {
          tag = token.name.toLowerCase();
          break;
        }
      }
    }
  } catch {
    // Not for the index to report: css-select (or cheerio) says what is wrong with it.
  }
  if (subjects.size > 1000) subjects.clear();
  subjects.set(css, tag);
  return tag;
}
