// Run by signals.test.ts in a child process against the engine built into this folder's copy:
//   node child-crawl.mjs <engine-entry> <base-url>
// Crawls 8 slow pages two at a time with handleSignals: true and prints the result as JSON.
import { createResponse } from '@crawl/core';

const [, , entry, base] = process.argv;
const { crawl } = await import(entry);

const handler = {
  name: 'child/fetch',
  schemes: ['http'],
  async download(request, crawler) {
    const res = await fetch(request.url, { signal: crawler.abortSignal });
    const body = new Uint8Array(await res.arrayBuffer());
    return createResponse(request.url, { status: res.status, headers: [...res.headers], body, request });
  },
};

const result = await crawl(
  { name: 'signals', startUrls: Array.from({ length: 8 }, (_, i) => `${base}/p${i}`), parse: (response) => ({ url: response.url }) },
  { downloadHandlers: [handler], handleSignals: true, settings: { concurrentRequests: 2, logStatsInterval: 0 } },
);
process.stdout.write(
  `${JSON.stringify({ reason: result.reason, responses: result.stats['response_received_count'] ?? 0, items: result.stats['item_scraped_count'] ?? 0 })}\n`,
);
