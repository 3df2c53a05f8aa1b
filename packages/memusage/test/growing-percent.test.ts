import { describe, expect, it } from 'vitest';
import {
  EXTERNAL_DRIVEN_SCAVENGES,
  GrowingPercentPolicy,
  HEAP_DRIVEN_SCAVENGES,
  LEAN_HEAP_GROWING_PERCENT,
  RELAXED_GROWING_PERCENT,
} from '../src/growing-percent.js';

/** Feeds the policy mark-compacts, each after the given number of scavenges; returns what it answered. */
function collections(policy: GrowingPercentPolicy, scavengesBeforeEach: number[]): (number | undefined)[] {
  return scavengesBeforeEach.map((scavenges) => {
    for (let i = 0; i < scavenges; i++) policy.scavenged();
    return policy.markCompacted();
  });
}

describe('GrowingPercentPolicy', () => {
  it('starts lean', () => {
    expect(new GrowingPercentPolicy().percent).toBe(LEAN_HEAP_GROWING_PERCENT);
  });

  it('stays lean through a page crawl, whose mark-compacts follow many scavenges', () => {
    const policy = new GrowingPercentPolicy();
    // --trace-gc of the harness's 3,000-page crawl at concurrency 16.
    expect(collections(policy, [8, 16, 21, 22, 22, 22, 23, 23])).toEqual(Array(8).fill(undefined));
    expect(policy.percent).toBe(LEAN_HEAP_GROWING_PERCENT);
  });

  it('relaxes on the second mark-compact in a row that external memory started, not the first', () => {
    const policy = new GrowingPercentPolicy();
    expect(collections(policy, [10, 0])).toEqual([undefined, undefined]);
    expect(collections(policy, [EXTERNAL_DRIVEN_SCAVENGES - 1])).toEqual([RELAXED_GROWING_PERCENT]);
    expect(policy.percent).toBe(RELAXED_GROWING_PERCENT);
    // Answered once, when it changes.
    expect(collections(policy, [0, 0, 1])).toEqual([undefined, undefined, undefined]);
  });

  it('does not relax on external mark-compacts that are not consecutive', () => {
    const policy = new GrowingPercentPolicy();
    expect(collections(policy, [0, EXTERNAL_DRIVEN_SCAVENGES, 0, 3, 1, 20, 0])).toEqual(Array(7).fill(undefined));
    expect(policy.percent).toBe(LEAN_HEAP_GROWING_PERCENT);
  });

  it('is lean again once a mark-compact follows enough scavenges, and holds in between', () => {
    const policy = new GrowingPercentPolicy();
    collections(policy, [0, 0]);
    // Between the thresholds: neither started by external memory nor clearly by the heap.
    expect(collections(policy, [HEAP_DRIVEN_SCAVENGES - 1, 0, HEAP_DRIVEN_SCAVENGES - 1])).toEqual([undefined, undefined, undefined]);
    expect(policy.percent).toBe(RELAXED_GROWING_PERCENT);
    expect(collections(policy, [HEAP_DRIVEN_SCAVENGES])).toEqual([LEAN_HEAP_GROWING_PERCENT]);
    // And relaxes again when the images come back.
    expect(collections(policy, [0, 0])).toEqual([undefined, RELAXED_GROWING_PERCENT]);
  });

});
