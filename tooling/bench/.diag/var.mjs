import { Request } from '@crawl/core';
import { defaultPlugins } from '@crawl/cli';
import { Crawler } from '@crawl/engine';
const [base, concArg, outFile] = process.argv.slice(2);
const v = new Set((process.env.VAR ?? '').split(','));
const spider = {
  name: 'bench', allowedDomains: [new URL(base).hostname],
  *start() { yield new Request(base); },
  *parse(response) {
    if (v.has('noparse')) { yield* []; return; }
    const title = response.css('h1.product-title::text').get();
    if (title !== undefined && !v.has('noitems')) yield { url: response.url, title, price: response.css('span.price::text').get(), images: response.css('img.product-image::attr(src)').getall().map((src) => response.urljoin(src)) };
    if (!v.has('nofollow')) yield* response.followAll({ css: 'a[href]:not([href^="javascript:"])' });
  },
};
const plugins = defaultPlugins();
const excl = (process.env.EXCL ?? '').split(',').filter(Boolean); plugins.downloaderMiddlewares = plugins.downloaderMiddlewares.filter((m) => !excl.some((e) => m.name.includes(e))); if (process.env.LIST) console.log(plugins.downloaderMiddlewares.map((m) => m.name));
const crawler = new Crawler(spider, { ...plugins, settings: { concurrentRequests: Number(concArg), concurrentRequestsPerDomain: Number(concArg), logLevel: 'error', robotstxtObey: false, logStatsInterval: 0, ...(process.env.SET ? JSON.parse(process.env.SET) : {}), ...(v.has('nofeed') ? {} : { feeds: { [outFile]: { format: 'jsonl', overwrite: true } } }) } });
const { stats } = await crawler.crawl();
console.log(process.env.VAR, 'pages', stats['response_received_count']);
