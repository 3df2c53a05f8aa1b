// Benchmark (not a test): pages/s with 1, 2 and 4 worker processes sharing one Redis frontier.
// A local tree site (each page links to 10 children) answers after LATENCY_MS, standing in for
// network latency; every worker runs at CONCURRENCY requests. Needs a build (npx tsup) and Redis
// at REDIS_URL. Usage: node bench/workers.mjs [pages=3000] [latencyMs=20]
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';

const here = dirname(fileURLToPath(import.meta.url));
const PAGES = Number(process.argv[2] ?? 3000);
const LATENCY_MS = Number(process.argv[3] ?? 20);
const CONCURRENCY = 8;
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

let fetched = 0;
const server = createServer((req, res) => {
  const i = req.url === '/' ? 0 : Number(req.url.split('/').pop());
  const links = [];
  for (let c = i * 10 + 1; c <= i * 10 + 10 && c < PAGES; c++) links.push(`<a href="/p/${c}">${c}</a>`);
  fetched++;
  setTimeout(() => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(`<html><body><h1>${i}</h1>${links.join('')}</body></html>`);
  }, LATENCY_MS);
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const base = `http://127.0.0.1:${server.address().port}`;

async function run(workers) {
  const prefix = `crawlbench:${randomUUID()}`;
  fetched = 0;
  const started = performance.now();
  const exits = [];
  for (let i = 0; i < workers; i++) {
    const child = spawn(process.execPath, [join(here, '..', 'test', 'fixtures', 'worker.mjs')], {
      env: { ...process.env, REDIS_URL, KEY_PREFIX: prefix, START_URL: `${base}/`, CONCURRENCY: String(CONCURRENCY) },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    exits.push(new Promise((r) => child.on('exit', r)));
  }
  await Promise.all(exits);
  const seconds = (performance.now() - started) / 1000;
  const redis = new Redis(REDIS_URL);
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length) await redis.del(...keys);
  redis.disconnect();
  return { workers, pages: fetched, seconds, rate: fetched / seconds };
}

console.log(`site: ${PAGES} pages, ${LATENCY_MS} ms per response; ${CONCURRENCY} concurrent requests per worker; Node ${process.version}`);
console.log('| workers | pages | seconds | pages/s |');
console.log('|---|---|---|---|');
for (const n of [1, 2, 4]) {
  const r = await run(n);
  console.log(`| ${r.workers} | ${r.pages} | ${r.seconds.toFixed(2)} | ${r.rate.toFixed(0)} |`);
}
server.close();
