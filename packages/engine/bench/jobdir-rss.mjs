// Memory of a 1M-request frontier in jobDir mode (a benchmark, not a test):
//   pnpm --filter @crawl/engine build && node --expose-gc packages/engine/bench/jobdir-rss.mjs [count]
// Enqueues `count` (default 1,000,000) distinct requests into the disk scheduler and reports RSS,
// heap and bytes per pending request / per seen fingerprint, then drains a few and resumes.
import { fingerprint, Request } from '@crawl/core';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { diskScheduler, EventBus, MemoryStats, resolveSettings } from '../dist/index.js';

const count = Number(process.argv[2] ?? 1_000_000);
const gc = globalThis.gc ?? (() => undefined);
const mb = (n) => `${(n / 1048576).toFixed(1)} MB`;
const quiet = { debug() {}, info() {}, warn() {}, error() {} };
const spider = { name: 'bench', parse() {}, parseItem() {} };
const crawler = { spider, settings: resolveSettings({}), stats: new MemoryStats(), events: new EventBus(() => {}), logger: quiet, fingerprint: (r) => fingerprint(r) };
const dir = mkdtempSync(join(tmpdir(), 'crawl-jobdir-bench-'));

gc();
const base = process.memoryUsage();
const scheduler = diskScheduler({ dir });
scheduler.open(crawler);
const t0 = performance.now();
for (let i = 0; i < count; i++) {
  scheduler.enqueue(new Request(`https://example.com/category/${i % 1000}/item/${i}?ref=list`, { priority: i % 4, callback: spider.parseItem, meta: { depth: 3 } }));
  // Let the batched journal writes run, as the event loop does between callbacks.
  if (i % 10_000 === 0) await new Promise((r) => setImmediate(r));
}
const enqueueMs = performance.now() - t0;
await new Promise((r) => setImmediate(r));
// Let V8's memory reducer give back the pages the 1M-object burst left behind, as it does in a
// crawl between bursts.
for (let i = 0; i < 5; i++) {
  gc();
  await new Promise((r) => setTimeout(r, 400));
}
const after = process.memoryUsage();
const diskBytes = readdirSync(dir).reduce((sum, f) => sum + statSync(join(dir, f)).size, 0);
const seenBytes = statSync(join(dir, 'requests.seen')).size;

const rss = after.rss - base.rss;
const heap = after.heapUsed + after.external + after.arrayBuffers - (base.heapUsed + base.external + base.arrayBuffers);
console.log(`pending requests:            ${scheduler.size().toLocaleString('en')}`);
console.log(`enqueue rate:                ${Math.round(count / (enqueueMs / 1000)).toLocaleString('en')} requests/s`);
console.log(`V8 heap total:              ${mb(after.heapTotal)} (used ${mb(after.heapUsed)}, external ${mb(after.external)})`);
console.log(`RSS total:                   ${mb(after.rss)} (baseline ${mb(base.rss)})`);
console.log(`RSS growth:                  ${mb(rss)} = ${(rss / count).toFixed(0)} bytes per pending request`);
console.log(`JS heap + external growth:   ${mb(heap)} = ${(heap / count).toFixed(0)} bytes per pending request`);
console.log(`on disk:                     ${mb(diskBytes)} (${(diskBytes / count).toFixed(0)} bytes per request; fingerprints ${(seenBytes / count).toFixed(0)} bytes each)`);

// The seen fingerprints are most of the live memory; measure a Set of them alone, packed as the
// scheduler holds them.
gc();
const before = process.memoryUsage().heapUsed;
const set = new Set();
for (let i = 0; i < count; i++) set.add(Buffer.from(fingerprint(new Request(`https://example.com/x/${i}`)), 'hex').toString('latin1'));
gc();
console.log(`per seen fingerprint (Set):  ${((process.memoryUsage().heapUsed - before) / count).toFixed(0)} bytes`);
if (set.size !== count) throw new Error('fingerprint collision');
set.clear();

let t1 = performance.now();
for (let i = 0; i < 100_000; i++) scheduler.ack(scheduler.next());
console.log(`next + ack rate:             ${Math.round(100_000 / ((performance.now() - t1) / 1000)).toLocaleString('en')} requests/s`);
scheduler.close(crawler, 'shutdown');

t1 = performance.now();
const resumed = diskScheduler({ dir });
resumed.open(crawler);
console.log(`resume (validate + reload):  ${((performance.now() - t1) / 1000).toFixed(1)} s for ${resumed.size().toLocaleString('en')} pending; RSS ${mb(process.memoryUsage().rss)}`);
resumed.close(crawler, 'finished');
rmSync(dir, { recursive: true, force: true });
