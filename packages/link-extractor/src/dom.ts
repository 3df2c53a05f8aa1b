/**
 * Minimal structural view of domhandler nodes (what cheerio parses into), so the walk needs no
 * dependency of its own and stays a plain loop.
 */
export interface DomNode {
  readonly type: string;
  readonly parent: DomNode | null;
  readonly next: DomNode | null;
  readonly children?: readonly DomNode[];
  readonly name?: string;
  readonly attribs?: Readonly<Record<string, string>>;
  readonly data?: string;
}

function isElement(node: DomNode): boolean {
  return node.type === 'tag' || node.type === 'script' || node.type === 'style';
}

/**
 * Calls `visit` for `root` (when it is an element) and every element below it, in document
 * order. Iterative (parent/next pointers), so a pathologically deep document cannot overflow the stack.
 */
export function walkElements(root: DomNode, visit: (element: DomNode) => void): void {
  if (isElement(root)) visit(root);
  let node: DomNode | null | undefined = root.children?.[0];
  while (node) {
    if (isElement(node)) visit(node);
    const first: DomNode | undefined = node.children?.[0];
    if (first !== undefined) {
      node = first;
      continue;
    }
    while (node && node !== root && node.next === null) node = node.parent;
    if (!node || node === root) return;
    node = node.next;
  }
}

/** XPath string() of an element: its descendant text, concatenated. */
export function textContent(element: DomNode): string {
  const children = element.children;
  if (children === undefined || children.length === 0) return '';
  // The common link: one text child.
  if (children.length === 1 && children[0]!.type === 'text') return children[0]!.data ?? '';
  let out = '';
  let node: DomNode | null | undefined = children[0];
  while (node) {
    if (node.type === 'text') out += node.data ?? '';
    else if (node.type === 'cdata') {
      for (const c of node.children ?? []) out += c.data ?? '';
    }
    const first: DomNode | undefined = node.type === 'cdata' ? undefined : node.children?.[0];
    if (first !== undefined) {
      node = first;
      continue;
    }
    while (node && node !== element && node.next === null) node = node.parent;
    if (!node || node === element) break;
    node = node.next;
  }
  return out;
}
