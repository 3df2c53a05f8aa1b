// bench-crawl.mjs written as a one-rule crawl spider (Scrapy's CrawlSpider + LinkExtractor):
//   node bench-crawl-rules.mjs BASE_URL CONCURRENCY OUT_JSONL
// Same site, plugins, settings, items and RESULT line as bench-crawl.mjs, so the two compare
// the cost of rule-based link following against followAll().
import { Request } from '@crawl/core';
import { linkExtractor } from '@crawl/link-extractor';
import { crawlSpider, rule } from '@crawl/spiders';
import { crawlAndReport } from './crawl-and-report.mjs';

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

await crawlAndReport({ anchor: 'crawl-rules', spider, concurrency, outFile, startedAt: () => t0 });
