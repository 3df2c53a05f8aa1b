import { Request } from '@crawl/core';
import { defaultPlugins } from '@crawl/cli';
import { Crawler } from '@crawl/engine';
const [base, concArg] = process.argv.slice(2);
const young = new Function('o', 'return %InYoungGeneration(o)');
const st = { html: [0, 0], last: [0, 0], text: [0, 0] };
const mode = process.env.MODE ?? 'crawl';
const spider = {
  name: 'bench',
  *start() { for (let i = 0; i < 3000; i++) yield new Request(`${base}p/${String(i).padStart(6, '0')}.html`); },
  *parse(response) {
    const html = response.css('html').nodes()[0];
    const last = response.css('script').nodes().at(-1) ?? response.css('*').nodes().at(-1);
    st.html[young(html) ? 0 : 1]++; st.last[young(last) ? 0 : 1]++; st.text[young(response.text) ? 0 : 1]++;
  },
};
const crawler = new Crawler(spider, { ...defaultPlugins(), settings: { concurrentRequests: Number(concArg), concurrentRequestsPerDomain: Number(concArg), logLevel: 'error', robotstxtObey: false, logStatsInterval: 0 } });
await crawler.crawl();
console.log('[young, old]', JSON.stringify(st));
