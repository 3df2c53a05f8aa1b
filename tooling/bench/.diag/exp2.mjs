import { createResponse, Request } from '@crawl/core';
import { readFileSync } from 'node:fs';
const html = readFileSync('/tmp/perf-site-3000/p/000001.html');
const mode = process.argv[2];
let n = 0;
for (let i = 0; i < 3000; i++) {
  const url = `http://127.0.0.1:18091/p/${String(i).padStart(6, '0')}.html`;
  const r = createResponse(url, { headers: { 'content-type': 'text/html' }, body: html, request: new Request(url) });
  if (mode === 'text') n += r.text.length;
  else if (mode === 'css') n += r.css('h1.product-title::text').get().length;
  else if (mode === 'full') {
    n += r.css('h1.product-title::text').get().length + r.css('span.price::text').get().length;
    n += r.css('img.product-image::attr(src)').getall().map((s) => r.urljoin(s)).length;
    n += r.followAll({ css: 'a[href]:not([href^="javascript:"])' }).length;
  }
}
console.log(mode, n);
