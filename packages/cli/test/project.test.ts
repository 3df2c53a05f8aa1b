import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { handlers, linkSite, startTestServer, type TestServer } from '@crawl/test-servers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, shellCommand, validateConfig, type CliIO } from '../src/index.js';

const here = dirname(fileURLToPath(import.meta.url));
const packagesDir = join(here, '../..');

/** What `npm install` gives a new project, from the workspace packages: node_modules/@crawl/* links. */
function linkCrawlPackages(dir: string): void {
  mkdirSync(join(dir, 'node_modules/@crawl'), { recursive: true });
  for (const name of ['cli', 'core', 'engine', 'http']) symlinkSync(join(packagesDir, name), join(dir, 'node_modules/@crawl', name), 'dir');
}

/** With `terminal`, stderr claims to be a TTY (where the CLI would draw its progress line). */
function captureIO(terminal = false): CliIO & { out: () => string; err: () => string } {
  const stdout = new PassThrough();
  const stderr = (terminal ? Object.assign(new PassThrough(), { isTTY: true, columns: 100 }) : new PassThrough()) as unknown as NodeJS.WriteStream;
  let out = '';
  let err = '';
  stdout.on('data', (c: Buffer) => (out += c.toString()));
  (stderr as unknown as PassThrough).on('data', (c: Buffer) => (err += c.toString()));
  return { stdout, stderr, out: () => out, err: () => err };
}

async function inDir<T>(dir: string, fn: () => Promise<T>): Promise<T> {
  const before = process.cwd();
  process.chdir(dir);
  try {
    return await fn();
  } finally {
    process.chdir(before);
  }
}

let site: TestServer;
let project: string;
beforeAll(async () => {
  site = await startTestServer({ routes: { ...linkSite({ pages: 6, linksPerPage: 2 }), '/item': handlers.html('<h1>Widget</h1><p class="price">9.99</p><a href="/page/1">next</a>') } });
  project = join(mkdtempSync(join(tmpdir(), 'crawl-project-')), 'demo-shop');
});
afterAll(async () => {
  await site.close();
  rmSync(dirname(project), { recursive: true, force: true });
});

describe('a project: startproject, genspider, list, crawl, check', () => {
  it('startproject writes a ready project and refuses to overwrite one', async () => {
    const io = captureIO();
    expect(await runCli(['startproject', 'demo-shop', project], io)).toBe(0);
    linkCrawlPackages(project);
    for (const f of ['package.json', 'crawl.config.ts', 'tsconfig.json', 'README.md', 'spiders/example.ts']) expect(existsSync(join(project, f)), f).toBe(true);
    const pkg = JSON.parse(readFileSync(join(project, 'package.json'), 'utf8')) as { name: string; dependencies: Record<string, string> };
    expect(pkg.name).toBe('demo-shop');
    expect(Object.keys(pkg.dependencies).sort()).toEqual(['@crawl/cli', '@crawl/core', '@crawl/engine', '@crawl/http']);
    const again = captureIO();
    expect(await runCli(['startproject', 'demo-shop', project], again)).toBe(2);
    expect(again.err()).toMatch(/not empty/);
    expect(await runCli(['startproject', 'Bad Name'], captureIO())).toBe(2);
  });

  it('genspider adds a spider; list shows every spider', async () => {
    await inDir(project, async () => {
      const io = captureIO();
      expect(await runCli(['genspider', 'shop', 'shop.example'], io)).toBe(0);
      expect(readFileSync(join(project, 'spiders/shop.ts'), 'utf8')).toContain('allowedDomains: ["shop.example"]');
      expect(await runCli(['genspider', 'shop', 'shop.example'], captureIO())).toBe(2);
      const list = captureIO();
      expect(await runCli(['list'], list)).toBe(0);
      expect(list.out()).toBe('example\nshop\n');
    });
  });

  it('crawl runs a project spider by name with the config, feeds, --stats-json and JSON logs', async () => {
    writeFileSync(
      join(project, 'spiders/pages.ts'),
      `import { defineSpider, type Response } from '@crawl/core';
export default defineSpider({
  name: 'pages',
  baseUrl: '',
  *start() { yield this.baseUrl ? new (require_request())(this.baseUrl + '/') : undefined as never; },
  *parse(response: Response) {
    const title = response.css('h1::text').get();
    if (title) yield { title };
    yield* response.followAll({ css: 'a' });
  },
  contracts: {
    parseItem: { url: '${site.url}/item', returns: { items: 1, requests: 0 }, scrapes: ['name', 'price'] },
    parse: [{ url: '${site.url}/item', returns: { items: [1], requests: [1, 1] }, scrapes: ['title'] }],
  },
  parseItem(response: Response) {
    return { name: response.css('h1::text').get(), price: response.css('.price::text').get() };
  },
});
import { Request } from '@crawl/core';
function require_request() { return Request; }
`,
    );
    await inDir(project, async () => {
      const out = join(project, 'out/items.jsonl');
      const stats = join(project, 'out/stats.json');
      const io = captureIO(true);
      const code = await runCli(['crawl', 'pages', '-a', `baseUrl=${site.url}`, '-O', out, '--stats-json', stats, '--log-format', 'json'], io);
      expect(io.err()).not.toMatch(/ERROR/);
      expect(code).toBe(0);
      expect(readFileSync(out, 'utf8').trim().split('\n')).toHaveLength(7);
      expect(JSON.parse(readFileSync(stats, 'utf8'))).toMatchObject({ item_scraped_count: 7, finish_reason: 'finished' });
      expect(io.err()).not.toMatch(/[\r\x1b]/);
      const lines = io.err().trim().split('\n').map((l) => JSON.parse(l) as { level: string; message: string; logger: string; component?: string; stats?: Record<string, unknown> });
      expect(lines.some((l) => l.level === 'info' && l.message.startsWith('Spider closed') && l.component === '@crawl/engine')).toBe(true);
      expect(lines.filter((l) => l.message === 'Dumping crawl stats:').map((l) => l.stats?.['item_scraped_count'])).toEqual([7]);
      const missing = captureIO();
      expect(await runCli(['crawl', 'nope'], missing)).toBe(2);
      expect(missing.err()).toMatch(/No spider named "nope".*available: example, pages, shop/);
    });
  });

  it('check runs contracts and fails with the reasons', async () => {
    await inDir(project, async () => {
      const io = captureIO();
      expect(await runCli(['check', 'pages'], io)).toBe(0);
      expect(io.out()).toContain('ok   pages.parseItem');
      expect(io.out()).toContain('2 passed, 0 failed');
      writeFileSync(
        join(project, 'spiders/strict.ts'),
        `export default { name: 'strict', parse() { return [{ a: 1 }, { a: 2 }]; }, contracts: { parse: { url: '${site.url}/item', returns: { items: 1 }, scrapes: ['b'] } } };\n`,
      );
      const bad = captureIO();
      expect(await runCli(['check', 'strict'], bad)).toBe(1);
      expect(bad.out()).toContain('FAIL strict.parse');
      expect(bad.out()).toContain('returned 2 items, expected 1');
      expect(bad.out()).toContain('2 of 2 items lack "b"');
    });
  });

  it('rejects unknown config keys naming the allowed ones, and plugins given as factories', async () => {
    expect(() => validateConfig({ spiderz: [] }, 'crawl.config.ts')).toThrow(/Unknown key "spiderz" in crawl.config.ts; allowed keys: spiders, settings/);
    expect(() => validateConfig({ downloaderMiddlewares: [() => ({})] }, 'c.ts')).toThrow(/downloaderMiddlewares\[0\].*did you forget to call the factory/);
    expect(() => validateConfig({ defaultPlugins: 'yes' }, 'c.ts')).toThrow(/defaultPlugins/);
    writeFileSync(join(project, 'crawl.config.ts'), `export default { settings: { concurentRequests: 2 } };\n`);
    await inDir(project, async () => {
      const io = captureIO();
      expect(await runCli(['crawl', 'pages', '-a', `baseUrl=${site.url}`], io)).toBe(2);
      expect(io.err()).toMatch(/concurentRequests/);
      writeFileSync(join(project, 'crawl.config.ts'), `export default { typo: 1 };\n`);
      const io2 = captureIO();
      expect(await runCli(['list'], io2)).toBe(2);
      expect(io2.err()).toMatch(/Unknown key "typo"/);
    });
  });
});

describe('a new user on the demo site', () => {
  it('startproject, then genspider for the loopback demo shop, then crawl it', async () => {
    const siteDir = join(packagesDir, '../examples/demo/site');
    const shop = await startTestServer({
      fallback: (req, res) => {
        const path = new URL(req.url ?? '/', 'http://x').pathname;
        const file = join(siteDir, path.endsWith('/') ? `${path}index.html` : path);
        if (!file.startsWith(siteDir) || !existsSync(file)) return void res.writeHead(404).end('not found');
        res.writeHead(200, { 'Content-Type': file.endsWith('.html') ? 'text/html; charset=utf-8' : 'application/octet-stream' }).end(readFileSync(file));
      },
    });
    const dir = join(mkdtempSync(join(tmpdir(), 'crawl-newuser-')), 'bookshop');
    try {
      expect(await runCli(['startproject', 'bookshop', dir], captureIO())).toBe(0);
      linkCrawlPackages(dir); // what `npm install` gives the project
      await inDir(dir, async () => {
        expect(await runCli(['genspider', 'books', `${shop.url}/index.html`], captureIO())).toBe(0);
        const io = captureIO();
        expect(await runCli(['crawl', 'books', '-O', 'books.jsonl', '--nolog'], io)).toBe(0);
        const items = readFileSync(join(dir, 'books.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { url: string; title: string });
        expect(items).toEqual([{ url: `${shop.url}/index.html`, title: 'Home | Demo Books' }]);
      });
    } finally {
      await shop.close();
      rmSync(dirname(dir), { recursive: true, force: true });
    }
  });
});

describe('shell and bench', () => {
  it('shell fetches a page and evaluates selectors', async () => {
    const io = captureIO();
    const input = new PassThrough();
    const done = shellCommand([`${site.url}/item`], io, input);
    input.write("response.css('h1::text').get()\n");
    input.write('.exit\n');
    expect(await done).toBe(0);
    expect(io.out()).toContain(`[200] ${site.url}/item`);
    expect(io.out()).toContain("'Widget'");
  });

  it('bench crawls a local site and reports pages/s', async () => {
    const io = captureIO();
    expect(await runCli(['bench', '--pages', '60', '--concurrency', '8'], io)).toBe(0);
    expect(io.out()).toMatch(/Crawled \d+ pages .* pages\/s at concurrency 8/);
  });
});
