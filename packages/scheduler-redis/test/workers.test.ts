import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { linkSite, startTestServer, type TestServer } from '@crawl/test-servers';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crawlKeys } from '../src/index.js';
import { keyPrefixes, REDIS_URL, redisAvailable } from './redis-env.js';

const available = await redisAvailable();
const prefixes = keyPrefixes();
const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
// The issue asks for a 5,000-page site: every page fetched exactly once across workers.
const PAGES = 5000;

/** The workers run the built dist: rebuild it when a source file is newer. */
function ensureBuilt(): void {
  const dist = join(root, 'dist', 'index.js');
  const newest = Math.max(...readdirSync(join(root, 'src')).map((f) => statSync(join(root, 'src', f)).mtimeMs));
  if (existsSync(dist) && statSync(dist).mtimeMs >= newest) return;
  execFileSync('npx', ['tsup'], { cwd: root, stdio: 'ignore' });
}

interface Worker {
  child: ChildProcess;
  id: Promise<string>;
  exit: Promise<number | null>;
}

function startWorker(env: Record<string, string>): Worker {
  const child = spawn(process.execPath, [join(here, 'fixtures', 'worker.mjs')], {
    env: { ...process.env, REDIS_URL, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  const id = new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const m = /worker (\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.on('exit', () => reject(new Error(`worker exited before announcing itself: ${out}`)));
  });
  id.catch(() => undefined);
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, id, exit };
}

function fetchCounts(server: TestServer): Map<string, number> {
  const counts = new Map<string, number>();
  for (const r of server.requests) counts.set(r.url, (counts.get(r.url) ?? 0) + 1);
  return counts;
}

function expectedPaths(): string[] {
  return ['/', ...Array.from({ length: PAGES }, (_, i) => `/page/${i}`)];
}

function itemUrls(dir: string): Set<string> {
  const urls = new Set<string>();
  for (const f of readdirSync(dir)) {
    for (const line of readFileSync(join(dir, f), 'utf8').split('\n')) if (line) urls.add(new URL((JSON.parse(line) as { url: string }).url).pathname);
  }
  return urls;
}

describe.skipIf(!available)('worker processes sharing one Redis', () => {
  let server: TestServer;
  let dir: string;
  const children: ChildProcess[] = [];
  beforeAll(async () => {
    ensureBuilt();
    server = await startTestServer({ routes: linkSite({ pages: PAGES, linksPerPage: 10 }) });
    dir = mkdtempSync(join(tmpdir(), 'crawl-redis-'));
  }, 60_000);
  afterAll(async () => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    await server?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
    await prefixes.cleanup();
  });

  function run(n: number, prefix: string, tag: string, leaseSeconds = 60): Worker[] {
    const workers: Worker[] = [];
    for (let i = 0; i < n; i++) {
      const w = startWorker({ KEY_PREFIX: prefix, START_URL: `${server.url}/`, ITEMS_FILE: join(dir, `${tag}-${i}.jsonl`), LEASE_SECONDS: String(leaseSeconds) });
      children.push(w.child);
      workers.push(w);
    }
    return workers;
  }

  for (const n of [2, 3]) {
    it(`${n} workers fetch every page exactly once and produce every item`, async () => {
      server.resetStats();
      const tag = `w${n}`;
      const workers = run(n, prefixes.next(), tag);
      const ids = await Promise.all(workers.map((w) => w.id));
      expect(new Set(ids).size).toBe(n);
      expect(await Promise.all(workers.map((w) => w.exit))).toEqual(Array(n).fill(0));
      const counts = fetchCounts(server);
      expect([...counts.keys()].sort()).toEqual(expectedPaths().sort());
      expect([...counts.values()].every((c) => c === 1)).toBe(true);
      const items = itemUrls(dir);
      for (const p of expectedPaths()) expect(items.has(p)).toBe(true);
      rmSync(dir, { recursive: true, force: true });
      dir = mkdtempSync(join(tmpdir(), 'crawl-redis-'));
    }, 30_000);
  }

  it('a worker killed mid-crawl loses nothing: every page fetched, only its leased ones twice', async () => {
    server.resetStats();
    const prefix = prefixes.next();
    // Leases of 5 s: long enough that a worker starved of CPU on a loaded machine keeps its own.
    const workers = run(2, prefix, 'kill', 5);
    const [victimId] = await Promise.all(workers.map((w) => w.id));
    const redis = new Redis(REDIS_URL);
    const keys = crawlKeys(prefix, 'links', undefined);
    /** Paths of the requests the victim holds a lease on now. */
    const victimLeases = async (): Promise<Set<string>> => {
      const paths = new Set<string>();
      for (const [id, value] of Object.entries(await redis.hgetall(keys.leases))) {
        if (!value.startsWith(`${victimId} `)) continue;
        const raw = await redis.hget(keys.requests, id);
        if (raw) paths.add(new URL((JSON.parse(raw) as { url: string }).url).pathname);
      }
      return paths;
    };
    // Killed once a quarter of the site is fetched and while it holds leases: on a loaded machine
    // it may not have leased anything yet when the other worker gets there.
    const leased = new Set<string>();
    try {
      const deadline = Date.now() + 20_000;
      while (Date.now() < deadline) {
        if (server.requests.length >= PAGES / 4) {
          const before = await victimLeases();
          if (before.size > 0) {
            for (const p of before) leased.add(p);
            break;
          }
        }
        await new Promise((r) => setTimeout(r, 10));
      }
      workers[0]!.child.kill('SIGKILL');
      await workers[0]!.exit;
      // Leases taken between the look above and the kill; the survivor reclaims them only once
      // they expire.
      for (const p of await victimLeases()) leased.add(p);
    } finally {
      redis.disconnect();
    }
    expect(await workers[1]!.exit).toBe(0);
    const counts = fetchCounts(server);
    expect([...counts.keys()].sort()).toEqual(expectedPaths().sort());
    expect(leased.size).toBeGreaterThan(0);
    const twice = [...counts].filter(([, c]) => c > 1).map(([p]) => p);
    expect([...counts.values()].every((c) => c <= 2)).toBe(true);
    for (const p of twice) expect(leased.has(p), `${p} fetched twice but was not leased by the killed worker`).toBe(true);
    const items = itemUrls(dir);
    for (const p of expectedPaths()) expect(items.has(p)).toBe(true);
  }, 40_000);
});
