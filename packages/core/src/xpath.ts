/**
 * XPath 1.0 over the parsed document, with the `xpath` engine and parsel's extensions
 * (EXSLT regular expressions under the `re:` prefix, `has-class()`).
 */
import { isCDATA, isText, type AnyNode } from 'domhandler';
import { createRequire } from 'node:module';
import { SelectorError } from './errors.js';
import { declaredNamespaces, domView, DomNode } from './xpath-dom.js';

export interface XPathOptions {
  /** Prefix → namespace URI for prefixed names in the query (an XML document's own `xmlns:` prefixes work without this). */
  namespaces?: Readonly<Record<string, string>>;
  /** Values for `$name` variables in the query (parsel's keyword arguments). */
  variables?: Readonly<Record<string, string | number | boolean>>;
}

// The engine's typings describe only its convenience helpers; this is the part used here.
interface XValue {
  stringValue(): string;
  numberValue(): number;
  booleanValue(): boolean;
}
interface XNodeSet extends XValue {
  toArray(): unknown[];
}
interface EvaluateOptions {
  node: unknown;
  namespaces: (prefix: string) => string | undefined;
  functions: (name: string, namespace: string | null | undefined) => ((context: { contextNode: unknown }, ...args: XValue[]) => unknown) | undefined;
  variables?: Readonly<Record<string, string | number | boolean>>;
}
interface Engine {
  parse(expression: string): { evaluate(options: EvaluateOptions): XValue };
  XNodeSet: abstract new (...args: never[]) => unknown;
  XNumber: abstract new (...args: never[]) => unknown;
  XBoolean: abstract new (...args: never[]) => unknown;
}
// Loaded on the first XPath query, not with @crawl/core: the engine is one 170 KB module (about
// 3.5 MB of a process's memory once compiled), and most spiders query with CSS only.
let loaded: Engine | undefined;
function xpathEngine(): Engine {
  return (loaded ??= createRequire(import.meta.url)('xpath') as Engine);
}

function isNodeSet(value: XValue): value is XNodeSet {
  return value instanceof xpathEngine().XNodeSet;
}

const EXSLT_REGEXP = 'http://exslt.org/regular-expressions';
const BUILTIN_NAMESPACES: Record<string, string> = { re: EXSLT_REGEXP };
const HTML_SPACE = /[ \t\n\f\r]+/;

function regexFlags(flags: XValue | undefined): string {
  const f = flags?.stringValue() ?? '';
  return `${f.includes('i') ? 'i' : ''}${f.includes('g') ? 'g' : ''}`;
}

type ExtensionFunction = (context: { contextNode: unknown }, ...args: XValue[]) => unknown;

const FUNCTIONS: Record<string, ExtensionFunction> = {
  [`{${EXSLT_REGEXP}}test`]: (_c, input, pattern, flags) => new RegExp(pattern?.stringValue() ?? '', regexFlags(flags).replace('g', '')).test(input?.stringValue() ?? ''),
  [`{${EXSLT_REGEXP}}replace`]: (_c, input, pattern, flags, replacement) =>
    (input?.stringValue() ?? '').replace(new RegExp(pattern?.stringValue() ?? '', regexFlags(flags)), replacement?.stringValue() ?? ''),
  // parsel's has-class(): the context element has every class given.
  '{}has-class': (context, ...classes) => {
    const node = context.contextNode;
    const attr = node instanceof DomNode ? node.getAttribute('class') : null;
    if (attr === null) return false;
    const have = new Set(attr.split(HTML_SPACE));
    return classes.every((c) => have.has(c.stringValue()));
  },
};

function resolveFunction(name: string, namespace: string | null | undefined): ExtensionFunction | undefined {
  return FUNCTIONS[`{${namespace ?? ''}}${name}`];
}

const compiled = new Map<string, ReturnType<Engine['parse']>>();

function compile(query: string): ReturnType<Engine['parse']> {
  let expr = compiled.get(query);
  if (expr === undefined) {
    try {
      expr = xpathEngine().parse(query);
    } catch (cause) {
      throw new SelectorError(`Invalid XPath ${JSON.stringify(query)}: ${(cause as Error).message}`, { cause });
    }
    if (compiled.size > 1000) compiled.clear();
    compiled.set(query, expr);
  }
  return expr;
}

/** parsel's string for a non-node result: floats as Python prints them, booleans as '1'/'0'. */
function scalarString(value: XValue): string {
  if ((value as unknown) instanceof xpathEngine().XNumber) {
    const n = value.numberValue();
    if (Number.isNaN(n)) return 'nan';
    if (!Number.isFinite(n)) return n > 0 ? 'inf' : '-inf';
    return Number.isInteger(n) && Math.abs(n) < 1e16 ? `${n}.0` : String(n);
  }
  if ((value as unknown) instanceof xpathEngine().XBoolean) return value.booleanValue() ? '1' : '0';
  return value.stringValue();
}

/**
 * Evaluates `query` with each root as context node and concatenates the results: elements,
 * comments and documents as nodes, text nodes and attributes as their string values, numbers,
 * booleans and strings as parsel prints them.
 */
export function evaluateXPath(roots: readonly AnyNode[], query: string, options: XPathOptions = {}): (AnyNode | string)[] {
  const expr = compile(query);
  const out: (AnyNode | string)[] = [];
  for (const root of roots) {
    const node = domView(root);
    if (node === null) continue;
    let declared: Record<string, string> | undefined;
    const evaluateOptions: EvaluateOptions = {
      node,
      namespaces: (prefix) => options.namespaces?.[prefix] ?? BUILTIN_NAMESPACES[prefix] ?? (declared ??= declaredNamespaces(root))[prefix],
      functions: resolveFunction,
      ...(options.variables ? { variables: options.variables } : {}),
    };
    let result: XValue;
    try {
      result = expr.evaluate(evaluateOptions);
    } catch (cause) {
      throw new SelectorError(`XPath ${JSON.stringify(query)} failed: ${(cause as Error).message}`, { cause });
    }
    if (!isNodeSet(result)) {
      out.push(scalarString(result));
      continue;
    }
    for (const item of result.toArray()) {
      if (item instanceof DomNode) {
        const raw = item.raw;
        if (isText(raw)) out.push(raw.data);
        else if (isCDATA(raw)) out.push(item.nodeValue ?? '');
        else out.push(raw);
      } else {
        // Attribute and namespace nodes: their value.
        out.push(String((item as { nodeValue?: unknown }).nodeValue ?? ''));
      }
    }
  }
  return out;
}
