// bench-crawl.mjs written as a one-rule crawl spider (Scrapy's CrawlSpider + LinkExtractor):
//   node bench-crawl-rules.mjs BASE_URL CONCURRENCY OUT_JSONL
// Same site, plugins, settings, items and RESULT line as bench-crawl.mjs, so the two compare
// the cost of rule-based link following against followAll().
import { defaultPlugins } from '@crawl/cli';
import { Request } from '@crawl/core';
import { Crawler } from '@crawl/engine';
import { linkExtractor } from '@crawl/link-extractor';
import { crawlSpider, rule } from '@crawl/spiders';

const [base, concArg, outFile] = process.argv.slice(2);
const concurrency = Number(concArg);
let t0 = 0;

function parseItem(response) {
  const title = response.css('h1.product-title::text').get();
  if (title === undefined) return undefined;
  return {
    url: response.url,
    title,
    price: response.css('span.price::text').get(),
    images: response.css('img.product-image::attr(src)').getall().map((src) => response.urljoin(src)),
  };
}

const spider = crawlSpider({
  name: 'bench-rules',
  allowedDomains: [new URL(base).hostname],
  *start() {
    t0 = performance.now();
    yield new Request(base);
  },
  parseStartUrl: parseItem,
  // One rule: every link (the extractor skips javascript: itself), item pages parsed, all followed.
  rules: [rule({ linkExtractor: linkExtractor({ denyExtensions: [] }), callback: parseItem, follow: true })],
});

const crawler = new Crawler(spider, {
  ...defaultPlugins(),
  settings: {
    concurrentRequests: concurrency,
    concurrentRequestsPerDomain: concurrency,
    logLevel: 'error',
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
    anchor: 'crawl-rules',
    concurrency,
    pages,
    items: stats['item_scraped_count'] ?? 0,
    errors: stats['log_count/ERROR'] ?? 0,
    seconds: +seconds.toFixed(3),
    pagesPerSec: +(pages / seconds).toFixed(1),
  })}`,
);
