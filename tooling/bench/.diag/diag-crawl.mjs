import { Request } from '@crawl/core';
import { crawlAndReport } from '../crawl-and-report.mjs';
const [base, concArg, outFile] = process.argv.slice(2);
let t0 = 0, active = 0, maxActive = 0, hist = new Map(), started = 0;
const reg = new FinalizationRegistry(() => { alive--; });
let alive = 0, maxAlive = 0;
const spider = {
  name: 'bench', allowedDomains: [new URL(base).hostname],
  *start() { t0 = performance.now(); yield new Request(base); },
  *parse(response) {
    active++; started++; alive++; reg.register(response, 0); maxActive = Math.max(maxActive, active); maxAlive = Math.max(maxAlive, alive);
    try {
      const title = response.css('h1.product-title::text').get();
      if (title !== undefined) yield { url: response.url, title, price: response.css('span.price::text').get(), images: response.css('img.product-image::attr(src)').getall().map((src) => response.urljoin(src)) };
      yield* response.followAll({ css: 'a[href]:not([href^="javascript:"])' });
    } finally { active--; hist.set(active, (hist.get(active) ?? 0) + 1); }
  },
};
await crawlAndReport({ anchor: 'crawl', spider, concurrency: Number(concArg), outFile, startedAt: () => t0 });
console.log('maxActive parse', maxActive, 'maxAlive(unfinalized) responses', maxAlive, 'active-at-finish hist', [...hist].sort((a,b)=>a[0]-b[0]).slice(0,10));
