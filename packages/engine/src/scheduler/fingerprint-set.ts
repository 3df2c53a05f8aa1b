/**
 * An exact set of request fingerprints. Up to 65,536 of them it is a Set<string> (about 77 bytes
 * a fingerprint, and as fast as a Set: V8 caches a string's hash in the string, and core's
 * fingerprint memo hands repeated links the same string). From there on it holds core's
 * 40-character lower-case hex SHA-1 digests as their 20 bytes: about 30 bytes per fingerprint
 * instead of about 77, and faster than the Set once the Set no longer fits in the CPU caches. Any
 * other string (a custom fingerprinter's) is kept as is in a Set beside them, so membership is
 * exact for every string: a 40-hex string and its bytes map one to one, and upper-case hex is
 * never packed.
 *
 * Packed layout: the digests as five int32 words each, in insertion order, in chunks of 16,384
 * entries (no copying as the set grows, at most one chunk of slack); an open-addressing index of
 * entry numbers (linear probing, at most half full) over a power-of-two Int32Array; and a small
 * direct-mapped cache of recently seen strings in front (see #recent).
 */

const CHUNK_BITS = 14;
const CHUNK = 1 << CHUNK_BITS;
const CHUNK_MASK = CHUNK - 1;
const WORDS = 5;
const MIN_SLOTS = 128;
/** Fingerprints held as strings before the set packs them. */
const PACK_AT = 65_536;
/** Recently seen fingerprint strings, by a few of their characters (see #recent). */
const RECENT_BITS = 13;
const RECENT_MASK = (1 << RECENT_BITS) - 1;

/** Hex digit values of '0'-'9' and 'a'-'f' by char code; -1 for every other code below 128. */
const HEX = new Int8Array(128).fill(-1);
for (let i = 0; i < 10; i++) HEX[48 + i] = i;
for (let i = 0; i < 6; i++) HEX[97 + i] = 10 + i;

/** The words of the last parse, as int32 (no allocation per lookup, no heap numbers). */
let w0 = 0;
let w1 = 0;
let w2 = 0;
let w3 = 0;
let w4 = 0;
/** Negative once a parsed character is not a lower-case hex digit. */
let bad = 0;

/** One word of 8 hex digits (sets `bad` if one is not). */
function word(s: string, at: number): number {
  let v = 0;
  let flags = 0;
  for (let i = at; i < at + 8; i++) {
    const c = s.charCodeAt(i);
    // Codes above 127 index HEX at c & 127 but are flagged by the sign of 127 - c.
    const d = HEX[c & 127]! | ((127 - c) >> 31);
    flags |= d;
    v = (v << 4) | (d & 15);
  }
  // Module variables are context slots: written once per word, not per digit.
  if (flags < 0) bad = -1;
  return v;
}

/** Parses a 40-hex fingerprint into w0..w4; false for any other string. */
function parse(s: string): boolean {
  if (s.length !== 40) return false;
  bad = 0;
  w0 = word(s, 0);
  w1 = word(s, 8);
  w2 = word(s, 16);
  w3 = word(s, 24);
  w4 = word(s, 32);
  return bad >= 0;
}

/** Where a 40-character string goes in the recent cache: its first four (hex) digits. */
function recentIndex(s: string): number {
  const a = (HEX[s.charCodeAt(0) & 127]! << 12) | (HEX[s.charCodeAt(1) & 127]! << 8);
  return (a | (HEX[s.charCodeAt(2) & 127]! << 4) | HEX[s.charCodeAt(3) & 127]!) & RECENT_MASK;
}

/** Mixes all five words (a custom fingerprinter's hex need not be uniform like SHA-1). */
function hashOf(a: number, b: number, c: number, d: number, e: number): number {
  let h = Math.imul(a ^ Math.imul(b, 0x9e3779b1), 0x85ebca6b);
  h = Math.imul(h ^ c ^ (h >>> 13), 0xc2b2ae35);
  h = Math.imul(h ^ d ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ e ^ (h >>> 13), 0xc2b2ae35);
  return h ^ (h >>> 16);
}

function hex8(v: number): string {
  return (v >>> 0).toString(16).padStart(8, '0');
}

export interface FingerprintSetOptions {
  /** Size at which the fingerprints are packed: default 65,536; 0 packs from the start. */
  packAt?: number;
}

export class FingerprintSet implements ReadonlySet<string> {
  readonly #packAt: number;
  /** Every fingerprint, until the set packs them; undefined from then on. */
  #strings: Set<string> | undefined = new Set();
  /** Packed digests, WORDS int32 words per entry. */
  #chunks: Int32Array[] = [];
  #count = 0;
  /** Entry number + 1 per slot; 0 = free. */
  #slots: Int32Array = new Int32Array(0);
  #mask = 0;
  /** Packed: the fingerprints that are not 40 lower-case hex digits. */
  #other: Set<string> = new Set();
  /**
   * A direct-mapped cache of 40-hex strings known to be in the set, so that a repeated link (core's
   * fingerprint memo hands back the same string) costs a string comparison, not a 40-digit parse
   * and a probe. Only members are ever stored, so a hit is exact. At most 8,192 strings.
   */
  #recent: string[] = [];

  constructor(values?: Iterable<string>, options: FingerprintSetOptions = {}) {
    this.#packAt = options.packAt ?? PACK_AT;
    if (this.#packAt <= 0) this.#pack(new Set());
    if (values !== undefined) for (const value of values) this.insert(value);
  }

  get size(): number {
    return this.#strings !== undefined ? this.#strings.size : this.#count + this.#other.size;
  }

  /** Whether the fingerprints are packed yet. */
  get packed(): boolean {
    return this.#strings === undefined;
  }

  has(value: string): boolean {
    if (this.#strings !== undefined) return this.#strings.has(value);
    if (value.length === 40) {
      const r = recentIndex(value);
      if (this.#recent[r] === value) return true;
      if (parse(value)) {
        if (this.#find(hashOf(w0, w1, w2, w3, w4)) < 0) return false;
        this.#recent[r] = value;
        return true;
      }
    }
    return this.#other.has(value);
  }

  /** Adds a fingerprint; false when it was already there (one lookup for both). */
  insert(value: string): boolean {
    const strings = this.#strings;
    if (strings !== undefined) {
      if (strings.has(value)) return false;
      strings.add(value);
      if (strings.size >= this.#packAt) this.#pack(strings);
      return true;
    }
    if (value.length === 40) {
      const r = recentIndex(value);
      if (this.#recent[r] === value) return false;
      if (parse(value)) return this.#insertPacked(value, r);
    }
    if (this.#other.has(value)) return false;
    this.#other.add(value);
    return true;
  }

  /** Moves the strings into the packed form (once). */
  #pack(strings: Set<string>): void {
    let slots = MIN_SLOTS;
    while (slots < strings.size * 2 + 2) slots *= 2;
    this.#slots = new Int32Array(slots);
    this.#mask = slots - 1;
    this.#recent = new Array<string>(1 << RECENT_BITS).fill('');
    this.#strings = undefined;
    for (const value of strings) {
      if (value.length === 40 && parse(value)) this.#insertPacked(value, recentIndex(value));
      else this.#other.add(value);
    }
  }

  /** insert() of the fingerprint parsed into w0..w4, whose recent-cache index is r. */
  #insertPacked(value: string, r: number): boolean {
    const slot = this.#find(hashOf(w0, w1, w2, w3, w4));
    this.#recent[r] = value;
    if (slot >= 0) return false;
    const n = this.#count;
    let chunk = this.#chunks[n >>> CHUNK_BITS];
    if (chunk === undefined) {
      chunk = new Int32Array(CHUNK * WORDS);
      this.#chunks.push(chunk);
    }
    const at = (n & CHUNK_MASK) * WORDS;
    chunk[at] = w0;
    chunk[at + 1] = w1;
    chunk[at + 2] = w2;
    chunk[at + 3] = w3;
    chunk[at + 4] = w4;
    this.#count = n + 1;
    if ((n + 1) * 2 > this.#slots.length) this.#grow();
    else this.#slots[~slot] = n + 1;
    return true;
  }

  /** The slot of w0..w4 (>= 0), or ~the free slot where it would go. */
  #find(h: number): number {
    const slots = this.#slots;
    const chunks = this.#chunks;
    const mask = this.#mask;
    let s = h & mask;
    for (;;) {
      const e = slots[s]!;
      if (e === 0) return ~s;
      const i = e - 1;
      const chunk = chunks[i >>> CHUNK_BITS]!;
      const at = (i & CHUNK_MASK) * WORDS;
      if (chunk[at] === w0 && chunk[at + 1] === w1 && chunk[at + 2] === w2 && chunk[at + 3] === w3 && chunk[at + 4] === w4) return s;
      s = (s + 1) & mask;
    }
  }

  /** Doubles the index and re-inserts every entry (the entries themselves do not move). */
  #grow(): void {
    const size = this.#slots.length * 2;
    const slots = new Int32Array(size);
    const mask = size - 1;
    const chunks = this.#chunks;
    for (let i = 0; i < this.#count; i++) {
      const chunk = chunks[i >>> CHUNK_BITS]!;
      const at = (i & CHUNK_MASK) * WORDS;
      let s = hashOf(chunk[at]!, chunk[at + 1]!, chunk[at + 2]!, chunk[at + 3]!, chunk[at + 4]!) & mask;
      while (slots[s] !== 0) s = (s + 1) & mask;
      slots[s] = i + 1;
    }
    this.#slots = slots;
    this.#mask = mask;
  }

  clear(): void {
    this.#strings = new Set();
    this.#chunks = [];
    this.#count = 0;
    this.#slots = new Int32Array(0);
    this.#mask = 0;
    this.#other = new Set();
    this.#recent = [];
  }

  /** In insertion order; once packed, the packed ones (as hex) first, then the others. */
  *values(): SetIterator<string> {
    if (this.#strings !== undefined) {
      yield* this.#strings;
      return;
    }
    const chunks = this.#chunks;
    for (let i = 0; i < this.#count; i++) {
      const chunk = chunks[i >>> CHUNK_BITS]!;
      const at = (i & CHUNK_MASK) * WORDS;
      yield hex8(chunk[at]!) + hex8(chunk[at + 1]!) + hex8(chunk[at + 2]!) + hex8(chunk[at + 3]!) + hex8(chunk[at + 4]!);
    }
    yield* this.#other;
  }

  keys(): SetIterator<string> {
    return this.values();
  }

  *entries(): SetIterator<[string, string]> {
    for (const value of this.values()) yield [value, value];
  }

  [Symbol.iterator](): SetIterator<string> {
    return this.values();
  }

  forEach(callback: (value: string, value2: string, set: ReadonlySet<string>) => void, thisArg?: unknown): void {
    for (const value of this.values()) callback.call(thisArg, value, value, this);
  }

  get [Symbol.toStringTag](): string {
    return 'FingerprintSet';
  }
}
