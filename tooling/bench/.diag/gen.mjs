import { Request } from '@crawl/core';
import { defaultPlugins } from '@crawl/cli';
import { Crawler } from '@crawl/engine';
const [base, concArg] = process.argv.slice(2);
const young = new Function('o', 'return %InYoungGeneration(o)');
let stats = { resp: [0, 0], req: [0, 0], meta: [0, 0], body: [0, 0], headers: [0, 0] };
const spider = {
  name: 'bench',
  *start() { for (let i = 0; i < 3000; i++) yield new Request(`${base}p/${String(i).padStart(6, '0')}.html`); },
  *parse(response) {
    stats.resp[young(response) ? 0 : 1]++;
    stats.req[young(response.request) ? 0 : 1]++;
    stats.headers[young(response.headers) ? 0 : 1]++;
    stats.body[young(response.body) ? 0 : 1]++;
    const title = response.css('h1.product-title::text').get();
  },
};
const crawler = new Crawler(spider, { ...defaultPlugins(), settings: { concurrentRequests: Number(concArg), concurrentRequestsPerDomain: Number(concArg), logLevel: 'error', robotstxtObey: false, logStatsInterval: 0 } });
await crawler.crawl();
console.log('[young, old]', JSON.stringify(stats));
