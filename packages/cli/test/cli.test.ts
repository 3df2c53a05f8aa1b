import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { handlers, linkSite, startTestServer, type TestServer } from '@crawl/test-servers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSpider, runCli, type CliIO } from '../src/index.js';

const here = dirname(fileURLToPath(import.meta.url));
const fixture = (name: string) => join(here, 'fixtures', name);

function captureIO(): CliIO & { out: () => string; err: () => string } {
  const stdout = new PassThrough();
  const stderr = new PassThrough() as unknown as NodeJS.WriteStream;
  let out = '';
  let err = '';
  stdout.on('data', (c: Buffer) => (out += c.toString()));
  (stderr as unknown as PassThrough).on('data', (c: Buffer) => (err += c.toString()));
  return { stdout, stderr, out: () => out, err: () => err };
}

let site: TestServer;
beforeAll(async () => {
  site = await startTestServer({
    routes: {
      ...linkSite({ pages: 12, linksPerPage: 2 }),
      '/missing': handlers.status(404, 'gone'),
      '/headers': handlers.text('hello', 200, { 'X-Test': 'yes' }),
    },
  });
});
afterAll(() => site.close());

describe('crawl runspider', () => {
  it('runs a TypeScript spider without a build step and writes a feed', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'crawl-cli-')), 'items.jsonl');
    const io = captureIO();
    const code = await runCli(['runspider', fixture('pages-spider.ts'), '-a', `baseUrl=${site.url}`, '-O', out, '-s', 'logStatsInterval=0'], io);
    expect(io.err()).toContain('finish_reason: finished');
    expect(code).toBe(0);
    const items = readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { title: string });
    expect(items.map((i) => i.title).sort()).toEqual(['Home', ...Array.from({ length: 12 }, (_, i) => `Page ${i}`)].sort());
    expect(io.err()).toContain('item_scraped_count: 13');
  });

  it('rejects an unknown setting with a clear error and exit code 2', async () => {
    const io = captureIO();
    const code = await runCli(['runspider', fixture('pages-spider.ts'), '-s', 'concurentRequests=4'], io);
    expect(code).toBe(2);
    expect(io.err()).toMatch(/concurentRequests/);
  });

  it('explains a missing file, a file without spiders and an ambiguous file', async () => {
    let io = captureIO();
    expect(await runCli(['runspider', fixture('nope.ts')], io)).toBe(2);
    expect(io.err()).toMatch(/Spider file not found/);
    io = captureIO();
    expect(await runCli(['runspider', fixture('no-spider.mjs')], io)).toBe(2);
    expect(io.err()).toMatch(/No spider found/);
    io = captureIO();
    expect(await runCli(['runspider', fixture('two-spiders.mjs')], io)).toBe(2);
    expect(io.err()).toMatch(/Several spiders.*first, second/);
  });

  it('picks a spider by name and applies -a arguments', async () => {
    const spider = await loadSpider(fixture('two-spiders.mjs'), { name: 'second', args: { token: 'x' } });
    expect(spider.name).toBe('second');
    expect((spider as unknown as { token: string }).token).toBe('x');
  });

  it('shows usage for unknown commands and bad flags', async () => {
    let io = captureIO();
    expect(await runCli(['crawlz'], io)).toBe(2);
    expect(io.err()).toMatch(/unknown command/);
    io = captureIO();
    expect(await runCli(['runspider', '--bogus'], io)).toBe(2);
    expect(io.err()).toMatch(/bogus/);
    io = captureIO();
    expect(await runCli(['help'], io)).toBe(0);
    expect(io.out()).toMatch(/runspider/);
  });
});

describe('crawl fetch', () => {
  it('prints the body, or the headers', async () => {
    let io = captureIO();
    expect(await runCli(['fetch', `${site.url}/headers`, '--nolog'], io)).toBe(0);
    expect(io.out()).toBe('hello');
    io = captureIO();
    expect(await runCli(['fetch', `${site.url}/headers`, '--headers', '--nolog'], io)).toBe(0);
    expect(io.out()).toMatch(/^HTTP\/1.1 200\n/);
    expect(io.out()).toMatch(/X-Test: yes/i);
  });

  it('prints a 404 body too, and fails clearly on a refused connection or a bad URL', async () => {
    let io = captureIO();
    expect(await runCli(['fetch', `${site.url}/missing`, '--nolog'], io)).toBe(0);
    expect(io.out()).toBe('gone');
    const closed = await startTestServer();
    const deadUrl = `${closed.url}/`;
    await closed.close();
    io = captureIO();
    expect(await runCli(['fetch', deadUrl, '--nolog'], io)).toBe(1);
    expect(io.err()).toMatch(/refused/i);
    io = captureIO();
    expect(await runCli(['fetch', 'not a url'], io)).toBe(2);
    expect(io.err()).toMatch(/Invalid request URL/);
  });
});

describe('the crawl executable', () => {
  it('finishes in-flight work on SIGINT and reports the shutdown', async () => {
    const slow = await startTestServer({
      routes: Object.fromEntries(Object.entries(linkSite({ pages: 200, linksPerPage: 3 })).map(([k, h]) => [k, handlers.delay(150, h)])),
    });
    try {
      const bin = join(here, '../dist/bin.js');
      const child = spawn(process.execPath, [bin, 'runspider', fixture('pages-spider.ts'), '-a', `baseUrl=${slow.url}`, '-s', 'logStatsInterval=0', '-s', 'concurrentRequests=4'], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let err = '';
      child.stderr.on('data', (c: Buffer) => (err += c.toString()));
      // Interrupt once the crawl is well under way.
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no progress before SIGINT:\n${err}`)), 20_000);
        const poll = setInterval(() => {
          if (slow.requests.length >= 6) {
            clearInterval(poll);
            clearTimeout(timer);
            resolve();
          }
        }, 20);
      });
      child.kill('SIGINT');
      const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
      expect(err).toMatch(/SIGINT/);
      expect(err).toContain('finish_reason: shutdown');
      expect(code).toBe(0);
      // Far fewer than the 200 pages: the crawl stopped taking new work.
      expect(slow.requests.length).toBeLessThan(100);
    } finally {
      await slow.close();
    }
  });
});
