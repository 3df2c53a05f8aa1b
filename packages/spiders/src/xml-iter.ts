import { SaxesParser, type SaxesTagNS } from 'saxes';

function escapeText(s: string): string {
  return s.replace(/[&<>]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : '&gt;'));
}
function escapeAttr(s: string): string {
  return s.replace(/[&<"\n\r\t]/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The push-style core of the XML node iterator: text chunks in, the outer XML of the nodes they complete out. */
export interface XmlNodeReader {
  /** The nodes that end within `chunk` (a node cut at the chunk's end continues with the next chunk). */
  write(chunk: string): string[];
  /** Ends the document; nodes left open by a truncated document are not returned. */
  end(): string[];
}

/**
 * Collects the outer XML of every element named `itertag` (its local name, or `prefix:local`
 * resolved through `namespaces` and the document's own declarations), in document order, with
 * the namespace declarations in scope added to the node so that its prefixes still resolve.
 * saxes is a state machine (no backtracking regex over the body: S11) that never expands DTD
 * entities (S12). Only the node being captured is held between chunks.
 */
export function xmlNodeReader(itertag: string, namespaces: Readonly<Record<string, string>> = {}): XmlNodeReader {
  const colon = itertag.indexOf(':');
  const wantPrefix = colon < 0 ? undefined : itertag.slice(0, colon);
  const wantLocal = colon < 0 ? itertag : itertag.slice(colon + 1);
  const parser = new SaxesParser({ xmlns: true, position: false });
  const ready: string[] = [];
  let capture = '';
  let depth = 0; // depth inside the captured node; 0 = not capturing
  // Namespace bindings in scope, one prototype-chained object per open tag that declares any
  // (saxes gives each tag only its own declarations); a tag without declarations costs nothing.
  const ROOT: Record<string, string> = Object.create(null) as Record<string, string>;
  const scopes: { level: number; ns: Record<string, string> }[] = [];
  let level = 0;
  const current = (): Record<string, string> => scopes[scopes.length - 1]?.ns ?? ROOT;
  parser.on('error', () => undefined);
  parser.on('opentag', (tag: SaxesTagNS) => {
    level++;
    const own = tag.ns;
    if (own !== undefined && Object.keys(own).length > 0) scopes.push({ level, ns: Object.assign(Object.create(current()) as Record<string, string>, own) });
    if (depth === 0) {
      if (tag.local !== wantLocal) return;
      if (wantPrefix !== undefined) {
        const uri = namespaces[wantPrefix];
        if (uri === undefined ? tag.prefix !== wantPrefix : tag.uri !== uri) return;
      }
      capture = `<${tag.name}`;
      const declared = new Set<string>();
      for (const attr of Object.values(tag.attributes)) if (attr.prefix === 'xmlns' || attr.name === 'xmlns') declared.add(attr.prefix === 'xmlns' ? attr.local : '');
      const inScope = current();
      for (const prefix in inScope) {
        const uri = inScope[prefix]!;
        if (prefix === 'xml' || prefix === 'xmlns' || declared.has(prefix)) continue;
        capture += prefix === '' ? ` xmlns="${escapeAttr(uri)}"` : ` xmlns:${prefix}="${escapeAttr(uri)}"`;
      }
    } else capture += `<${tag.name}`;
    depth++;
    for (const attr of Object.values(tag.attributes)) capture += ` ${attr.name}="${escapeAttr(attr.value)}"`;
    capture += '>';
  });
  const onText = (text: string): void => {
    if (depth > 0) capture += escapeText(text);
  };
  parser.on('text', onText);
  parser.on('cdata', onText);
  // saxes keeps one handler per event: scope bookkeeping and capture share this one.
  parser.on('closetag', (tag) => {
    if (scopes[scopes.length - 1]?.level === level) scopes.pop();
    level--;
    if (depth === 0) return;
    capture += `</${tag.name}>`;
    if (--depth === 0) {
      ready.push(capture);
      capture = '';
    }
  });
  return {
    write(chunk) {
      parser.write(chunk);
      return ready.splice(0);
    },
    end() {
      parser.close();
      return ready.splice(0);
    },
  };
}

/** Streams the outer XML of every `itertag` element from text chunks (see xmlNodeReader). */
export function* iterXmlNodes(chunks: Iterable<string>, itertag: string, namespaces: Readonly<Record<string, string>> = {}): Generator<string> {
  const reader = xmlNodeReader(itertag, namespaces);
  for (const chunk of chunks) yield* reader.write(chunk);
  yield* reader.end();
}

/**
 * The nodes of text chunks that arrive asynchronously (a streamed body), one array per chunk:
 * iterating a batch is synchronous, so a consumer pays the async step per chunk, not per node.
 */
export async function* xmlNodeBatches(chunks: AsyncIterable<string> | Iterable<string>, itertag: string, namespaces: Readonly<Record<string, string>> = {}): AsyncGenerator<string[]> {
  const reader = xmlNodeReader(itertag, namespaces);
  for await (const chunk of chunks) {
    const nodes = reader.write(chunk);
    if (nodes.length > 0) yield nodes;
  }
  const last = reader.end();
  if (last.length > 0) yield last;
}

/** iterXmlNodes for text chunks that arrive asynchronously, e.g. a streamed response body. */
export async function* iterXmlNodesAsync(chunks: AsyncIterable<string> | Iterable<string>, itertag: string, namespaces: Readonly<Record<string, string>> = {}): AsyncGenerator<string> {
  for await (const nodes of xmlNodeBatches(chunks, itertag, namespaces)) yield* nodes;
}
