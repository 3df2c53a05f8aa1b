/**
 * Runs `fn` while sampling the resident set size every `intervalMs`, and returns how far it rose
 * above where it started: the larger of the sampled peak and the growth of the kernel's recorded
 * peak (which catches a spike between samples). For memory-bound tests of streaming code.
 */
export async function rssGrowthDuring<T>(fn: () => Promise<T>, intervalMs = 5): Promise<{ growth: number; result: T }> {
  const before = process.memoryUsage().rss;
  const maxBefore = process.resourceUsage().maxRSS * 1024;
  let peak = before;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, intervalMs);
  let result: T;
  try {
    result = await fn();
  } finally {
    clearInterval(timer);
  }
  peak = Math.max(peak, process.memoryUsage().rss);
  const maxGrowth = process.resourceUsage().maxRSS * 1024 - maxBefore;
  return { growth: Math.max(peak - before, maxGrowth), result };
}
