import { isRequest, type Response } from '@crawl/core';

/** A count, or an inclusive [min, max] range (max omitted = no upper bound). */
export type CountSpec = number | readonly [number] | readonly [number, number];

/**
 * A typed spider contract (Scrapy's `@url` / `@returns` / `@scrapes` docstring contracts):
 * fetch `url`, call the callback, check what it returns.
 */
export interface CallbackContract {
  url: string;
  cbKwargs?: Record<string, unknown>;
  returns?: { items?: CountSpec; requests?: CountSpec };
  /** Fields every returned item must have (not undefined). */
  scrapes?: readonly string[];
}

declare module '@crawl/core' {
  interface Spider<I> {
    /** Contracts checked by `crawl check`, by callback (method) name. */
    readonly contracts?: Readonly<Record<string, CallbackContract | readonly CallbackContract[]>>;
  }
}

function inRange(n: number, spec: CountSpec): boolean {
  if (typeof spec === 'number') return n === spec;
  const [min, max] = spec;
  return n >= min && (max === undefined || n <= max);
}

function describeSpec(spec: CountSpec): string {
  if (typeof spec === 'number') return String(spec);
  return spec[1] === undefined ? `at least ${spec[0]}` : `${spec[0]}..${spec[1]}`;
}

/** Drains whatever a callback returned: values, arrays, iterables, promises, async iterables. */
export async function collectOutput(output: unknown): Promise<unknown[]> {
  const value = await output;
  if (value === undefined || value === null) return [];
  if (typeof value === 'object' && Symbol.asyncIterator in value) {
    const out: unknown[] = [];
    for await (const v of value as AsyncIterable<unknown>) out.push(v);
    return out;
  }
  if (typeof value === 'object' && Symbol.iterator in value && !isRequest(value)) return [...(value as Iterable<unknown>)];
  return [value];
}

/** The problems found with one callback's output against its contract (empty = passed). */
export function checkOutput(contract: CallbackContract, output: readonly unknown[]): string[] {
  const requests = output.filter(isRequest);
  const items = output.filter((o) => !isRequest(o));
  const problems: string[] = [];
  if (contract.returns?.items !== undefined && !inRange(items.length, contract.returns.items)) {
    problems.push(`returned ${items.length} items, expected ${describeSpec(contract.returns.items)}`);
  }
  if (contract.returns?.requests !== undefined && !inRange(requests.length, contract.returns.requests)) {
    problems.push(`returned ${requests.length} requests, expected ${describeSpec(contract.returns.requests)}`);
  }
  for (const field of contract.scrapes ?? []) {
    const missing = items.filter((item) => (item as Record<string, unknown> | null)?.[field] === undefined).length;
    if (missing > 0) problems.push(`${missing} of ${items.length} items lack "${field}"`);
  }
  return problems;
}

export type CallbackFn = (response: Response, cbKwargs: Record<string, unknown>) => unknown;
