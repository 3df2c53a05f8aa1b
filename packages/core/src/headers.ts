export type HeadersInit =
  | Headers
  | Readonly<Record<string, string | number | readonly (string | number)[] | undefined>>
  | Iterable<readonly [string, string | number]>;

interface Entry {
  /** The lower-cased name (keyOf). */
  readonly key: string;
  name: string;
  values: string[];
}

/** Past this many names a Map indexes the entries; below it a scan is faster and smaller. */
const INDEX_AT = 8;

/** The list of every Headers without entries (never written to: the first entry replaces it). */
const NO_ENTRIES = Object.freeze([]) as unknown as Entry[];

/**
 * Case-insensitive, multi-value HTTP headers that keep the first spelling of each name
 * for the wire. Unlike WHATWG Headers, values are never merged: `getAll('set-cookie')`
 * returns each header line.
 */
export class Headers implements Iterable<[string, string]> {
  // An array of entries in insertion order rather than a Map: every request has a Headers, most
  // with one to a few names, and an empty Map alone took ~190 bytes per pending request.
  // Made with its first entry, as a one-element literal: `[]` grows to 17 slots on its first push.
  #list: Entry[] = NO_ENTRIES;
  #index: Map<string, Entry> | undefined;

  constructor(init?: HeadersInit) {
    if (init === undefined) return;
    if (init instanceof Headers) {
      for (const entry of init.#list) this.#put(entry.key, entry.name, [...entry.values]);
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
    const entry = this.#find(keyOf(name));
    if (!entry) return undefined;
    return entry.values.length === 1 ? entry.values[0] : entry.values.join(', ');
  }

  /** The first value, as Scrapy's `Headers.get` for single-valued headers. */
  getFirst(name: string): string | undefined {
    return this.#find(keyOf(name))?.values[0];
  }

  getAll(name: string): string[] {
    return [...(this.#find(keyOf(name))?.values ?? [])];
  }

  has(name: string): boolean {
    return this.#find(keyOf(name)) !== undefined;
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
    this.#put(keyOf(name), name, values);
    return this;
  }

  /** Sets the header only when it is absent (Scrapy's `setdefault`). Returns whether it was set. */
  setDefault(name: string, value: string | number): boolean {
    const key = keyOf(name);
    if (this.#find(key) !== undefined) return false;
    const v = String(value);
    assertHeader(name, v);
    this.#put(key, name, [v]);
    return true;
  }

  append(name: string, value: string | number): this {
    const v = String(value);
    assertHeader(name, v);
    const key = keyOf(name);
    const entry = this.#find(key);
    if (entry) entry.values.push(v);
    else this.#put(key, name, [v]);
    return this;
  }

  delete(name: string): boolean {
    const key = keyOf(name);
    const at = this.#list.findIndex((e) => e.key === key);
    if (at < 0) return false;
    this.#list.splice(at, 1);
    this.#index?.delete(key);
    return true;
  }

  get size(): number {
    return this.#list.length;
  }

  /** Header names as first spelled. */
  names(): string[] {
    return this.#list.map((e) => e.name);
  }

  /** One [name, value] pair per header line. */
  *[Symbol.iterator](): Iterator<[string, string]> {
    for (const { name, values } of this.#list) for (const v of values) yield [name, v];
  }

  /**
   * Calls `callback` once per header line, in order, with the value and the name as first spelled
   * (WHATWG Headers' argument order, without its merging of values). Unlike iterating, it makes
   * no iterator and no [name, value] pair per line: downloader stats size every request and
   * response with it.
   */
  forEach(callback: (value: string, name: string, headers: this) => void): void {
    for (const { name, values } of this.#list) for (let i = 0; i < values.length; i++) callback(values[i]!, name, this);
  }

  entries(): IterableIterator<[string, string]> {
    return this[Symbol.iterator]() as IterableIterator<[string, string]>;
  }

  /** A plain object with lower-cased names; multi-value headers become arrays. */
  toJSON(): Record<string, string | string[]> {
    const out: Record<string, string | string[]> = {};
    for (const { key, values } of this.#list) out[key] = values.length === 1 ? values[0]! : [...values];
    return out;
  }

  /** Flat [name, value, name, value, …] list, the shape undici and node:http accept for multi-value headers. */
  toRawPairs(): string[] {
    const out: string[] = [];
    for (const { name, values } of this.#list) for (const v of values) out.push(name, v);
    return out;
  }

  clone(): Headers {
    return new Headers(this);
  }

  #find(key: string): Entry | undefined {
    if (this.#index !== undefined) return this.#index.get(key);
    for (const entry of this.#list) if (entry.key === key) return entry;
    return undefined;
  }

  /** Sets the entry of `key`: in its place when present (as Map.set does), else at the end. */
  #put(key: string, name: string, values: string[]): void {
    const list = this.#list;
    const entry: Entry = { key, name, values };
    const index = this.#index;
    let at: number;
    if (index === undefined) at = list.findIndex((e) => e.key === key);
    else {
      const existing = index.get(key);
      at = existing === undefined ? -1 : list.indexOf(existing);
    }
    if (at >= 0) list[at] = entry;
    else if (list === NO_ENTRIES) this.#list = [entry];
    else list.push(entry);
    if (index !== undefined) index.set(key, entry);
    else if (this.#list.length > INDEX_AT) this.#index = new Map(this.#list.map((e) => [e.key, e]));
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
