import type { Spider } from '@crawl/core';

type Method = (...args: never[]) => unknown;

/** Callbacks are stored as the name of a spider method: the lookup both ways. */
export interface SpiderMethods {
  /** The method name for a callback: the method itself, a bound copy, or a function named after one. */
  nameOf(fn: Method): { name: string; exact: boolean } | undefined;
  /** The spider's method of that name; undefined for anything else (including inherited Object members). */
  get(name: string): Method | undefined;
}

/**
 * Own and prototype methods of the spider, read from property descriptors so that getters are
 * never run. `constructor` and Object.prototype's members are never callbacks.
 */
export function spiderMethods(spider: Spider<any>): SpiderMethods {
  const byName = new Map<string, Method>();
  const byFn = new Map<Method, string>();
  for (let o: object | null = spider; o !== null && o !== Object.prototype; o = Object.getPrototypeOf(o) as object | null) {
    for (const key of Object.getOwnPropertyNames(o)) {
      if (key === 'constructor' || byName.has(key)) continue;
      const value: unknown = Object.getOwnPropertyDescriptor(o, key)?.value;
      if (typeof value !== 'function') continue;
      byName.set(key, value as Method);
      if (!byFn.has(value as Method)) byFn.set(value as Method, key);
    }
  }
  return {
    nameOf(fn) {
      const name = byFn.get(fn);
      if (name !== undefined) return { name, exact: true };
      const bare = fn.name.replace(/^bound /, '');
      return byName.has(bare) ? { name: bare, exact: false } : undefined;
    },
    get(name) {
      return byName.get(name);
    },
  };
}
