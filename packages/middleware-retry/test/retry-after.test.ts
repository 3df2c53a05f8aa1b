import { describe, expect, it } from 'vitest';
import { backoffDelayMs } from '../src/backoff.js';
import { RETRY_DEFAULTS } from '../src/index.js';
import { parseHttpDate, parseRetryAfter } from '../src/retry-after.js';

const NOW = Date.UTC(2025, 4, 1, 12, 0, 0);

describe('parseRetryAfter()', () => {
  it('reads delay-seconds', () => {
    expect(parseRetryAfter('1', NOW)).toBe(1000);
    expect(parseRetryAfter(' 120 ', NOW)).toBe(120_000);
    expect(parseRetryAfter('0', NOW)).toBe(0);
  });

  it('reads the three HTTP-date forms; a past date means no wait', () => {
    expect(parseRetryAfter('Thu, 01 May 2025 12:00:05 GMT', NOW)).toBe(5000);
    expect(parseRetryAfter('Thursday, 01-May-25 12:01:00 GMT', NOW)).toBe(60_000);
    expect(parseRetryAfter('Thu May  1 12:00:30 2025', NOW)).toBe(30_000);
    expect(parseRetryAfter('Thu, 01 May 2025 11:00:00 GMT', NOW)).toBe(0);
    expect(parseHttpDate('Sunday, 06-Nov-94 08:49:37 GMT', NOW)).toBe(Date.UTC(1994, 10, 6, 8, 49, 37));
    expect(parseHttpDate('Sun Nov  6 08:49:37 1994', NOW)).toBe(Date.UTC(1994, 10, 6, 8, 49, 37));
    expect(parseHttpDate('sun, 06 nov 1994 08:49:37 gmt', NOW)).toBe(Date.UTC(1994, 10, 6, 8, 49, 37));
  });

  it('rejects what is neither, instead of guessing', () => {
    for (const bad of ['', '1.5', '-1', 'soon', '2025-05-01T12:00:05Z', 'Thu, 31 Feb 2025 00:00:00 GMT', 'Thu, 01 Foo 2025 00:00:00 GMT', 'Thu, 01 May 2025 25:00:00 GMT', '1 2']) {
      expect(parseRetryAfter(bad, NOW), JSON.stringify(bad)).toBeUndefined();
    }
  });
});

describe('backoffDelayMs()', () => {
  const backoff = { enabled: true, base: 1, max: 5, jitter: false };
  it('doubles per attempt from base, capped at max', () => {
    expect([1, 2, 3, 4, 5].map((n) => backoffDelayMs(n, backoff))).toEqual([1000, 2000, 4000, 5000, 5000]);
    expect(backoffDelayMs(1, { ...backoff, base: 0.25 })).toBe(250);
  });

  it('with jitter waits between half and all of the delay', () => {
    const jittered = { ...backoff, jitter: true };
    expect(backoffDelayMs(2, jittered, () => 0)).toBe(1000);
    expect(backoffDelayMs(2, jittered, () => 0.5)).toBe(1500);
    expect(backoffDelayMs(2, jittered, () => 0.999)).toBeCloseTo(1999, 0);
    expect(RETRY_DEFAULTS.backoff).toEqual({ enabled: false, base: 1, max: 60, jitter: true });
  });
});
