#!/usr/bin/env node
// Benchmark, not a test: stores/s and lookups/s of each HTTP-cache storage with N entries.
// Uses the built packages (run `pnpm --filter @crawl/middleware-http-cache... build` first).
//
//   node bench/storages.mjs [entries=100000] [concurrency=16]
//
// Each storage gets a fresh temporary directory. Stores: N distinct responses (~4 KB HTML body,
// 8 headers) with `concurrency` writes in flight, as a crawl with concurrentRequests=16 would
// issue them. Lookups: N hits in random order, same concurrency, then N misses.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fsCacheStorage } from '@crawl/cache-fs';
import { levelCacheStorage } from '@crawl/cache-leveldb';
import { lmdbCacheStorage } from '@crawl/cache-lmdb';
import { createResponse, fingerprint, Request } from '@crawl/core';

const N = Number(process.argv[2] ?? 100_000);
const CONCURRENCY = Number(process.argv[3] ?? 16);
const silent = { debug() {}, info() {}, warn() {}, error() {} };
const crawler = { spider: { name: 'bench' }, logger: silent };

const body = Buffer.from(`<!DOCTYPE html><html><head><title>Page</title></head><body>${'<p>Lorem ipsum dolor sit amet, consectetur adipiscing elit.</p>'.repeat(64)}</body></html>`);
const headers = {
  'Content-Type': 'text/html; charset=utf-8',
  'Content-Length': String(body.length),
  Date: new Date().toUTCString(),
  'Cache-Control': 'max-age=3600',
  ETag: '"abcdef0123456789"',
  'Last-Modified': 'Tue, 01 Jan 2019 00:00:00 GMT',
  Server: 'bench',
  Vary: 'Accept-Encoding',
};

const requests = Array.from({ length: N }, (_, i) => new Request(`http://bench.test/page/${i}?q=${i % 97}`));
const keys = requests.map((r) => fingerprint(r));
const responses = requests.map((r) => createResponse(r.url, { status: 200, headers, body, request: r }));
const order = Array.from({ length: N }, (_, i) => i);
for (let i = N - 1; i > 0; i--) {
  const j = Math.floor(Math.random() * (i + 1));
  [order[i], order[j]] = [order[j], order[i]];
}
const missRequests = Array.from({ length: N }, (_, i) => new Request(`http://bench.test/missing/${i}`));
const missKeys = missRequests.map((r) => fingerprint(r));

async function pool(count, task) {
  let next = 0;
  const worker = async () => {
    while (next < count) await task(next++);
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, count) }, worker));
}

async function bench(name, make) {
  const dir = await mkdtemp(join(tmpdir(), 'crawl-cache-bench-'));
  try {
    const storage = make(dir);
    await storage.open?.(crawler);
    let t = performance.now();
    await pool(N, (i) => storage.store(requests[i], responses[i], keys[i]));
    const storeSecs = (performance.now() - t) / 1000;
    t = performance.now();
    let hits = 0;
    await pool(N, async (n) => {
      const i = order[n];
      if (await storage.retrieve(requests[i], keys[i])) hits++;
    });
    const hitSecs = (performance.now() - t) / 1000;
    if (hits !== N) throw new Error(`${name}: ${hits}/${N} hits`);
    t = performance.now();
    await pool(N, async (i) => {
      if (await storage.retrieve(missRequests[i], missKeys[i])) throw new Error('unexpected hit');
    });
    const missSecs = (performance.now() - t) / 1000;
    await storage.close?.(crawler, 'finished');
    return { name, stores: N / storeSecs, hits: N / hitSecs, misses: N / missSecs };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const fmt = (n) => Math.round(n).toLocaleString('en-US');
const rows = [];
for (const [name, make] of [
  ['fs', (dir) => fsCacheStorage({ dir })],
  ['fs (gzip)', (dir) => fsCacheStorage({ dir, gzip: true })],
  ['lmdb', (dir) => lmdbCacheStorage({ path: join(dir, 'lmdb') })],
  ['leveldb', (dir) => levelCacheStorage({ path: join(dir, 'leveldb') })],
]) {
  const r = await bench(name, make);
  rows.push(r);
  process.stderr.write(`${name}: done\n`);
}
console.log(`${N} entries, ${body.length}-byte body, concurrency ${CONCURRENCY}, Node ${process.version}, ${process.platform}/${process.arch}\n`);
console.log('| storage | stores/s | lookups/s (hits) | lookups/s (misses) |');
console.log('|---|---:|---:|---:|');
for (const r of rows) console.log(`| ${r.name} | ${fmt(r.stores)} | ${fmt(r.hits)} | ${fmt(r.misses)} |`);
