/**
 * Runs `fn` while sampling `sample()` every `intervalMs` (and once before and once after), and
 * returns how far the samples rose above the first one. The sampler decides what is measured:
 * resident set size (rssGrowthDuring), or retained heap after a forced GC, say.
 */
export async function peakGrowthDuring<T>(fn: () => Promise<T>, sample: () => number, intervalMs = 5): Promise<{ growth: number; result: T }> {
  const before = sample();
  let peak = before;
  const timer = setInterval(() => {
    peak = Math.max(peak, sample());
  }, intervalMs);
  let result: T;
  try {
    result = await fn();
  } finally {
    clearInterval(timer);
  }
  peak = Math.max(peak, sample());
  return { growth: peak - before, result };
}

/**
 * Runs `fn` while sampling the resident set size every `intervalMs`, and returns how far it rose
 * above where it started: the larger of the sampled peak and the growth of the kernel's recorded
 * peak (which catches a spike between samples). For memory-bound tests of streaming code.
 */
export async function rssGrowthDuring<T>(fn: () => Promise<T>, intervalMs = 5): Promise<{ growth: number; result: T }> {
  const maxBefore = process.resourceUsage().maxRSS * 1024;
  const { growth, result } = await peakGrowthDuring(fn, () => process.memoryUsage().rss, intervalMs);
  const maxGrowth = process.resourceUsage().maxRSS * 1024 - maxBefore;
  return { growth: Math.max(growth, maxGrowth), result };
}
