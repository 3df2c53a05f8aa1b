// Our ratios to each anchor from run-anchors.sh rows.tsv (median of runs per anchor and concurrency).
//   node ratios.mjs /tmp/bench-results/<run>/rows.tsv
import { readFileSync } from 'node:fs';

const rows = readFileSync(process.argv[2], 'utf8').trim().split('\n').map((l) => l.split('\t'));
const median = (xs) => {
  const s = xs.map(Number).sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const stat = new Map(); // "name conc" -> { rate, rss }
for (const [name, conc, , rate, , , rss] of rows) {
  const key = `${name} ${conc}`;
  const entry = stat.get(key) ?? { rates: [], rss: [] };
  entry.rates.push(rate);
  entry.rss.push(rss);
  stat.set(key, entry);
}
const get = (name, conc) => {
  const e = stat.get(`${name} ${conc}`);
  return e && { rate: median(e.rates), rss: median(e.rss) };
};
const fmt = (x) => (Number.isFinite(x) ? x.toFixed(2) : 'n/a');

console.log('| conc | crawl pages/s | × Scrapy | × Crawlee (default) | × Crawlee (tuned) | % of bare undici | peak RSS MB (crawl / Scrapy / Crawlee) |');
console.log('|---|---|---|---|---|---|---|');
const concs = [...new Set(rows.filter((r) => r[0] === 'crawl').map((r) => r[1]))];
for (const conc of concs) {
  const us = get('crawl', conc);
  const scrapy = get('scrapy', conc);
  const cd = get('crawlee-default', conc);
  const ct = get('crawlee-tuned', conc);
  const undici = get('undici', conc);
  console.log(
    `| ${conc} | ${us.rate} | ${fmt(us.rate / scrapy?.rate)} | ${fmt(us.rate / cd?.rate)} | ${fmt(us.rate / ct?.rate)} | ${fmt((100 * us.rate) / undici?.rate)}% | ${us.rss} / ${scrapy?.rss ?? 'n/a'} / ${cd?.rss ?? 'n/a'} |`,
  );
}
const images = get('crawl-images', 16);
if (images) {
  const scrapyImages = get('scrapy-images', 16);
  const sharp = get('sharp-1core', 4);
  console.log('');
  console.log('| images with 2 thumbnails | images/s | × Scrapy ImagesPipeline | % of bare sharp (1 core) |');
  console.log('|---|---|---|---|');
  console.log(`| crawl imagesPipeline | ${images.rate} | ${fmt(images.rate / scrapyImages?.rate)} | ${fmt((100 * images.rate) / sharp?.rate)}% |`);
}
