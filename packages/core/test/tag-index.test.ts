import { DomHandler, type AnyNode } from 'domhandler';
import { Parser } from 'htmlparser2';
import { describe, expect, it } from 'vitest';
import { IndexingHandler, parseIndexedDocument } from '../src/tag-index.js';
import { randomMarkup } from './support/random-markup.js';

// The indexing handler makes its elements' children arrays its own way: the tree must be
// DomHandler's, links included (parent, prev, next), and the arrays ordinary arrays.

function shape(nodes: readonly AnyNode[]): unknown[] {
  return nodes.map((node, i) => {
    const n = node as AnyNode & { name?: string; attribs?: Record<string, string>; data?: string; children?: AnyNode[] };
    expect(n.prev).toBe(i === 0 ? null : nodes[i - 1]);
    expect(n.next).toBe(i === nodes.length - 1 ? null : nodes[i + 1]);
    if (n.children) for (const child of n.children) expect(child.parent).toBe(n);
    return [n.type, n.name, n.attribs, n.data, n.startIndex, n.endIndex, n.children ? shape(n.children) : undefined];
  });
}

function stockTree(text: string, options: Record<string, unknown>): unknown[] {
  const handler = new DomHandler(undefined, options);
  new Parser(handler, options).end(text);
  return shape(handler.root.children);
}

function indexedTree(text: string, options: Record<string, unknown>): unknown[] {
  const handler = new IndexingHandler(options);
  new Parser(handler, options).end(text);
  return shape(handler.root.children);
}

const PAGE = `<!DOCTYPE html><html><head><meta charset="utf-8"><title>Shop &amp; more</title></head><body>
  <nav><ul><li><a href="/">Home</a></li><li><a href="/#cat-1" class='x'>Cat &raquo; one</a></li><li></li></ul></nav>
  <main id=top><h1 class="product-title">Jacket 1</h1><span class="price">$307.23</span><p>One <b>two</b> three<br>four</p>
  <img class="product-image" src="/img/i0129.jpg" alt="Jacket"><table><tr><td>cell<td>implied</table><svg><path d="M0"/><text>t</text></svg></main></body></html>`;

const PIECES = ['<', '>', '&', '"', '=', '/', ' ', '\n', 'a', 'p', 'b', 'li', 'amp;', '<p>', '</p>', '<li>', '<ul>', '</ul>', '<br>', '<!--c-->', '<script>', '</script>', '<td>', '<tr>', 'text', '<svg>', '</svg>'];

describe('IndexingHandler', () => {
  it("builds DomHandler's tree, links included, on a realistic page (with and without positions)", () => {
    for (const options of [{}, { withStartIndices: true, withEndIndices: true }, { xmlMode: true }]) {
      expect(indexedTree(PAGE, options)).toEqual(stockTree(PAGE, options));
    }
  });

  it("builds DomHandler's tree on 2,000 random markup-like inputs", () => {
    for (const text of randomMarkup(20261207, PIECES, 2000)) {
      const expected = stockTree(text, {});
      const actual = indexedTree(text, {});
      if (JSON.stringify(actual) !== JSON.stringify(expected)) expect({ text, actual }).toEqual({ text, actual: expected });
    }
  });

  it('children arrays hold one child, then grow as usual with later children and cheerio-style edits', () => {
    const { document, index } = parseIndexedDocument('<ul><li>one</li><li>two<b>!</b></li></ul><p></p>', {});
    const [first, second] = index.named('li');
    expect(first!.children).toHaveLength(1);
    expect(second!.children.map((c) => c.type)).toEqual(['text', 'tag']);
    const p = index.named('p')[0]!;
    expect(p.children).toEqual([]);
    first!.children.push(p);
    expect(first!.children).toHaveLength(2);
    expect(document.children.map((c) => (c as { name?: string }).name)).toEqual(['ul', 'p']);
    expect(Array.isArray(first!.children)).toBe(true);
  });
});
