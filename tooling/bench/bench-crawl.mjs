// The crawler under test for ../shared/bench/run-anchors.sh (CRAWL_CMD):
//   node bench-crawl.mjs BASE_URL CONCURRENCY OUT_JSONL
// Written the way a user writes a spider: css selectors, followAll, the CLI's default plugins,
// a jsonl feed. Crawls the whole site from BASE_URL, one item per product page.
import { defaultPlugins } from '@crawl/cli';
import { Request } from '@crawl/core';
import { Crawler } from '@crawl/engine';

const [base, concArg, outFile] = process.argv.slice(2);
const concurrency = Number(concArg);
let t0 = 0;

const spider = {
  name: 'bench',
  allowedDomains: [new URL(base).hostname],
  *start() {
    t0 = performance.now();
    yield new Request(base);
  },
  *parse(response) {
    const title = response.css('h1.product-title::text').get();
    if (title !== undefined) {
      yield {
        url: response.url,
        title,
        price: response.css('span.price::text').get(),
        images: response.css('img.product-image::attr(src)').getall().map((src) => response.urljoin(src)),
      };
    }
    yield* response.followAll({ css: 'a[href]:not([href^="javascript:"])' });
  },
};

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
const seconds = (performance.now() - t0) / 1000;
const pages = stats['response_received_count'] ?? 0;
console.log(
  `RESULT ${JSON.stringify({
    anchor: 'crawl',
    concurrency,
    pages,
    items: stats['item_scraped_count'] ?? 0,
    errors: stats['log_count/ERROR'] ?? 0,
    seconds: +seconds.toFixed(3),
    pagesPerSec: +(pages / seconds).toFixed(1),
  })}`,
);
