import { Request, defineSpider, type Response } from '@crawl/core';
import { childIds, startFaultSite, type FaultKind, type FaultRule, type FaultSite } from '@crawl/fault-site';
import { runInNewContext } from 'node:vm';
import { setFlagsFromString } from 'node:v8';
import { afterAll, describe, expect, it } from 'vitest';
import { collect, defaultCrawler, type Logged } from './support.js';

// 10,000 pages take about 4 s on a 2-core machine, so the default run is the full size;
// RELIABILITY_PAGES=3000 (or more) changes it.
const PAGES = Number(process.env['RELIABILITY_PAGES'] ?? 10_000);

// A full GC before each heap sample, so retained memory is measured rather than garbage.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const RETRY_TIMES = 2;

/** What the retry middleware calls each injected failure (`retry/reason_count/<reason>`). */
const REASON: Partial<Record<FaultKind, string>> = {
  'status-500': '500 Internal Server Error',
  'status-502': '502 Bad Gateway',
  'status-503': '503 Service Unavailable',
  'status-429': '429 Too Many Requests',
  'reset-before-headers': 'ConnectionLostError',
  'reset-after-headers': 'ResponseDataLossError',
  truncated: 'ResponseDataLossError',
  stall: 'DownloadTimeoutError',
};

// 5% transient (each fails its first 1 or 2 attempts, within the 2 retries), 0.3% permanent,
// 1% redirect chains and 1% slow drips that succeed.
const RULES: FaultRule[] = [
  { kind: 'status-500', share: 0.01, failFirst: [1, 2] },
  { kind: 'status-502', share: 0.005, failFirst: [1, 2] },
  { kind: 'status-503', share: 0.01, failFirst: [1, 2] },
  { kind: 'status-429', share: 0.005, failFirst: [1, 2] },
  { kind: 'reset-before-headers', share: 0.006, failFirst: [1, 2] },
  { kind: 'reset-after-headers', share: 0.006, failFirst: [1, 2] },
  { kind: 'truncated', share: 0.006, failFirst: [1, 2] },
  { kind: 'stall', share: 0.002, failFirst: 1 },
  { kind: 'status-503', share: 0.003, failFirst: Infinity },
  { kind: 'redirect-chain', share: 0.01 },
  { kind: 'slow-drip', share: 0.01 },
];

const SEED = 20261122;
let site: FaultSite;
afterAll(async () => {
  await site?.close();
});

/** Pages the crawl must scrape: those whose every ancestor (and themselves) succeed within the retries. */
function expectedPages(s: FaultSite): Set<number> {
  const out = new Set<number>();
  const todo = [0];
  while (todo.length > 0) {
    const i = todo.pop()!;
    const f = s.faultOf(`/page/${i}`);
    if (f !== undefined && f.kind in REASON && f.failFirst > RETRY_TIMES) continue;
    out.add(i);
    todo.push(...childIds(i, s.pages, 8));
  }
  return out;
}

describe(`load: ${PAGES} pages at concurrency 64 with 5% transient faults`, () => {
  it('scrapes every page that eventually succeeds exactly once, with exact retry and downloader stats, nothing in flight and bounded RSS', async () => {
    site = await startFaultSite({ seed: SEED, pages: PAGES, rules: RULES, timing: { stallMs: 3000 } });
    const items: { id: number; url: string }[] = [];
    const logs: Logged[] = [];
    const rss: { pages: number; rss: number; heap: number }[] = [];
    let parsed = 0;
    const spider = defineSpider({
      name: 'load',
      // Not startUrls: those are dontFilter (as in Scrapy), so the children's links back to the
      // root would fetch it again.
      *start() {
        yield new Request(site.pageUrl(0));
      },
      *parse(response: Response) {
        if (++parsed % Math.max(100, Math.floor(PAGES / 10)) === 0) {
          gc();
          const m = process.memoryUsage();
          rss.push({ pages: parsed, rss: m.rss, heap: m.heapUsed });
        }
        yield { id: Number(response.css('h1::attr(data-id)').get()), url: response.url };
        for (const href of response.css('a::attr(href)').getall()) yield response.follow(href);
      },
    });
    const crawler = defaultCrawler(spider, {
      quiet: true,
      logs,
      itemPipelines: [collect(items)],
      settings: { concurrentRequests: 64, concurrentRequestsPerDomain: 64, downloadTimeout: 1, retryTimes: RETRY_TIMES, logLevel: 'info' },
    });
    const started = Date.now();
    const { reason, stats } = await crawler.crawl();
    const seconds = (Date.now() - started) / 1000;
    console.log(`load: ${PAGES} pages, ${items.length} items in ${seconds.toFixed(1)} s; stats ${JSON.stringify(stats)}`);
    expect(reason).toBe('finished');

    // Items: exactly the pages that can succeed, each once, and the server served each once.
    const want = expectedPages(site);
    const byId = new Map<number, number>();
    for (const item of items) byId.set(item.id, (byId.get(item.id) ?? 0) + 1);
    expect([...byId].filter(([, n]) => n !== 1)).toEqual([]);
    expect(new Set(byId.keys())).toEqual(want);
    expect(want.size).toBeGreaterThan(PAGES * 0.9);
    for (const i of want) expect(site.record(`/page/${i}`).successes, `/page/${i}`).toBe(1);
    expect(stats['item_scraped_count']).toBe(want.size);

    // Retry stats equal what the server injected.
    let retries = 0;
    let maxReached = 0;
    const reasons: Record<string, number> = {};
    let attempts = 0;
    for (const [path, rec] of site.records()) {
      attempts += rec.attempts;
      if (!path.startsWith('/page/')) continue;
      const retried = rec.injected.filter((k) => k in REASON).slice(0, RETRY_TIMES);
      retries += retried.length;
      for (const k of retried) reasons[REASON[k]!] = (reasons[REASON[k]!] ?? 0) + 1;
      if (rec.injected.length > RETRY_TIMES) maxReached++;
    }
    expect(retries).toBeGreaterThan(PAGES * 0.04);
    expect(stats['retry/count']).toBe(retries);
    expect(stats['retry/max_reached'] ?? 0).toBe(maxReached);
    const gotReasons = Object.fromEntries(Object.entries(stats).filter(([k]) => k.startsWith('retry/reason_count/')).map(([k, v]) => [k.slice('retry/reason_count/'.length), v]));
    expect(gotReasons).toEqual(reasons);

    // Downloader stats: every attempt the server saw (robots.txt, chain hops included) was counted,
    // and each ended as a response or an exception.
    expect(stats['downloader/request_count']).toBe(attempts);
    expect((stats['downloader/response_count'] as number) + ((stats['downloader/exception_count'] as number | undefined) ?? 0)).toBe(attempts);
    expect(crawler.downloader.active).toBe(0);
    // Permanent failures are logged, not lost.
    expect(logs.filter((l) => l.level === 'error' && /Gave up retrying/i.test(l.message)).length).toBe(maxReached);

    // After warm-up (the first 20 % of pages): RSS within a generous 20 KiB per page, and the heap
    // left after a full GC within 2 KiB per page (what must stay: a dupefilter fingerprint, this
    // test's item and the fault site's per-URL record, a few hundred bytes each).
    const warm = rss.find((s) => s.pages >= want.size * 0.2)!;
    const last = rss.at(-1)!;
    const perPage = (last.rss - warm.rss) / Math.max(1, last.pages - warm.pages);
    console.log(`load: RSS ${(warm.rss / 2 ** 20).toFixed(0)} MiB at ${warm.pages} pages → ${(last.rss / 2 ** 20).toFixed(0)} MiB at ${last.pages} (${(perPage / 1024).toFixed(1)} KiB/page)`);
    const heapPerPage = (last.heap - warm.heap) / Math.max(1, last.pages - warm.pages);
    console.log(`load: heap after GC ${(warm.heap / 2 ** 20).toFixed(0)} MiB → ${(last.heap / 2 ** 20).toFixed(0)} MiB (${(heapPerPage / 1024).toFixed(2)} KiB/page)`);
    expect(perPage).toBeLessThan(20 * 1024);
    expect(heapPerPage).toBeLessThan(2 * 1024);
  });
});
