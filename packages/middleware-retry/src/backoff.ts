import type { RetryDefaults } from './options.js';

/**
 * Milliseconds to wait before retry number `attempt` (1 for the first retry): base × 2^(attempt-1)
 * seconds, capped at max, then with jitter a uniform draw in [50 %, 100 %] of that ("equal jitter":
 * spread out, yet never retrying at once).
 */
export function backoffDelayMs(attempt: number, backoff: RetryDefaults['backoff'], random: () => number = Math.random): number {
  const seconds = Math.min(backoff.max, backoff.base * 2 ** Math.max(0, attempt - 1));
  const factor = backoff.jitter ? 0.5 + random() / 2 : 1;
  return seconds * factor * 1000;
}
