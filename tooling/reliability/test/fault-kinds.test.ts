import { Request, defineSpider, type Failure, type Response } from '@crawl/core';
import { FAULT_KINDS, startFaultSite, type FaultKind, type FaultSite } from '@crawl/fault-site';
import { afterEach, describe, expect, it } from 'vitest';
import { defaultCrawler, type Logged } from './support.js';

const sites: FaultSite[] = [];
afterEach(async () => {
  await Promise.all(sites.splice(0).map((s) => s.close()));
});

/** How each fault ends a request through the CLI's default middlewares (retryTimes 2, failFirst 1). */
const OUTCOME: Record<Exclude<FaultKind, 'image-html'>, { scraped: boolean; error?: string; message?: RegExp; stat?: string }> = {
  'status-500': { scraped: true, stat: 'retry/reason_count/500 Internal Server Error' },
  'status-502': { scraped: true, stat: 'retry/reason_count/502 Bad Gateway' },
  'status-503': { scraped: true, stat: 'retry/reason_count/503 Service Unavailable' },
  'status-429': { scraped: true, stat: 'retry/reason_count/429 Too Many Requests' },
  'status-429-retry-after': { scraped: true, stat: 'retry/reason_count/429 Too Many Requests' },
  'status-503-retry-after-date': { scraped: true, stat: 'retry/reason_count/503 Service Unavailable' },
  'reset-before-headers': { scraped: true, stat: 'retry/reason_count/ConnectionLostError' },
  'reset-after-headers': { scraped: true, stat: 'retry/reason_count/ResponseDataLossError' },
  truncated: { scraped: true, stat: 'retry/reason_count/ResponseDataLossError' },
  stall: { scraped: true, stat: 'retry/reason_count/DownloadTimeoutError' },
  'slow-drip': { scraped: true },
  'redirect-chain': { scraped: true, stat: 'downloader/response_status_count/302' },
  // A malformed chunk is a protocol error, not lost data: not retried (as Scrapy does not retry it).
  'bad-chunked': { scraped: false, error: 'DownloadError', message: /chunk/i },
  'bad-gzip': { scraped: false, error: 'DownloadError', message: /Cannot decode the gzip-encoded body/ },
  'huge-headers': { scraped: false, error: 'DownloadError', message: /header/i },
  'redirect-loop': { scraped: false, error: 'IgnoreRequest', message: /redirect/i },
};

describe('every fault kind through the default middlewares: scraped after a retry, or a typed failure on the errback', () => {
  for (const kind of FAULT_KINDS) {
    if (kind === 'image-html') continue; // the images pipeline's concern: bad-input.test.ts
    const want = OUTCOME[kind];
    it(`${kind}: ${want.scraped ? 'eventually scraped' : `fails with ${want.error}`}`, async () => {
      const site = await startFaultSite({ pages: 3, branching: 2, rules: [{ kind, share: 1 }], timing: { stallMs: 2000, loopLimit: 40 } });
      sites.push(site);
      const scraped: number[] = [];
      const failures: Failure[] = [];
      const logs: Logged[] = [];
      const spider = defineSpider({
        name: kind,
        *start() {
          for (let i = 0; i < 3; i++) yield new Request(site.pageUrl(i), { errback: (f: Failure) => void failures.push(f) });
        },
        parse(response: Response) {
          scraped.push(Number(response.css('h1::attr(data-id)').get()));
        },
      });
      const { reason, stats } = await defaultCrawler(spider, { logs, settings: { downloadTimeout: 0.5, redirectMaxTimes: 20 } }).crawl();
      expect(reason).toBe('finished');
      if (want.scraped) {
        expect(scraped.sort()).toEqual([0, 1, 2]);
        expect(failures).toEqual([]);
      } else {
        expect(scraped).toEqual([]);
        // A redirect loop fails on its last hop (/loop/<page>/20), the rest on the page itself.
        const where = kind === 'redirect-loop' ? '/loop/' : '/page/';
        expect(failures.map((f) => [new URL(f.request.url).pathname.replace(/\/\d+$/, ''), (f.error as Error).name]).sort()).toEqual(
          [0, 1, 2].map((i) => [where === '/page/' ? '/page' : `/loop/${i}`, want.error]),
        );
        for (const f of failures) expect((f.error as Error).message).toMatch(want.message!);
      }
      if (want.stat !== undefined) expect(stats[want.stat]).toBe(kind === 'redirect-chain' ? 12 : 3);
      // Nothing crashed: no unhandled callback errors.
      expect(stats['spider_exceptions/count'] ?? 0).toBe(0);
    });
  }
});
