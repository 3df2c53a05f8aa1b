import { describe, expect, it } from 'vitest';
import { nextDelay, type ThrottleParams } from '../src/index.js';

const params = (over: Partial<ThrottleParams> = {}): ThrottleParams => ({
  minDelay: 0,
  startDelay: 5,
  maxDelay: 60,
  targetConcurrency: 1,
  backoffStatuses: new Set([429, 503]),
  debug: false,
  ...over,
});

describe('nextDelay()', () => {
  it("moves half-way to latency / targetConcurrency (Scrapy's policy)", () => {
    expect(nextDelay(5, 1, 200, params())).toBe(3);
    expect(nextDelay(3, 1, 200, params())).toBe(2);
    expect(nextDelay(5, 1, 200, params({ targetConcurrency: 2 }))).toBe(2.75);
  });

  it('converges to the latency from above', () => {
    let delay = 5;
    for (let i = 0; i < 30; i++) delay = nextDelay(delay, 0.2, 200, params());
    expect(delay).toBeCloseTo(0.2, 5);
  });

  it('jumps straight to a higher target', () => {
    expect(nextDelay(1, 4, 200, params())).toBe(4);
  });

  it('stays within [downloadDelay, maxDelay], the floor winning if they cross', () => {
    expect(nextDelay(0.5, 0.01, 200, params({ minDelay: 2 }))).toBe(2);
    expect(nextDelay(5, 500, 200, params())).toBe(60);
    expect(nextDelay(5, 500, 200, params({ minDelay: 80, maxDelay: 60 }))).toBe(80);
  });

  it('lets a non-200 response raise the delay but never lower it', () => {
    expect(nextDelay(5, 0.01, 404, params())).toBe(5);
    expect(nextDelay(5, 0.01, 302, params())).toBe(5);
    expect(nextDelay(1, 3, 404, params())).toBe(3);
  });

  it('doubles the delay on a backoff status, capped, and never lowers it', () => {
    expect(nextDelay(5, 0.01, 429, params())).toBe(10);
    expect(nextDelay(5, 0.01, 503, params())).toBe(10);
    expect(nextDelay(40, 0.01, 429, params())).toBe(60);
    expect(nextDelay(0, 0.3, 429, params())).toBe(0.3);
    expect(nextDelay(90, 0.01, 429, params())).toBe(90);
    expect(nextDelay(5, 0.01, 503, params({ backoffStatuses: new Set() }))).toBe(5);
  });
});
