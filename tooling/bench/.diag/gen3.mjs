import { Request } from '@crawl/core';
import { defaultPlugins } from '@crawl/cli';
import { Crawler } from '@crawl/engine';
const [base, concArg] = process.argv.slice(2);
const young = new Function('o', 'return %InYoungGeneration(o)');
const refs = [];
let oldResp = 0, youngResp = 0, oldReq = 0;
const iv = setInterval(() => {
  for (const r of refs.splice(0)) { const x = r.deref(); if (x) { if (young(x)) youngResp++; else oldResp++; } }
}, 30);
const spider = {
  name: 'bench',
  *start() { for (let i = 0; i < 3000; i++) yield new Request(`${base}p/${String(i).padStart(6, '0')}.html`); },
  *parse(response) {
    response.css('h1.product-title::text').get();
    refs.push(new WeakRef({ resp: response }));   // the wrapper dies at once; track response itself
    refs[refs.length - 1] = new WeakRef(response); refs[refs.length - 1].derefResp = true;
  },
};
// replace deref check to look at the response itself
setInterval(() => {}, 1000).unref();
const crawler = new Crawler(spider, { ...defaultPlugins(), settings: { concurrentRequests: Number(concArg), concurrentRequestsPerDomain: Number(concArg), logLevel: 'error', robotstxtObey: false, logStatsInterval: 0 } });
await crawler.crawl();
clearInterval(iv);
console.log('responses still alive 30ms later: young', youngResp, 'old', oldResp);
