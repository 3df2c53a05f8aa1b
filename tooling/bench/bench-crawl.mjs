// The crawler under test for ../shared/bench/run-anchors.sh (CRAWL_CMD):
//   node bench-crawl.mjs BASE_URL CONCURRENCY OUT_JSONL
// Written the way a user writes a spider: css selectors, followAll, the CLI's default plugins,
// a jsonl feed. Crawls the whole site from BASE_URL, one item per product page.
import { Request } from '@crawl/core';
import { crawlAndReport } from './crawl-and-report.mjs';

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

await crawlAndReport({ anchor: 'crawl', spider, concurrency, outFile, startedAt: () => t0 });
