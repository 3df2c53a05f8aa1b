import type { Spider } from '@crawl/core';

type AnyFunction = (...args: never[]) => unknown;

/**
 * Callbacks are stored by the name of the spider method they are, never as code. The lookup
 * walks the spider and its prototypes up to (not including) Object.prototype, so `toString` or
 * `constructor` can never be named by a job file.
 */
export class SpiderMethods {
  readonly #spider: Spider<any>;
  readonly #names = new Map<AnyFunction, string>();

  constructor(spider: Spider<any>) {
    this.#spider = spider;
  }

  /** The name of the method whose value is `fn`, or undefined when `fn` is no spider method. */
  nameOf(fn: AnyFunction): string | undefined {
    const cached = this.#names.get(fn);
    if (cached !== undefined) return cached;
    for (let o: object | null = this.#spider; o !== null && o !== Object.prototype; o = Object.getPrototypeOf(o) as object | null) {
      for (const key of Object.getOwnPropertyNames(o)) {
        const descriptor = Object.getOwnPropertyDescriptor(o, key);
        // Getters are skipped: reading them could run spider code with side effects.
        if (descriptor && 'value' in descriptor && descriptor.value === fn) {
          this.#names.set(fn, key);
          return key;
        }
      }
    }
    return undefined;
  }

  /** The spider method called `name`, or undefined. */
  byName(name: string): AnyFunction | undefined {
    for (let o: object | null = this.#spider; o !== null && o !== Object.prototype; o = Object.getPrototypeOf(o) as object | null) {
      const descriptor = Object.getOwnPropertyDescriptor(o, name);
      if (descriptor) return 'value' in descriptor && typeof descriptor.value === 'function' ? (descriptor.value as AnyFunction) : undefined;
    }
    return undefined;
  }
}
