// The images pipeline under test for ../shared/bench/run-anchors.sh (CRAWL_IMAGES_CMD):
//   node bench-images.mjs BASE_URL PAGES OUTDIR
// Like anchors/scrapy_images.py: product pages 0..PAGES-1 fetched directly, one item per page with
// image_urls; every distinct image stored as JPEG with 50x50 and 270x270 thumbnails, < 110 px dropped.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { defaultPlugins } from '@crawl/cli';
import { Request } from '@crawl/core';
import { Crawler } from '@crawl/engine';
import { imagesPipeline } from '@crawl/pipeline-images';

const [baseArg, pagesArg, outDir] = process.argv.slice(2);
const base = baseArg.replace(/\/$/, '');
const pages = Number(pagesArg);
let t0 = 0;

const spider = {
  name: 'images_bench',
  *start() {
    t0 = performance.now();
    for (let i = 0; i < pages; i++) yield new Request(`${base}/p/${String(i).padStart(6, '0')}.html`);
  },
  parse(response) {
    return {
      url: response.url,
      title: response.css('h1.product-title::text').get(),
      image_urls: response.css('img.product-image::attr(src)').getall().map((src) => response.urljoin(src)),
    };
  },
};

const plugins = defaultPlugins();
const crawler = new Crawler(spider, {
  ...plugins,
  itemPipelines: [imagesPipeline({ store: outDir, thumbs: { small: [50, 50], big: [270, 270] }, minWidth: 110, minHeight: 110 })],
  settings: { concurrentRequests: 16, concurrentRequestsPerDomain: 16, logLevel: 'error', logStatsInterval: 0, robotstxtObey: false },
});
const { stats } = await crawler.crawl();
const seconds = (performance.now() - t0) / 1000;
const fetched = Number(stats['file_status_count/downloaded'] ?? 0);
const full = join(outDir, 'full');
const stored = existsSync(full) ? readdirSync(full).length : 0;
console.log(
  `RESULT ${JSON.stringify({
    anchor: 'crawl-images',
    pages,
    items: stats['item_scraped_count'] ?? 0,
    imagesFetched: fetched,
    imagesStored: stored,
    tooSmall: fetched - stored,
    seconds: +seconds.toFixed(3),
    imagesPerSec: +(fetched / seconds).toFixed(1),
  })}`,
);
