// Run by resume.test.ts in a child process against the engine built into a temporary folder:
//   node jobdir-child.mjs <engine-entry> <base-url> <jobDir> <items-file>
// Crawls the test site with jobDir and handleSignals; every item is appended to <items-file> at
// once (so the items of a run killed with SIGKILL are on disk); prints { reason, state } at the end.
import { appendFileSync } from 'node:fs';
import { createResponse } from '@crawl/core';

const [, , entry, base, jobDir, itemsFile] = process.argv;
const { crawl } = await import(entry);

const handler = {
  name: 'child/fetch',
  schemes: ['http'],
  async download(request, crawler) {
    const res = await fetch(request.url, { signal: crawler.abortSignal });
    const body = new Uint8Array(await res.arrayBuffer());
    return createResponse(request.url, { status: res.status, headers: [...res.headers], body, request });
  },
};

const spider = {
  name: 'resumable',
  startUrls: [`${base}/page/0`],
  parse(response) {
    return this.parsePage(response, {});
  },
  *parsePage(response, cbKwargs) {
    this.state.pages = (this.state.pages ?? 0) + 1;
    yield { url: response.url, from: cbKwargs.from ?? null };
    for (const href of response.css('a::attr(href)').getall()) {
      yield response.follow(href, { callback: this.parsePage, cbKwargs: { from: response.url } });
    }
  },
};

const pipeline = {
  name: 'child/append',
  processItem(item) {
    appendFileSync(itemsFile, `${JSON.stringify(item)}\n`);
    return item;
  },
};

const result = await crawl(spider, {
  downloadHandlers: [handler],
  itemPipelines: [pipeline],
  handleSignals: true,
  settings: { concurrentRequests: 4, logStatsInterval: 0, jobDir },
});
process.stdout.write(`${JSON.stringify({ reason: result.reason, state: spider.state })}\n`);
