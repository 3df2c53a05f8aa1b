/**
 * A read-only W3C DOM view of the domhandler tree that cheerio already parsed, so the `xpath`
 * engine evaluates XPath on the very nodes css() returns: one parse per response, and
 * xpath()/css() results can be mixed and chained. Only what an XPath 1.0 engine reads is
 * provided (node kinds, names, parent/child/sibling links, attributes, document order).
 */
import { isCDATA, isComment, isDocument, isTag, isText, type AnyNode, type Document, type Element } from 'domhandler';

const XMLNS = 'http://www.w3.org/2000/xmlns/';

/** Documents parsed in XML mode: namespace prefixes resolve there; in HTML, names are plain. */
const xmlDocuments = new WeakSet<Document>();

export function markXmlDocument(doc: Document): void {
  xmlDocuments.add(doc);
}

const views = new WeakMap<AnyNode, DomNode>();
const orders = new WeakMap<Document, Map<AnyNode, number>>();

/** The DOM view of a domhandler node; undefined for nodes XPath does not see (doctype, <?xml?>). */
export function domView(node: AnyNode | null | undefined): DomNode | null {
  if (!node) return null;
  let view = views.get(node);
  if (view === undefined) {
    if (!isTag(node) && !isText(node) && !isComment(node) && !isCDATA(node) && !isDocument(node)) return null;
    view = new DomNode(node);
    views.set(node, view);
  }
  return view;
}

function visible(node: AnyNode | null): AnyNode | null {
  let n = node;
  while (n && !isTag(n) && !isText(n) && !isComment(n) && !isCDATA(n)) n = n.next;
  return n;
}

function visibleBefore(node: AnyNode | null): AnyNode | null {
  let n = node;
  while (n && !isTag(n) && !isText(n) && !isComment(n) && !isCDATA(n)) n = n.prev;
  return n;
}

function rootOf(node: AnyNode): Document | null {
  let n: AnyNode = node;
  while (n.parent) n = n.parent;
  return isDocument(n) ? n : null;
}

/** Preorder position of a node in its document; positions are computed once per document and again if the tree grew. */
function orderOf(node: AnyNode, doc: Document | null): number | undefined {
  if (!doc) return undefined;
  let order = orders.get(doc);
  if (order === undefined || !order.has(node)) {
    order = new Map();
    let i = 0;
    const stack: AnyNode[] = [doc];
    while (stack.length > 0) {
      const n = stack.pop()!;
      order.set(n, i++);
      const children = (n as Element).children;
      if (children) for (let c = children.length - 1; c >= 0; c--) stack.push(children[c]!);
    }
    orders.set(doc, order);
  }
  return order.get(node);
}

function splitName(name: string): { prefix: string | null; local: string } {
  const colon = name.indexOf(':');
  return colon > 0 ? { prefix: name.slice(0, colon), local: name.slice(colon + 1) } : { prefix: null, local: name };
}

/** The URI bound to `prefix` by the nearest xmlns:prefix declaration (XML documents only). */
function lookupNamespace(element: Element, prefix: string): string | null {
  for (let n: AnyNode | null = element; n && isTag(n); n = n.parent) {
    const uri = n.attribs[`xmlns:${prefix}`];
    if (uri !== undefined) return uri;
  }
  return null;
}

/** Every xmlns:prefix declared in an XML document, so XPath can use the document's own prefixes. */
export function declaredNamespaces(node: AnyNode): Record<string, string> {
  const doc = rootOf(node);
  const out: Record<string, string> = {};
  if (!doc || !xmlDocuments.has(doc)) return out;
  const stack: AnyNode[] = [doc];
  while (stack.length > 0) {
    const n = stack.pop()!;
    if (isTag(n)) {
      for (const [name, value] of Object.entries(n.attribs)) if (name.startsWith('xmlns:')) out[name.slice(6)] ??= value;
    }
    const children = (n as Element).children;
    if (children) for (const c of children) if (isTag(c)) stack.push(c);
  }
  return out;
}

class DomAttr {
  readonly nodeType = 2;
  readonly parentNode = null;
  readonly firstChild = null;
  readonly nextSibling = null;
  readonly previousSibling = null;
  readonly ownerElement: DomNode;
  readonly name: string;
  readonly nodeName: string;
  readonly localName: string;
  readonly prefix: string | null;
  readonly namespaceURI: string | null;
  readonly index: number;

  constructor(owner: DomNode, name: string, index: number, xml: boolean) {
    this.ownerElement = owner;
    this.name = this.nodeName = name;
    const { prefix, local } = xml ? splitName(name) : { prefix: null, local: name };
    this.prefix = prefix;
    this.localName = local;
    this.namespaceURI = prefix === null ? null : prefix === 'xmlns' ? XMLNS : lookupNamespace(owner.raw as Element, prefix);
    this.index = index;
  }

  get value(): string {
    return (this.ownerElement.raw as Element).attribs[this.name] ?? '';
  }

  get nodeValue(): string {
    return this.value;
  }

  get ownerDocument(): DomNode | null {
    return this.ownerElement.ownerDocument;
  }

  compareDocumentPosition(other: DomNode | DomAttr): number {
    return comparePositions(this, other);
  }
}

type AttrList = DomAttr[] & { item(i: number): DomAttr | null };

export class DomNode {
  readonly raw: AnyNode;
  #xml: boolean | undefined;
  #doc: Document | null | undefined;
  #attributes: AttrList | undefined;
  #attribs: Record<string, string> | undefined;
  #attribCount = 0;

  constructor(raw: AnyNode) {
    this.raw = raw;
  }

  get nodeType(): number {
    const n = this.raw;
    if (isTag(n)) return 1;
    if (isDocument(n)) return 9;
    if (isComment(n)) return 8;
    return 3; // text, and CDATA, which XPath's data model folds into text
  }

  get nodeName(): string {
    const n = this.raw;
    if (isTag(n)) return n.name;
    if (isDocument(n)) return '#document';
    if (isComment(n)) return '#comment';
    return '#text';
  }

  /** The document this node belongs to, kept: nodes are not moved between documents. */
  get document(): Document | null {
    if (this.#doc === undefined) this.#doc = rootOf(this.raw);
    return this.#doc;
  }

  /** Whether this node belongs to an XML document. */
  get xml(): boolean {
    this.#xml ??= this.document !== null && xmlDocuments.has(this.document);
    return this.#xml;
  }

  get localName(): string | null {
    const n = this.raw;
    if (!isTag(n)) return null;
    return this.xml ? splitName(n.name).local : n.name;
  }

  get prefix(): string | null {
    const n = this.raw;
    return isTag(n) && this.xml ? splitName(n.name).prefix : null;
  }

  /** Un-prefixed names get no namespace, so `//loc` matches in a sitemap (parsel needs remove_namespaces() for that). */
  get namespaceURI(): string | null {
    const prefix = this.prefix;
    return prefix === null ? null : lookupNamespace(this.raw as Element, prefix);
  }

  get nodeValue(): string | null {
    const n = this.raw;
    if (isText(n) || isComment(n)) return n.data;
    if (isCDATA(n)) return n.children.map((c) => (isText(c) ? c.data : '')).join('');
    return null;
  }

  get parentNode(): DomNode | null {
    return domView(this.raw.parent);
  }

  get firstChild(): DomNode | null {
    const n = this.raw;
    if (!isTag(n) && !isDocument(n)) return null;
    return domView(visible(n.children[0] ?? null));
  }

  get lastChild(): DomNode | null {
    const n = this.raw;
    if (!isTag(n) && !isDocument(n)) return null;
    return domView(visibleBefore(n.children[n.children.length - 1] ?? null));
  }

  get nextSibling(): DomNode | null {
    return domView(visible(this.raw.next));
  }

  get previousSibling(): DomNode | null {
    return domView(visibleBefore(this.raw.prev));
  }

  get childNodes(): DomNode[] {
    const out: DomNode[] = [];
    for (let c = this.firstChild; c; c = c.nextSibling) out.push(c);
    return out;
  }

  get ownerDocument(): DomNode | null {
    if (isDocument(this.raw)) return null;
    return domView(rootOf(this.raw));
  }

  get documentElement(): DomNode | null {
    for (let c = this.firstChild; c; c = c.nextSibling) if (c.nodeType === 1) return c;
    return null;
  }

  /** Attributes as a NamedNodeMap-like list; xmlns declarations are not attributes in XML's data model. */
  get attributes(): AttrList | null {
    const n = this.raw;
    if (!isTag(n)) return null;
    // Kept between calls so one attribute is one node (union and dedupe compare identity); rebuilt when attributes were added or removed.
    const names = Object.keys(n.attribs);
    if (this.#attributes === undefined || this.#attribs !== n.attribs || this.#attribCount !== names.length) {
      const xml = this.xml;
      const list: DomAttr[] = [];
      for (const name of names) {
        if (xml && (name === 'xmlns' || name.startsWith('xmlns:'))) continue;
        list.push(new DomAttr(this, name, list.length, xml));
      }
      this.#attributes = Object.assign(list, { item: (i: number) => list[i] ?? null });
      this.#attribs = n.attribs;
      this.#attribCount = names.length;
    }
    return this.#attributes;
  }

  getAttribute(name: string): string | null {
    const n = this.raw;
    return isTag(n) ? (n.attribs[name] ?? null) : null;
  }

  getAttributeNS(_ns: string | null, name: string): string | null {
    return this.getAttribute(name);
  }

  compareDocumentPosition(other: DomNode | DomAttr): number {
    return comparePositions(this, other);
  }
}

const PRECEDING = 0x02;
const FOLLOWING = 0x04;

/** Document order as DOM's compareDocumentPosition reports it (only the precede/follow bits XPath needs). */
function comparePositions(a: DomNode | DomAttr, b: DomNode | DomAttr): number {
  if (a === b) return 0;
  const aView = a instanceof DomAttr ? a.ownerElement : a;
  const bView = b instanceof DomAttr ? b.ownerElement : b;
  const aSub = a instanceof DomAttr ? a.index + 1 : 0;
  const bSub = b instanceof DomAttr ? b.index + 1 : 0;
  const ai = orderOf(aView.raw, aView.document);
  const bi = bView instanceof DomNode ? orderOf(bView.raw, bView.document) : undefined;
  // Nodes of different trees: DOM's "disconnected" bit; any stable answer will do.
  if (ai === undefined || bi === undefined) return 0x01 | FOLLOWING;
  if (ai !== bi) return bi < ai ? PRECEDING : FOLLOWING;
  return bSub < aSub ? PRECEDING : FOLLOWING;
}
