import { describe, expect, it } from 'vitest';
import { parseHttpDate } from '../src/index.js';

const T = Date.UTC(1994, 10, 6, 8, 49, 37) / 1000;

describe('parseHttpDate', () => {
  it('reads the three formats HTTP/1.1 allows, all as GMT', () => {
    expect(parseHttpDate('Sun, 06 Nov 1994 08:49:37 GMT')).toBe(T);
    expect(parseHttpDate('Sunday, 06-Nov-94 08:49:37 GMT')).toBe(T);
    expect(parseHttpDate('Sun Nov  6 08:49:37 1994')).toBe(T);
  });

  it('reads RFC 822 zones and numeric offsets, and the lenient forms Python accepts', () => {
    expect(parseHttpDate('Sun, 06 Nov 1994 10:49:37 +0200')).toBe(T);
    expect(parseHttpDate('Sun, 06 Nov 1994 03:49:37 EST')).toBe(T);
    expect(parseHttpDate('Sun, 06 Nov 1994 08:49:37 UTC')).toBe(T);
    expect(parseHttpDate('06 Nov 1994 08:49:37 GMT')).toBe(T);
    expect(parseHttpDate('Sun, 6 Nov 1994 08:49 GMT')).toBe(T - 37);
    expect(parseHttpDate('  Sun, 06 Nov 1994 08:49:37 GMT  ')).toBe(T);
  });

  it('maps two-digit years as Python does (69-99 → 19xx, 00-68 → 20xx)', () => {
    expect(parseHttpDate('Thu, 01-Jan-70 00:00:00 GMT')).toBe(0);
    expect(parseHttpDate('Sat, 01-Jan-00 00:00:00 GMT')).toBe(Date.UTC(2000, 0, 1) / 1000);
    expect(parseHttpDate('Sun, 01-Jan-68 00:00:00 GMT')).toBe(Date.UTC(2068, 0, 1) / 1000);
    expect(parseHttpDate('Wed, 01-Jan-69 00:00:00 GMT')).toBe(Date.UTC(1969, 0, 1) / 1000);
  });

  it('returns undefined for what is not an HTTP date', () => {
    for (const bad of ['', '0', '-1', 'never', '2024-01-01T00:00:00Z', 'Sun, 06 Foo 1994 08:49:37 GMT', 'Sun, 06 Nov 1994 25:49:37 GMT', 'Sun, 32 Nov 1994 08:49:37 GMT']) {
      expect(parseHttpDate(bad), bad).toBeUndefined();
    }
    expect(parseHttpDate(undefined)).toBeUndefined();
  });
});
