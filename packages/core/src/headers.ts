export type HeadersInit =
  | Headers
  | Readonly<Record<string, string | number | readonly (string | number)[] | undefined>>
  | Iterable<readonly [string, string | number]>;

interface Entry {
  name: string;
  values: string[];
}

/**
 * Case-insensitive, multi-value HTTP headers that keep the first spelling of each name
 * for the wire. Unlike WHATWG Headers, values are never merged: `getAll('set-cookie')`
 * returns each header line.
 */
export class Headers implements Iterable<[string, string]> {
  readonly #entries = new Map<string, Entry>();

  constructor(init?: HeadersInit) {
    if (init === undefined) return;
    if (init instanceof Headers) {
      for (const [key, entry] of init.#entries) this.#entries.set(key, { name: entry.name, values: [...entry.values] });
      return;
    }
    if (Symbol.iterator in init) {
      for (const [name, value] of init as Iterable<readonly [string, string | number]>) this.append(name, value);
      return;
    }
    for (const [name, value] of Object.entries(init)) {
      if (value === undefined) continue;
      if (Array.isArray(value)) for (const v of value) this.append(name, v);
      else this.append(name, value as string | number);
    }
  }

  /** All values joined by ", " (fetch semantics), or undefined when absent. */
  get(name: string): string | undefined {
    const entry = this.#entries.get(keyOf(name));
    if (!entry) return undefined;
    return entry.values.length === 1 ? entry.values[0] : entry.values.join(', ');
  }

  /** The first value, as Scrapy's `Headers.get` for single-valued headers. */
  getFirst(name: string): string | undefined {
    return this.#entries.get(keyOf(name))?.values[0];
  }

  getAll(name: string): string[] {
    return [...(this.#entries.get(keyOf(name))?.values ?? [])];
  }

  has(name: string): boolean {
    return this.#entries.has(keyOf(name));
  }

  set(name: string, value: string | number | readonly (string | number)[]): this {
    let values: string[];
    if (Array.isArray(value)) {
      values = value.map(String);
      for (const v of values) assertHeader(name, v);
    } else {
      const v = String(value);
      assertHeader(name, v);
      values = [v];
    }
    this.#entries.set(keyOf(name), { name, values });
    return this;
  }

  /** Sets the header only when it is absent (Scrapy's `setdefault`). Returns whether it was set. */
  setDefault(name: string, value: string | number): boolean {
    const key = keyOf(name);
    if (this.#entries.has(key)) return false;
    const v = String(value);
    assertHeader(name, v);
    this.#entries.set(key, { name, values: [v] });
    return true;
  }

  append(name: string, value: string | number): this {
    const v = String(value);
    assertHeader(name, v);
    const key = keyOf(name);
    const entry = this.#entries.get(key);
    if (entry) entry.values.push(v);
    else this.#entries.set(key, { name, values: [v] });
    return this;
  }

  delete(name: string): boolean {
    return this.#entries.delete(keyOf(name));
  }

  get size(): number {
    return this.#entries.size;
  }

  /** Header names as first spelled. */
  names(): string[] {
    return [...this.#entries.values()].map((e) => e.name);
  }

  /** One [name, value] pair per header line. */
  *[Symbol.iterator](): Iterator<[string, string]> {
    for (const { name, values } of this.#entries.values()) for (const v of values) yield [name, v];
  }

  entries(): IterableIterator<[string, string]> {
    return this[Symbol.iterator]() as IterableIterator<[string, string]>;
  }

  /** A plain object with lower-cased names; multi-value headers become arrays. */
  toJSON(): Record<string, string | string[]> {
    const out: Record<string, string | string[]> = {};
    for (const [key, { values }] of this.#entries) out[key] = values.length === 1 ? values[0]! : [...values];
    return out;
  }

  /** Flat [name, value, name, value, …] list, the shape undici and node:http accept for multi-value headers. */
  toRawPairs(): string[] {
    const out: string[] = [];
    for (const { name, values } of this.#entries.values()) for (const v of values) out.push(name, v);
    return out;
  }

  clone(): Headers {
    return new Headers(this);
  }
}

// Header names come from a small set, mostly spelled with capitals ('Referer', 'Content-Type'):
// lower-casing each of them on every get/set made a new string per call.
const keys = new Map<string, string>();

function keyOf(name: string): string {
  let key = keys.get(name);
  if (key === undefined) {
    key = name.toLowerCase();
    if (keys.size >= 512) keys.clear();
    keys.set(name, key);
  }
  return key;
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

function assertHeader(name: string, value: string): void {
  if (!TOKEN.test(name)) throw new TypeError(`Invalid header name ${JSON.stringify(name)}`);
  // CR, LF and NUL would let a value smuggle extra header lines onto the wire.
  if (/[\r\n\0]/.test(value)) throw new TypeError(`Invalid value for header ${name}: contains CR, LF or NUL`);
}
