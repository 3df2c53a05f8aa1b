import { Request } from '@crawl/core';
import { defaultPlugins } from '@crawl/cli';
import { Crawler } from '@crawl/engine';
const [base, concArg] = process.argv.slice(2);
const v = new Set((process.env.VAR ?? '').split(','));
const spider = {
  name: 'bench',
  *start() { for (let i = 0; i < 3000; i++) yield new Request(`${base}p/${String(i).padStart(6, '0')}.html`); },
  *parse(response) {
    if (v.has('text')) { void response.text; return; }
    if (v.has('none')) return;
    const title = response.css('h1.product-title::text').get();
  },
};
const crawler = new Crawler(spider, { ...defaultPlugins(), settings: { concurrentRequests: Number(concArg), concurrentRequestsPerDomain: Number(concArg), logLevel: 'error', robotstxtObey: false, logStatsInterval: 0 } });
const { stats } = await crawler.crawl();
console.log(process.env.VAR, 'pages', stats['response_received_count']);
