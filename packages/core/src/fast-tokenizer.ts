import type { AnyNode } from 'domhandler';
import { DomHandler } from 'domhandler';
import { Parser, Tokenizer } from 'htmlparser2';

/**
 * htmlparser2's tokenizer, skipping ahead through text and quoted attribute values. The stock one
 * looks at every character of a text run (with entity decoding on, it cannot fast-forward: `&`
 * may start an entity), though only `<` and `&` change its state there, and only the quote and
 * `&` inside a quoted attribute value. Jumping straight to the next of those characters leaves
 * every event and position as they were, and parsing a page got about a fifth faster (text and
 * attribute values are most of a page's characters).
 *
 * It overrides members htmlparser2 declares private, so it checks itself when loaded: the
 * members must exist, and a sample covering entities, comments, CDATA, raw-text elements and
 * every attribute form must give the stock tokenizer's tree; otherwise the stock one is used.
 */
interface TokenizerInternals {
  buffer: string;
  offset: number;
  index: number;
  decodeEntities: boolean;
  stateText(c: number): void;
  stateInAttributeValueDoubleQuotes(c: number): void;
  stateInAttributeValueSingleQuotes(c: number): void;
}

const LT = 0x3c;
const AMP = 0x26;
const DOUBLE_QUOTE = 0x22;
const SINGLE_QUOTE = 0x27;

/** Moves `t.index` to just before the next `stop` or `&` after it (or to the last character). */
function skipTo(t: TokenizerInternals, stop: number): void {
  const buffer = t.buffer;
  const end = buffer.length;
  let i = t.index - t.offset + 1;
  while (i < end) {
    const c = buffer.charCodeAt(i);
    if (c === stop || c === AMP) break;
    i++;
  }
  // The tokenizer's loop steps past the current character when the state returns.
  t.index = i - 1 + t.offset;
}

function fastTokenizerClass(): typeof Tokenizer | undefined {
  const stock = Tokenizer.prototype as unknown as TokenizerInternals;
  const stockText = stock.stateText;
  const stockDouble = stock.stateInAttributeValueDoubleQuotes;
  const stockSingle = stock.stateInAttributeValueSingleQuotes;
  if (typeof stockText !== 'function' || typeof stockDouble !== 'function' || typeof stockSingle !== 'function') return undefined;

  class SkippingTokenizer extends Tokenizer {}
  const proto = SkippingTokenizer.prototype as unknown as TokenizerInternals;
  proto.stateText = function (this: TokenizerInternals, c: number): void {
    if (c === LT || c === AMP || !this.decodeEntities) stockText.call(this, c);
    else skipTo(this, LT);
  };
  proto.stateInAttributeValueDoubleQuotes = function (this: TokenizerInternals, c: number): void {
    if (c === DOUBLE_QUOTE || c === AMP || !this.decodeEntities) stockDouble.call(this, c);
    else skipTo(this, DOUBLE_QUOTE);
  };
  proto.stateInAttributeValueSingleQuotes = function (this: TokenizerInternals, c: number): void {
    if (c === SINGLE_QUOTE || c === AMP || !this.decodeEntities) stockSingle.call(this, c);
    else skipTo(this, SINGLE_QUOTE);
  };
  return SkippingTokenizer;
}

const SAMPLE = `<!DOCTYPE html><html><head><title>T &amp; t &lt;x&gt;</title><style>a{b:"c&amp;"}</style>
<script>if (a < b && c) { x = "</p>"; }</script></head><body class=plain data-x='one "two" &amp; three' id="a&quot;b">
text &copy; &#169; &#xA9; &notanentity; & alone <b>bold</b> tail<!-- a <comment> & more --><![CDATA[ raw < & ]]>
<p title="t&eacute;st">para &amp amp<br/>line</p><textarea>a &lt; b</textarea><img src="x.png" alt=""><a href=y&amp;z>link</a>
<svg><text x="1">in &lt; svg</text></svg>&</body></html>`;

function shape(nodes: readonly AnyNode[]): unknown[] {
  return nodes.map((node) => {
    const n = node as AnyNode & { name?: string; attribs?: Record<string, string>; data?: string; children?: AnyNode[] };
    return [n.type, n.name, n.attribs, n.data, n.startIndex, n.endIndex, n.children ? shape(n.children) : undefined];
  });
}

function parseWith(text: string, options: Record<string, unknown>, tokenizer: typeof Tokenizer): unknown[] {
  const handler = new DomHandler(undefined, { withStartIndices: true, withEndIndices: true });
  new Parser(handler, { ...options, Tokenizer: tokenizer }).end(text);
  return shape(handler.root.children);
}

function verified(candidate: typeof Tokenizer | undefined): typeof Tokenizer | undefined {
  if (candidate === undefined) return undefined;
  try {
    for (const options of [{ decodeEntities: true }, { decodeEntities: true, xmlMode: true }, { decodeEntities: false }]) {
      if (JSON.stringify(parseWith(SAMPLE, options, candidate)) !== JSON.stringify(parseWith(SAMPLE, options, Tokenizer))) return undefined;
    }
    return candidate;
  } catch {
    return undefined;
  }
}

/** The skipping tokenizer before its check (for tests), or undefined when the members it overrides are missing. */
export const uncheckedSkippingTokenizer: typeof Tokenizer | undefined = fastTokenizerClass();

/** The skipping tokenizer when it checked out against the stock one, else undefined (use the stock one). */
export const skippingTokenizer: typeof Tokenizer | undefined = verified(uncheckedSkippingTokenizer);
