import { Request } from '@crawl/core';
import { defaultPlugins } from '@crawl/cli';
import { Crawler } from '@crawl/engine';
const [base, concArg] = process.argv.slice(2);
let alive = 0, made = 0; const samples = [];
const reg = new FinalizationRegistry(() => alive--);
const iv = setInterval(() => { globalThis.gc(); setImmediate(() => samples.push(alive)); }, 100);
const spider = {
  name: 'bench',
  *start() { for (let i = 0; i < 3000; i++) yield new Request(`${base}p/${String(i).padStart(6, '0')}.html`); },
  *parse(response) { alive++; made++; reg.register(response, 0); response.css('h1.product-title::text').get(); },
};
const crawler = new Crawler(spider, { ...defaultPlugins(), settings: { concurrentRequests: Number(concArg), concurrentRequestsPerDomain: Number(concArg), logLevel: 'error', robotstxtObey: false, logStatsInterval: 0 } });
await crawler.crawl();
clearInterval(iv);
console.log('made', made, 'alive after forced GCs', samples.join(' '));
