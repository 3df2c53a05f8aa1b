import { DomHandler, type AnyNode } from 'domhandler';
import { Parser, Tokenizer } from 'htmlparser2';
import { describe, expect, it } from 'vitest';
import { skippingTokenizer, uncheckedSkippingTokenizer } from '../src/fast-tokenizer.js';
import { randomMarkup } from './support/random-markup.js';

// The skipping tokenizer must give exactly the stock tokenizer's tree, positions included.

function shape(nodes: readonly AnyNode[]): unknown[] {
  return nodes.map((node) => {
    const n = node as AnyNode & { name?: string; attribs?: Record<string, string>; data?: string; children?: AnyNode[] };
    return [n.type, n.name, n.attribs, n.data, n.startIndex, n.endIndex, n.children ? shape(n.children) : undefined];
  });
}

function tree(text: string, tokenizer: typeof Tokenizer, options: Record<string, unknown>): unknown[] {
  const handler = new DomHandler(undefined, { withStartIndices: true, withEndIndices: true });
  new Parser(handler, { ...options, Tokenizer: tokenizer }).end(text);
  return shape(handler.root.children);
}

const PIECES = ['<', '>', '&', '"', "'", '=', '/', ' ', '\n', 'a', 'p', 'b', 'amp;', 'lt', '#', 'x3C;', '!--', '-->', '<![CDATA[', ']]>', '<script>', '</script>', '<title>', '</title>', 'href', '<p class="', '&copy', 'é', '€'];

describe('skipping tokenizer', () => {
  it('is in use with the htmlparser2 version we depend on (it checks itself when loaded)', () => {
    expect(uncheckedSkippingTokenizer).toBeDefined();
    expect(skippingTokenizer).toBe(uncheckedSkippingTokenizer);
  });

  it('builds the same tree as the stock tokenizer on a realistic page', () => {
    const page = `<!DOCTYPE html><html><head><meta charset="utf-8"><title>Shop &amp; more</title></head><body>
  <nav><ul><li><a href="/">Home</a></li><li><a href="/#cat-1" class='x'>Cat &raquo; one</a></li></ul></nav>
  <main id=top><h1 class="product-title" itemprop="name">Jacket 1</h1><span class="price" content="307.23">$307.23</span>
  <p>Lorem ipsum dolor sit amet, consectetur adipiscing elit &mdash; sed do eiusmod tempor incididunt ut labore.</p>
  <img class="product-image" src="/img/i0129.jpg" alt="Jacket &quot;1&quot;" loading=lazy></main></body></html>`;
    for (const options of [{ decodeEntities: true }, { decodeEntities: true, xmlMode: true }, { decodeEntities: false }]) {
      expect(tree(page, uncheckedSkippingTokenizer!, options)).toEqual(tree(page, Tokenizer, options));
    }
  });

  it('builds the same tree as the stock tokenizer on 3,000 random markup-like inputs', () => {
    for (const text of randomMarkup(20261122, PIECES, 3000)) {
      for (const options of [{ decodeEntities: true }, { decodeEntities: true, xmlMode: true }]) {
        const expected = tree(text, Tokenizer, options);
        const actual = tree(text, uncheckedSkippingTokenizer!, options);
        if (JSON.stringify(actual) !== JSON.stringify(expected)) expect({ text, options, actual }).toEqual({ text, options, actual: expected });
      }
    }
  });
});
