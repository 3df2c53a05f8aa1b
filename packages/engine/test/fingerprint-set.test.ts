import { Request } from '@crawl/core';
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { fingerprintDupeFilter, MemoryStats } from '../src/index.js';
import { FingerprintSet } from '../src/scheduler/fingerprint-set.js';
import { memoryLogger } from './support/logger.js';

const sha1 = (s: string): string => createHash('sha1').update(s).digest('hex');

describe.each([
  ['as strings', undefined],
  ['packed from the start', 0],
  ['packed after 4', 4],
])('FingerprintSet %s', (_label, packAt) => {
  const make = (values?: Iterable<string>) => new FingerprintSet(values, packAt === undefined ? {} : { packAt });

  it('adds and finds fingerprints exactly', () => {
    const set = make();
    const fps = Array.from({ length: 50 }, (_, i) => sha1(`u${i}`));
    for (const fp of fps) expect(set.insert(fp)).toBe(true);
    for (const fp of fps) expect(set.insert(fp)).toBe(false);
    expect(set.size).toBe(50);
    for (const fp of fps) expect(set.has(fp)).toBe(true);
    for (let i = 50; i < 200; i++) expect(set.has(sha1(`u${i}`))).toBe(false);
    // Equal content, another string instance.
    expect(set.has(Buffer.from(fps[7]!, 'latin1').toString('latin1'))).toBe(true);
    if (packAt !== undefined) expect(set.packed).toBe(true);
  });

  it('keeps strings that are not 40 lower-case hex digits apart from the packed ones', () => {
    const set = make();
    const fp = sha1('x');
    const upper = fp.toUpperCase();
    const others = [upper, fp.slice(1), `${fp}0`, '', 'not a fingerprint', `${fp.slice(0, 39)}g`, `${fp.slice(0, 39)}\u0130`, `\u0166${fp.slice(1)}`];
    expect(set.insert(fp)).toBe(true);
    for (const s of others) expect(set.has(s)).toBe(false);
    for (const s of others) expect(set.insert(s)).toBe(true);
    for (const s of others) expect(set.insert(s)).toBe(false);
    expect(set.size).toBe(others.length + 1);
    expect(new Set(set)).toEqual(new Set([fp, ...others]));
    // '\u0130' & 127 is '0' and '\u0166' & 127 is 'f': neither may alias a hex digit.
    expect(set.has(`${fp.slice(0, 39)}0`)).toBe(fp.endsWith('0'));
  });

  it('iterates every fingerprint as it was given, and is a ReadonlySet', () => {
    const fps = Array.from({ length: 20 }, (_, i) => sha1(`v${i}`));
    const set = make([...fps, 'custom-1', fps[0]!]);
    expect(set.size).toBe(21);
    expect([...set].sort()).toEqual([...fps, 'custom-1'].sort());
    expect([...set.keys()]).toEqual([...set.values()]);
    expect([...set.entries()].every(([a, b]) => a === b)).toBe(true);
    const seen: string[] = [];
    set.forEach((value, value2, s) => {
      expect(value2).toBe(value);
      expect(s).toBe(set);
      seen.push(value);
    });
    expect(seen).toEqual([...set]);
    const readonly: ReadonlySet<string> = set;
    expect(readonly.has(fps[3]!)).toBe(true);
    expect(Object.prototype.toString.call(set)).toBe('[object FingerprintSet]');
  });

  it('clears', () => {
    const set = make([sha1('a'), sha1('b'), sha1('c'), sha1('d'), sha1('e'), 'x']);
    set.clear();
    expect(set.size).toBe(0);
    expect(set.has(sha1('a'))).toBe(false);
    expect(set.has('x')).toBe(false);
    expect(set.insert(sha1('a'))).toBe(true);
    expect(set.size).toBe(1);
  });
});

describe('FingerprintSet at scale', () => {
  it('holds fingerprints across index growth and several chunks, without false positives', () => {
    const set = new FingerprintSet(undefined, { packAt: 1000 });
    const n = 40_000; // three chunks of 16,384
    const fps = Array.from({ length: n }, (_, i) => sha1(`p${i}`));
    // Counted, not one expect() per fingerprint: tens of thousands of them are slow.
    let wrong = 0;
    for (const fp of fps) if (!set.insert(fp)) wrong++;
    expect(set.packed).toBe(true);
    expect(set.size).toBe(n);
    for (let i = 0; i < n; i += 7) if (set.insert(fps[i]!)) wrong++;
    for (const fp of fps) if (!set.has(fp)) wrong++;
    for (let i = 0; i < 20_000; i++) if (set.has(sha1(`q${i}`))) wrong++;
    expect(wrong).toBe(0);
    expect(set.size).toBe(n);
    // Insertion order is kept for the packed ones.
    const order = [...set];
    expect(order.length).toBe(n);
    expect(order.every((fp, i) => fp === fps[i])).toBe(true);
  });

  it('fingerprints that differ in one word only, or are all zero, stay distinct', () => {
    const set = new FingerprintSet(undefined, { packAt: 0 });
    const zero = '0'.repeat(40);
    const base = sha1('base');
    const variants = [zero];
    for (let w = 0; w < 5; w++) variants.push(base.slice(0, w * 8) + zero.slice(0, 8) + base.slice(w * 8 + 8));
    // Counter-like hex (a custom fingerprinter's) must not degrade into collisions.
    for (let i = 1; i <= 2000; i++) variants.push(i.toString(16).padStart(40, '0'));
    expect(variants.filter((v) => !set.insert(v))).toEqual([]);
    expect(variants.filter((v) => !set.has(v))).toEqual([]);
    expect(set.has(base)).toBe(false);
    expect(set.size).toBe(variants.length);
  });
});

describe('fingerprintDupeFilter with packed fingerprints', () => {
  it('keeps requestSeen, size and the fingerprints view', () => {
    const stats = new MemoryStats();
    const seed = Array.from({ length: 70_000 }, (_, i) => sha1(`seed${i}`));
    const f = fingerprintDupeFilter({ fingerprint: (r) => sha1(r.url), stats, logger: memoryLogger(), seen: seed });
    expect(f.size).toBe(70_000);
    expect(f.requestSeen(new Request('http://a.test/1'))).toBe(false);
    expect(f.requestSeen(new Request('http://a.test/1'))).toBe(true);
    expect(f.requestSeen(new Request('http://a.test/2'))).toBe(false);
    expect(f.size).toBe(70_002);
    expect(f.fingerprints.has(sha1('http://a.test/2'))).toBe(true);
    expect(f.fingerprints.has(seed[12_345]!)).toBe(true);
    expect(f.fingerprints.size).toBe(70_002);
  });
});
