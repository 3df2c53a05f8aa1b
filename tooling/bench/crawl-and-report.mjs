// What both crawl runners share: the CLI's default plugins with politeness off (as for every
// anchor), a jsonl feed, and the harness's RESULT line timed from the spider's first request.
import { defaultPlugins } from '@crawl/cli';
import { Crawler } from '@crawl/engine';

/** `startedAt()` returns the performance.now() at which the spider issued its first request. */
export async function crawlAndReport({ anchor, spider, concurrency, outFile, startedAt }) {
  const crawler = new Crawler(spider, {
    ...defaultPlugins(),
    settings: {
      concurrentRequests: concurrency,
      concurrentRequestsPerDomain: concurrency,
      logLevel: 'error',
      // Politeness off, as for every anchor: no robots.txt, no delay, no autothrottle.
      robotstxtObey: false,
      logStatsInterval: 0,
      feeds: { [outFile]: { format: 'jsonl', overwrite: true } },
    },
  });
  const { stats } = await crawler.crawl();
  const seconds = (performance.now() - startedAt()) / 1000;
  const pages = stats['response_received_count'] ?? 0;
  console.log(
    `RESULT ${JSON.stringify({
      anchor,
      concurrency,
      pages,
      items: stats['item_scraped_count'] ?? 0,
      errors: stats['log_count/ERROR'] ?? 0,
      seconds: +seconds.toFixed(3),
      pagesPerSec: +(pages / seconds).toFixed(1),
    })}`,
  );
}
