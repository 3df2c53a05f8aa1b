import { spawn, type ChildProcess } from 'node:child_process';
import { cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { startTestServer, type TestServer } from '@crawl/test-servers';
import { build } from 'tsup';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

const packageDir = fileURLToPath(new URL('../..', import.meta.url));
const PAGES = 40;
const DELAY_MS = 120;
let outDir = '';
let server: TestServer | undefined;
let child: ChildProcess | undefined;

// Built JS in a folder inside the package, so that '@crawl/core' resolves from its node_modules.
beforeAll(async () => {
  outDir = await mkdtemp(join(packageDir, 'test', '.tmp-jobdir-'));
  await build({ entry: { index: join(packageDir, 'src/index.ts') }, format: ['esm'], outDir, dts: false, silent: true, config: false, target: 'node20', external: ['@crawl/core'] });
  await cp(join(packageDir, 'test/jobdir/support/jobdir-child.mjs'), join(outDir, 'child.mjs'));
}, 60_000);

afterAll(async () => {
  if (outDir && !process.env['KEEP_JOBDIR_TMP']) await rm(outDir, { recursive: true, force: true });
});

afterEach(async () => {
  if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  child = undefined;
  await server?.close();
  server = undefined;
});

/**
 * Page i links to 2i+1, 2i+2 (a tree over PAGES pages) and back to i-1 (a duplicate for the
 * dupefilter). Nothing links to page 0: the start request is dontFilter, so a link to it would be
 * fetched again in any run.
 */
interface Site {
  server: TestServer;
  fetched: Map<string, number>;
  /** Per fetch: when it started and ended (ended undefined while in flight). */
  spans: { path: string; start: number; end: number | undefined }[];
}

async function startSite(): Promise<Site> {
  const fetched = new Map<string, number>();
  const spans: Site['spans'] = [];
  const s = await startTestServer({
    fallback: (req, res) => {
      const path = req.url ?? '';
      const m = /^\/page\/(\d+)$/.exec(path);
      const i = m ? Number(m[1]) : -1;
      if (i < 0 || i >= PAGES) {
        res.writeHead(404).end();
        return;
      }
      fetched.set(path, (fetched.get(path) ?? 0) + 1);
      const span = { path, start: Date.now(), end: undefined as number | undefined };
      spans.push(span);
      const links = [2 * i + 1, 2 * i + 2, i - 1].filter((j) => j >= 1 && j < PAGES).map((j) => `<a href="/page/${j}">${j}</a>`);
      const body = `<html><body><h1>${i}</h1>${links.join(' ')}</body></html>`;
      const timer = setTimeout(() => {
        res.writeHead(200, { 'content-type': 'text/html', 'content-length': Buffer.byteLength(body) }).end(body, () => (span.end = Date.now()));
      }, DELAY_MS);
      res.on('close', () => {
        clearTimeout(timer);
        span.end ??= Date.now();
      });
    },
  });
  server = s;
  return { server: s, fetched, spans };
}

interface Run {
  proc: ChildProcess;
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
}

function run(base: string, jobDir: string, items: string): Run {
  const proc = spawn(process.execPath, [join(outDir, 'child.mjs'), pathToFileURL(join(outDir, 'index.js')).href, base, jobDir, items], { cwd: outDir, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  proc.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  proc.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  child = proc;
  return { proc, done: new Promise((resolve) => proc.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }))) };
}

async function until(check: () => boolean, what: string, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

async function itemUrls(file: string): Promise<string[]> {
  const text = await readFile(file, 'utf8').catch(() => '');
  return text.split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { url: string }).url);
}

const fetchedTotal = (site: Site): number => [...site.fetched.values()].reduce((a, b) => a + b, 0);

async function workDir(): Promise<string> {
  return mkdtemp(join(outDir, 'job-'));
}

describe('jobDir: pausing and resuming a crawl in a child process', () => {
  it('SIGINT then resume: same items as an uninterrupted run, each page fetched once, spider.state kept', async () => {
    const site = await startSite();
    const reference = join(await workDir(), 'items.jsonl');
    const full = await run(site.server.url, join(await workDir(), 'job'), reference).done;
    expect(full.code, full.stderr).toBe(0);
    const expected = new Set(await itemUrls(reference));
    expect(expected.size).toBe(PAGES);
    site.fetched.clear();

    const work = await workDir();
    const jobDir = join(work, 'job');
    const items = join(work, 'items.jsonl');
    const first = run(site.server.url, jobDir, items);
    await until(() => fetchedTotal(site) >= 10, 'ten pages fetched');
    first.proc.kill('SIGINT');
    const stopped = await first.done;
    expect(stopped.code, stopped.stderr).toBe(0);
    const firstResult = JSON.parse(stopped.stdout) as { reason: string; state: { pages: number } };
    expect(firstResult.reason).toBe('shutdown');
    const firstItems = await itemUrls(items);
    expect(firstItems.length).toBeLessThan(PAGES);
    expect(firstResult.state.pages).toBe(firstItems.length);

    const second = await run(site.server.url, jobDir, items).done;
    expect(second.code, second.stderr).toBe(0);
    expect(second.stderr).toMatch(/Resuming crawl \(\d+ requests scheduled\)/);
    const secondResult = JSON.parse(second.stdout) as { reason: string; state: { pages: number } };
    expect(secondResult.reason).toBe('finished');
    const all = await itemUrls(items);
    expect(all.filter((u, i) => all.indexOf(u) !== i), `${stopped.stderr}\n${second.stderr}`).toEqual([]);
    expect(all).toHaveLength(PAGES);
    expect(new Set(all)).toEqual(expected);
    expect([...site.fetched.values()].every((n) => n === 1)).toBe(true);
    expect(site.fetched.size).toBe(PAGES);
    // The counter the spider keeps in spider.state went on from where the first run left it.
    expect(secondResult.state.pages).toBe(PAGES);
  }, 40_000);

  it('SIGKILL at random points then resume: no page missing, only pages in flight at a kill fetched again', async () => {
    const site = await startSite();
    for (let rep = 0; rep < 3; rep++) {
      site.fetched.clear();
      site.spans.length = 0;
      const work = await workDir();
      const jobDir = join(work, 'job');
      const items = join(work, 'items.jsonl');
      const kills: number[] = [];
      for (let k = 0; k < 2; k++) {
        const target = fetchedTotal(site) + 2 + Math.floor(Math.random() * 12);
        const r = run(site.server.url, jobDir, items);
        await until(() => fetchedTotal(site) >= target || r.proc.exitCode !== null, 'pages fetched before the kill');
        // A random moment inside a download, not just at its start.
        await new Promise((resolve) => setTimeout(resolve, Math.floor(Math.random() * DELAY_MS)));
        r.proc.kill('SIGKILL');
        const killed = await r.done;
        if (killed.signal === 'SIGKILL') kills.push(Date.now());
      }
      const last = await run(site.server.url, jobDir, items).done;
      expect(last.code, last.stderr).toBe(0);
      expect(JSON.parse(last.stdout)).toMatchObject({ reason: 'finished' });
      const all = await itemUrls(items);
      expect(new Set(all).size, `repetition ${rep}`).toBe(PAGES);
      expect(site.fetched.size).toBe(PAGES);
      // A page fetched twice was in flight at a kill: its download (or its callback, just after
      // the download ended) overlapped the kill. 300 ms covers the callback and the signal delivery.
      const refetched = [...site.fetched].filter(([, n]) => n > 1).map(([path]) => path);
      for (const path of refetched) {
        const spans = site.spans.filter((s) => s.path === path);
        const overlapped = spans.slice(0, -1).some((s) => kills.some((t) => s.start <= t && (s.end ?? Infinity) >= t - 300));
        expect(overlapped, `${path} fetched ${spans.length} times without being in flight at a kill (repetition ${rep})`).toBe(true);
      }
      for (const n of site.fetched.values()) expect(n).toBeLessThanOrEqual(1 + kills.length);
    }
  }, 60_000);
});
