import type { ThrottleParams } from './options.js';

/** Keeps a delay within [minDelay, maxDelay]; the floor wins if the two cross (politeness first). */
function clamp(delay: number, p: ThrottleParams): number {
  return Math.max(p.minDelay, Math.min(p.maxDelay, delay));
}

/**
 * The slot's next delay after a response that took `latency` seconds.
 *
 * Scrapy's policy: a server that needs `latency` seconds per response serves
 * `targetConcurrency` requests in parallel if one is sent every latency / targetConcurrency
 * seconds; the delay moves half-way there, jumping straight up when the target is higher. A
 * non-200 response may only raise it, since error pages are fast and would otherwise speed the
 * crawl up exactly when the site struggles.
 *
 * Beyond Scrapy: a backoff status (429, 503) doubles the delay, as the server said "too fast".
 */
export function nextDelay(current: number, latency: number, status: number, p: ThrottleParams): number {
  const target = latency / p.targetConcurrency;
  if (p.backoffStatuses.has(status)) return Math.max(current, clamp(Math.max(current * 2, target), p));
  const next = clamp(Math.max(target, (current + target) / 2), p);
  if (status !== 200 && next <= current) return current;
  return next;
}
