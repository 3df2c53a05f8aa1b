import { describe, expect, it } from 'vitest';
import { boundedCache } from '../src/bounded-cache.js';

describe('boundedCache', () => {
  it('evicts the least recently used entry past its bound', () => {
    const cache = boundedCache<string, number>(2);
    cache.set('a', 1);
    cache.set('b', 2);
    expect(cache.get('a')).toBe(1);
    cache.set('c', 3);
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBe(1);
    expect(cache.get('c')).toBe(3);
    expect(cache.size).toBe(2);
  });

  it('stays bounded under many inserts and keeps nothing with size 0', () => {
    const cache = boundedCache<number, number>(100);
    for (let i = 0; i < 10_000; i++) cache.set(i, i);
    expect(cache.size).toBe(100);
    expect(cache.get(9_999)).toBe(9_999);
    expect(cache.get(0)).toBeUndefined();
    const none = boundedCache<number, number>(0);
    none.set(1, 1);
    expect(none.size).toBe(0);
  });
});
