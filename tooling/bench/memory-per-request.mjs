// Retained memory per pending request (scheduler) and per seen fingerprint (dupefilter).
//   pnpm --filter @crawl/engine build   # measures what is in dist/
//   node --expose-gc tooling/bench/memory-per-request.mjs [N,N,...] [case,case,...]
// Defaults: N = 100000,1000000; every case. Each case runs in a child process of its own
// (node --expose-gc), builds N entries, and reports the delta of heapUsed + external (typed
// arrays' backing stores live outside the V8 heap) over forced full GCs,
// divided by N. Requests are made as a crawl makes them: response.followAll() on a product
// page's links (27 per page), a spider callback, the Referer header the referer middleware sets
// (one string per page) and meta.depth from the depth middleware.
import { fingerprint, HtmlResponse, Headers, Request } from '@crawl/core';
import { diskScheduler, fingerprintDupeFilter, memoryScheduler, MemoryStats, resolveSettings, EventBus } from '@crawl/engine';
import { execFileSync } from 'node:child_process';
import { hash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const CASES = {
  request: 'Request objects alone (held in an array)',
  scheduler: 'memoryScheduler: pending request (request + queue + dupefilter entry)',
  'scheduler-before': 'baseline: the same, with the Set<string> dupefilter this change replaced',
  queue: 'PriorityQueue slot alone (same object pushed N times)',
  dupefilter: 'fingerprintDupeFilter: seen fingerprint',
  'dupefilter-set': 'baseline: Set<string> of 40-hex fingerprints',
  disk: 'diskScheduler: pending request (heap)',
  'parts-url': 'Request part: URL object (new URL(href))',
  'parts-headers-empty': 'Request part: empty Headers',
  'parts-headers-referer': 'Request part: Headers with Referer',
  'parts-object': 'Request part: {} (meta, cbKwargs, internal each)',
  'parts-meta-depth': 'Request part: { depth: 2 } (meta after the depth middleware)',
  'parts-array': 'Request part: [] (flags)',
  'parts-bare': 'Request with no follow() extras: new Request(url) (no callback, header, meta)',
};

const gc = globalThis.gc;
const settle = () => {
  for (let i = 0; i < 6; i++) gc();
  // Typed arrays keep their bytes outside the V8 heap: count them (external includes arrayBuffers).
  const { heapUsed, external } = process.memoryUsage();
  return heapUsed + external;
};

const PAGE_LINKS = 27;
const BASE = 'http://127.0.0.1:18080';
const pad = (i) => String(i).padStart(6, '0');
const spider = {
  name: 'mem',
  parse() {},
  parseItem() {},
};

/** The dupefilter before the packed fingerprints: its requestSeen, verbatim, over a Set<string>. */
function oldDupeFilter(fingerprint = (fp) => fp) {
  const seen = new Set();
  return {
    requestSeen(request) {
      const fp = fingerprint(request);
      if (seen.has(fp)) return true;
      seen.add(fp);
      return false;
    },
  };
}

/** N distinct requests as followAll() + referer + depth middlewares make them, one page per 27. */
function* followRequests(n) {
  let response;
  let referer;
  for (let i = 0; i < n; i++) {
    if (i % PAGE_LINKS === 0) {
      // A fresh page: its URL string is the Referer of its links.
      response = new HtmlResponse(`${BASE}/p/${pad(i / PAGE_LINKS)}.html`, { body: '<html></html>' });
      referer = response.url;
    }
    const [request] = response.followAll([`/p/${pad(i)}.html`], { callback: spider.parseItem });
    request.headers.setDefault('Referer', referer);
    request.meta.depth = 2;
    yield request;
  }
}

function fakeCrawler() {
  const logger = { debug() {}, info() {}, warn() {}, error() {}, child() { return logger; } };
  return {
    spider,
    settings: resolveSettings({}),
    stats: new MemoryStats(),
    events: new EventBus(() => undefined),
    logger,
    fingerprint: (r) => fingerprint(r),
  };
}

function dirBytes(dir) {
  let total = 0;
  for (const name of readdirSync(dir)) total += statSync(join(dir, name)).size;
  return total;
}

/** Runs one case in this process; returns { bytes, extra }. */
function runCase(name, n) {
  let keep;
  let extra = '';
  let cleanup = () => {};
  // Warm up code paths and module-level caches (fingerprint memo, URL parser) before the baseline.
  if (name === 'scheduler' || name === 'scheduler-before' || name === 'disk' || name === 'request') for (const r of followRequests(2000)) fingerprint(r);
  const before = settle();
  switch (name) {
    case 'request':
      keep = Array.from(followRequests(n));
      extra = '(includes 8 B/slot of the holding array)';
      break;
    case 'parts-bare':
      keep = new Array(n);
      for (let i = 0; i < n; i++) keep[i] = new Request(`${BASE}/p/${pad(i)}.html`);
      extra = '(includes 8 B/slot of the holding array)';
      break;
    case 'scheduler': {
      const s = memoryScheduler();
      s.open(fakeCrawler());
      for (const r of followRequests(n)) if (!s.enqueue(r)) throw new Error('unexpected duplicate');
      if (s.size() !== n) throw new Error('size');
      keep = s;
      break;
    }
    case 'scheduler-before': {
      const s = memoryScheduler({
        dupeFilter: (c) => {
          const f = oldDupeFilter((r) => c.fingerprint(r));
          return { requestSeen: f.requestSeen, log() {}, size: 0 };
        },
      });
      s.open(fakeCrawler());
      for (const r of followRequests(n)) if (!s.enqueue(r)) throw new Error('unexpected duplicate');
      keep = s;
      break;
    }
    case 'queue': {
      const s = memoryScheduler();
      s.open(fakeCrawler());
      const r = new Request(`${BASE}/p/000001.html`, { dontFilter: true });
      for (let i = 0; i < n; i++) s.enqueue(r);
      keep = s;
      break;
    }
    case 'dupefilter': {
      const f = fingerprintDupeFilter({ fingerprint: (fp) => fp, stats: new MemoryStats(), logger: fakeCrawler().logger });
      for (let i = 0; i < n; i++) if (f.requestSeen(hash('sha1', `r${i}`, 'hex'))) throw new Error('dup');
      if (f.size !== n) throw new Error('size');
      keep = f;
      break;
    }
    case 'dupefilter-set': {
      const f = new Set();
      for (let i = 0; i < n; i++) f.add(hash('sha1', `r${i}`, 'hex'));
      keep = f;
      break;
    }
    case 'disk': {
      const dir = mkdtempSync(join(tmpdir(), 'crawl-mem-'));
      cleanup = () => rmSync(dir, { recursive: true, force: true });
      const s = diskScheduler({ dir });
      s.open(fakeCrawler());
      for (const r of followRequests(n)) if (!s.enqueue(r)) throw new Error('unexpected duplicate');
      s.checkpoint();
      keep = s;
      const onDisk = dirBytes(dir);
      extra = `on disk after a checkpoint: ${(onDisk / n).toFixed(1)} B/request (${(onDisk / 1e6).toFixed(1)} MB: segments, journal, requests.seen)`;
      break;
    }
    case 'parts-url':
      keep = new Array(n);
      for (let i = 0; i < n; i++) keep[i] = new URL(`${BASE}/p/${pad(i)}.html`);
      extra = '(with its href string; 8 B/slot of the holding array)';
      break;
    case 'parts-headers-empty':
      keep = new Array(n);
      for (let i = 0; i < n; i++) keep[i] = new Headers();
      break;
    case 'parts-headers-referer': {
      const referer = `${BASE}/p/000001.html`;
      keep = new Array(n);
      for (let i = 0; i < n; i++) keep[i] = new Headers({ Referer: referer });
      extra = '(Referer string shared)';
      break;
    }
    case 'parts-object':
      keep = new Array(n);
      for (let i = 0; i < n; i++) keep[i] = {};
      break;
    case 'parts-meta-depth':
      keep = new Array(n);
      for (let i = 0; i < n; i++) {
        const o = {};
        o.depth = 2;
        keep[i] = o;
      }
      break;
    case 'parts-array':
      keep = new Array(n);
      for (let i = 0; i < n; i++) keep[i] = [];
      break;
    default:
      throw new Error(`unknown case ${name}`);
  }
  const after = settle();
  if (keep === undefined) throw new Error('nothing kept');
  if (name === 'disk') keep.close();
  cleanup();
  return { bytes: (after - before) / n, extra };
}

/**
 * Dupefilter speed (ns per requestSeen): `speed [N,...]` runs, in one child process per N,
 * rounds of the dupefilter in dist/ and of the Set<string> one it replaced (the reference),
 * alternating, so that each pair runs back to back; CPU time. Workloads: insert N new fingerprints (fresh
 * strings); look them all up again (at least 1M lookups, random order) as the same string
 * instances (what core's fingerprint memo returns for repeated links: V8 has their hash cached)
 * and as fresh string instances (memo misses). Median of 7 rounds per implementation.
 */
function speedChild(n) {
  const logger = fakeCrawler().logger;
  const makers = {
    set: () => oldDupeFilter(),
    dist: () => fingerprintDupeFilter({ fingerprint: (fp) => fp, stats: new MemoryStats(), logger }),
  };
  const lookups = Math.max(n, 1_000_000);
  // Random lookup order, fixed seed.
  const order = new Uint32Array(lookups);
  let x = 12345;
  for (let i = 0; i < lookups; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    order[i] = x % n;
  }
  const results = {};
  for (const impl of Object.keys(makers)) results[impl] = { insert: [], 'hit-same': [], 'hit-fresh': [] };
  // CPU time of this process (user + system), less disturbed than wall time on a shared machine.
  const time = (fn, ops) => {
    const t = process.cpuUsage();
    fn();
    const d = process.cpuUsage(t);
    return ((d.user + d.system) * 1000) / ops;
  };
  for (let round = 0; round < 7; round++) {
    for (const [impl, make] of Object.entries(makers)) {
      const gen = () => Array.from({ length: n }, (_, i) => hash('sha1', `r${i}`, 'hex'));
      const inserts = gen();
      const same = gen();
      const fresh = gen();
      gc();
      const f = make();
      const r = results[impl];
      r.insert.push(time(() => {
        for (let i = 0; i < n; i++) if (f.requestSeen(inserts[i])) throw new Error('dup');
      }, n));
      // Hash the same instances once (the Set caches it in the string), as memo hits are.
      for (let i = 0; i < n; i++) f.requestSeen(same[i]);
      r['hit-same'].push(time(() => {
        for (let i = 0; i < lookups; i++) if (!f.requestSeen(same[order[i]])) throw new Error('miss');
      }, lookups));
      r['hit-fresh'].push(time(() => {
        for (let i = 0; i < n; i++) if (!f.requestSeen(fresh[order[i]])) throw new Error('miss');
      }, n));
    }
  }
  const median = (a) => a.sort((p, q) => p - q)[a.length >> 1];
  return Object.fromEntries(Object.entries(results).map(([impl, r]) => [impl, Object.fromEntries(Object.entries(r).map(([k, v]) => [k, +median(v).toFixed(1)]))]));
}

/**
 * `speed-trace [BASE_URL] [PRELOADS]`: crawls the bench site once (the bench spider, default plugins,
 * concurrency 16) with a dupefilter that records every fingerprint it is asked about, then replays
 * that sequence (one string instance per distinct fingerprint, as core's fingerprint memo hands
 * them out) against both implementations, alternating, in a child process. Needs the bench site.
 */
async function recordTrace(base) {
  const { defaultPlugins } = await import('@crawl/cli');
  const { Crawler } = await import('@crawl/engine');
  const ids = new Map();
  const trace = [];
  const spiderDef = {
    name: 'trace',
    allowedDomains: [new URL(base).hostname],
    startUrls: [base],
    *parse(response) {
      yield* response.followAll({ css: 'a[href]:not([href^="javascript:"])' });
    },
  };
  const crawler = new Crawler(spiderDef, {
    ...defaultPlugins(),
    scheduler: memoryScheduler({
      dupeFilter: (c) => {
        const inner = fingerprintDupeFilter({ fingerprint: (r) => c.fingerprint(r), stats: c.stats, logger: c.logger });
        return {
          get size() {
            return inner.size;
          },
          log: (r) => inner.log(r),
          requestSeen(r) {
            const fp = c.fingerprint(r);
            let id = ids.get(fp);
            if (id === undefined) ids.set(fp, (id = ids.size));
            trace.push(id);
            return inner.requestSeen(r);
          },
        };
      },
    }),
    settings: { concurrentRequests: 16, concurrentRequestsPerDomain: 16, logLevel: 'error', robotstxtObey: false, logStatsInterval: 0 },
  });
  await crawler.crawl();
  return { distinct: [...ids.keys()], trace };
}

function traceChild(file, preload) {
  const { distinct, trace } = JSON.parse(readFileSync(file, 'utf8'));
  // A larger crawl's dupefilter: `preload` other fingerprints seen before the trace's.
  const others = Array.from({ length: preload }, (_, i) => hash('sha1', `other${i}`, 'hex'));
  const logger = fakeCrawler().logger;
  const makers = {
    set: () => oldDupeFilter(),
    dist: () => fingerprintDupeFilter({ fingerprint: (fp) => fp, stats: new MemoryStats(), logger }),
  };
  const results = { set: [], dist: [] };
  for (let round = 0; round < (preload > 0 ? 7 : 21); round++) {
    for (const [impl, make] of Object.entries(makers)) {
      // Fresh instances each round: V8 caches a string's hash in the string.
      const fps = distinct.map((fp) => Buffer.from(fp, 'latin1').toString('latin1'));
      const f = make();
      for (const fp of others) f.requestSeen(fp);
      gc();
      let news = 0;
      const t = process.cpuUsage();
      for (let i = 0; i < trace.length; i++) if (!f.requestSeen(fps[trace[i]])) news++;
      const d = process.cpuUsage(t);
      results[impl].push(((d.user + d.system) * 1000) / trace.length);
      if (news !== distinct.length) throw new Error('replay mismatch');
    }
  }
  const median = (a) => a.sort((p, q) => p - q)[a.length >> 1];
  return { lookups: trace.length, distinct: distinct.length, set: +median(results.set).toFixed(1), dist: +median(results.dist).toFixed(1) };
}

const [, , nArg, casesArg, childFlag] = process.argv;
if (nArg === 'speed-trace') {
  const base = casesArg ?? 'http://127.0.0.1:18080/';
  const { distinct, trace } = await recordTrace(base);
  const file = join(mkdtempSync(join(tmpdir(), 'crawl-trace-')), 'trace.json');
  writeFileSync(file, JSON.stringify({ distinct, trace }));
  const self = fileURLToPath(import.meta.url);
  const preloads = (childFlag ?? '0,100000,1000000').split(',').map(Number);
  console.log(`node ${process.version}, crawl of ${base}: ${trace.length.toLocaleString('en')} requestSeen calls, ${distinct.length.toLocaleString('en')} distinct fingerprints;`);
  console.log('CPU ns per call replaying them, median of 21 replays (7 with other fingerprints seen before)');
  console.log('| fingerprints seen before the trace | Set<string> (before) | dist fingerprintDupeFilter |');
  console.log('|---|---|---|');
  for (const preload of preloads) {
    const out = execFileSync(process.execPath, ['--expose-gc', '--max-old-space-size=4096', self, 'trace-child', file, String(preload)], { encoding: 'utf8' });
    const r = JSON.parse(out.trim().split('\n').pop());
    console.log(`| ${preload.toLocaleString('en')} | ${r.set} | ${r.dist} |`);
  }
  rmSync(dirname(file), { recursive: true, force: true });
} else if (nArg === 'trace-child') {
  console.log(JSON.stringify(traceChild(casesArg, Number(childFlag ?? 0))));
} else if (nArg === 'speed') {
  const self = fileURLToPath(import.meta.url);
  const ns = (casesArg ?? '10000,100000,1000000').split(',').map(Number);
  console.log(`node ${process.version}, CPU ns per requestSeen, median of 7 rounds (Set and dist alternating)`);
  console.log('| impl | N | insert (new) | hit, same string | hit, fresh string |');
  console.log('|---|---|---|---|---|');
  for (const n of ns) {
    const out = execFileSync(process.execPath, ['--expose-gc', '--max-old-space-size=4096', self, 'speed-child', String(n)], { encoding: 'utf8' });
    const results = JSON.parse(out.trim().split('\n').pop());
    for (const [impl, r] of Object.entries(results)) {
      console.log(`| ${impl === 'set' ? 'Set<string> (before)' : 'dist fingerprintDupeFilter'} | ${n.toLocaleString('en')} | ${r.insert} | ${r['hit-same']} | ${r['hit-fresh']} |`);
    }
  }
} else if (nArg === 'speed-child') {
  console.log(JSON.stringify(speedChild(Number(casesArg))));
} else if (childFlag === '--child') {
  if (typeof gc !== 'function') throw new Error('run with node --expose-gc');
  const n = Number(nArg);
  console.log(JSON.stringify(runCase(casesArg, n)));
} else {
  const ns = (nArg ?? '100000,1000000').split(',').map(Number);
  const cases = casesArg ? casesArg.split(',') : Object.keys(CASES);
  const self = fileURLToPath(import.meta.url);
  const rows = [];
  for (const name of cases) {
    if (!(name in CASES)) throw new Error(`unknown case ${name}; one of ${Object.keys(CASES).join(', ')}`);
    const cells = [];
    let extra = '';
    for (const n of ns) {
      // The disk scheduler writes JSON lines for every request: 1M takes a while, 100k is enough.
      if (name === 'disk' && n > 200_000) {
        cells.push('-');
        continue;
      }
      const out = execFileSync(process.execPath, ['--expose-gc', '--max-old-space-size=4096', self, String(n), name, '--child'], { encoding: 'utf8' });
      const result = JSON.parse(out.trim().split('\n').pop());
      cells.push(result.bytes.toFixed(1));
      extra = result.extra || extra;
    }
    rows.push([name, ...cells, `${CASES[name]} ${extra}`.trim()]);
  }
  const header = ['case', ...ns.map((n) => `B/entry @ ${n.toLocaleString('en')}`), 'what'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (cols) => `| ${cols.map((c, i) => String(c).padEnd(widths[i])).join(' | ')} |`;
  console.log(`node ${process.version}, (heapUsed + external) delta over forced GCs / N`);
  console.log(line(header));
  console.log(line(widths.map((w) => '-'.repeat(w))));
  for (const r of rows) console.log(line(r));
}
