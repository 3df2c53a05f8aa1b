import { parse as parseSelector, SelectorType, type Selector } from 'css-what';
import { DomHandler, Element as DomElement, Text, type ChildNode, type Document, type DomHandlerOptions, type Element } from 'domhandler';
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

/** What a new children array is made with (and at once emptied of): see IndexingHandler.onopentag. */
const ROOM = new Text('');

/**
 * htmlparser2's DOM builder, noting each element as it is created. Elements are created in
 * document order (implied ones too); recording them costs one push per element, against a walk
 * of the whole document (text nodes included) per query.
 */
export class IndexingHandler extends DomHandler {
  readonly elements: Element[] = [];
  readonly #xml: boolean;

  constructor(options: DomHandlerOptions) {
    super(undefined, options);
    this.#xml = options.xmlMode === true;
  }

  /**
   * DomHandler's onopentag, with each element's children array made with room for one child.
   * DomHandler's starts empty and V8 grows it to 17 slots on its first push, though most
   * elements of a page have one child (a text, a link) or none: on the benchmark's product pages
   * a parsed document takes 16% less memory (65 against 78 KB). A second child grows the array as
   * before. The array is made holding an object and emptied, so that every children array has
   * the same elements kind (an empty literal would start as small integers), which keeps the
   * code that walks the tree monomorphic.
   */
  override onopentag(name: string, attribs: Record<string, string>): void {
    if (this.#xml) {
      super.onopentag(name, attribs);
      this.elements.push(this.tagStack[this.tagStack.length - 1] as Element);
      return;
    }
    const children: ChildNode[] = [ROOM];
    children.pop();
    // As DomHandler in HTML mode: the element's type (tag, script, style) follows from its name.
    const element = new DomElement(name, attribs, children);
    this.addNode(element);
    this.tagStack.push(element);
    this.elements.push(element);
  }
}

/** htmlparser2's parseDocument, also returning the tag index of the document. */
export function parseIndexedDocument(text: string, options: ParserOptions & DomHandlerOptions): { document: Document; index: TagIndex } {
  const handler = new IndexingHandler(options);
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
