import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { constants, createBrotliCompress, gzipSync, deflateSync } from 'node:zlib';
import { Request, defineSpider, type Failure, type Response } from '@crawl/core';
import { sitemapSpider } from '@crawl/spiders';
import { handlers, type RouteHandler } from '@crawl/test-servers';
import { afterEach, describe, expect, it } from 'vitest';
import { redirectTo, ServerPool } from './servers.js';
import { defaultCrawler, type Logged } from './support.js';

const pool = new ServerPool();
afterEach(() => pool.closeAll());

const MiB = 1024 * 1024;
const ok = handlers.html('<p>ok</p>');

function raw(body: Buffer, headers: Record<string, string>): RouteHandler {
  return (_req, res) => {
    res.writeHead(200, { 'Content-Length': String(body.length), ...headers });
    res.end(body);
  };
}

const block = Buffer.alloc(16 * MiB);
/** `total` zero bytes as a multi-member gzip stream (never holding `total` bytes at once). */
const gzipBomb = (total: number): Buffer => Buffer.concat(Array.from({ length: total / (16 * MiB) }, () => gzipSync(block, { level: 9 })));
async function brotli(chunks: Buffer[]): Promise<Buffer> {
  const stream = createBrotliCompress({ params: { [constants.BROTLI_PARAM_QUALITY]: 5 } });
  const out: Buffer[] = [];
  stream.on('data', (c: Buffer) => out.push(c));
  const done = new Promise<void>((resolve, reject) => stream.once('end', resolve).once('error', reject));
  for (const c of chunks) stream.write(c);
  stream.end();
  await done;
  return Buffer.concat(out);
}

describe('hostile bodies and documents', () => {
  it('S8: Location and meta refresh to file:// and data: are not followed (GHSA-23j4-mw76-5v7h)', async () => {
    const a = await pool.start('127.0.0.1', {
      '/to-file': redirectTo('file:///etc/passwd'),
      '/to-data': redirectTo('data:text/plain,owned'),
      '/refresh': handlers.html('<html><head><meta http-equiv="refresh" content="0;url=file:///etc/passwd"></head><body>r</body></html>'),
    });
    const parsed: string[] = [];
    const spider = defineSpider({
      name: 's8',
      startUrls: ['/to-file', '/to-data', '/refresh'].map((p) => `http://a.test:${a.port}${p}`),
      parse(response: Response) {
        parsed.push(`${response.status} ${response.url} ${response.text.includes('root:') ? 'LEAK' : ''}`);
      },
    });
    const { stats } = await defaultCrawler(spider).crawl();
    expect(parsed).toEqual([`200 http://a.test:${a.port}/refresh `]);
    // The two 3xx reach the httpError middleware as responses, not as followed requests.
    expect(stats['httperror/response_ignored_status_count/302']).toBe(2);
    expect(stats['downloader/request_count']).toBe(4);
    expect(stats['downloader/exception_type_count/UnsupportedSchemeError']).toBeUndefined();
  });

  const bombs: [string, () => Promise<[Buffer, string]>][] = [
    ['gzip', async () => [gzipBomb(64 * MiB), 'gzip']],
    ['deflate', async () => [deflateSync(Buffer.alloc(64 * MiB), { level: 9 }), 'deflate']],
    ['br', async () => [await brotli([block, block, block, block]), 'br']],
    ['gzip, br (stacked)', async () => [await brotli([gzipBomb(64 * MiB)]), 'gzip, br']],
  ];
  for (const [name, make] of bombs) {
    it(`S9/S10: a ${name} decompression bomb (64 MiB of zeros) fails with ResponseTooLargeError at downloadMaxSize 4 MiB, RSS bounded (GHSA-7j7m-v7m3-jqm7, GHSA-2qfp-q593-8484)`, async () => {
      const [body, encoding] = await make();
      expect(body.length).toBeLessThan(1 * MiB);
      const a = await pool.start('127.0.0.1', { '/bomb': raw(body, { 'Content-Type': 'text/html', 'Content-Encoding': encoding }) });
      const failures: Failure[] = [];
      let parsed = 0;
      const spider = defineSpider({
        name: 'bomb',
        *start() {
          yield new Request(`http://a.test:${a.port}/bomb`, { errback: (f: Failure) => void failures.push(f) });
        },
        parse() {
          parsed++;
        },
      });
      const before = process.memoryUsage().rss;
      const { reason } = await defaultCrawler(spider, { settings: { downloadMaxSize: 4 * MiB } }).crawl();
      const grew = process.memoryUsage().rss - before;
      expect(reason).toBe('finished');
      expect(parsed).toBe(0);
      expect(failures.map((f) => (f.error as Error).name)).toEqual(['ResponseTooLargeError']);
      // 64 MiB were never materialised: far less than the decoded size.
      expect(grew).toBeLessThan(48 * MiB);
    });
  }

  it('S12: a sitemap with external entities and a billion-laughs DTD is read without resolving any entity (Scrapy#676, scrapy#6265)', async () => {
    const a = await pool.start('127.0.0.1', { '/p1': ok, '/p2': ok, '/secret': ok });
    const origin = `http://a.test:${a.port}`;
    const laughs = Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i};`.repeat(10)}">`).join('');
    const xml = `<?xml version="1.0"?>
<!DOCTYPE urlset [<!ENTITY lol0 "lol">${laughs}<!ENTITY xxe SYSTEM "${origin}/secret"><!ENTITY file SYSTEM "file:///etc/passwd">]>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<url><loc>${origin}/p1?a=&xxe;&amp;b=&file;</loc></url>
<url><loc>${origin}/p2?l=&lol9;</loc></url>
</urlset>`;
    a.route('GET', '/sitemap.xml', (_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/xml' });
      res.end(xml);
    });
    const urls: string[] = [];
    const spider = sitemapSpider({ name: 's12', sitemapUrls: [`${origin}/sitemap.xml`], parse: (r: Response) => void urls.push(r.url) });
    const { reason } = await defaultCrawler(spider).crawl();
    expect(reason).toBe('finished');
    expect(a.requests.some((r) => r.url === '/secret')).toBe(false);
    for (const r of a.requests) {
      expect(r.url).not.toContain('root');
      expect(r.url.length).toBeLessThan(200);
    }
    // The entity references stay literal text: nothing fetched, read or expanded.
    expect(urls.map((u) => new URL(u).search).sort()).toEqual(['?a=&xxe;&b=&file;', '?l=&lol9;']);
  });

  it('S19: sitemap and robots.txt Sitemap entries on other hosts, loopback IPs and file: are not fetched (GHSA-3r75-xc34-5f44)', async () => {
    const b = await pool.start('127.0.0.2', { '/internal': ok, '/sitemap.xml': ok });
    const a = await pool.start('127.0.0.1', { '/ok': ok });
    const origin = `http://a.test:${a.port}`;
    a.route('GET', '/robots.txt', handlers.text(`User-agent: *\nAllow: /\nSitemap: ${origin}/sitemap.xml\nSitemap: http://b.test:${b.port}/sitemap.xml\n`));
    a.route('GET', '/sitemap.xml', (_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/xml' });
      res.end(`<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<url><loc>${origin}/ok</loc></url><url><loc>http://b.test:${b.port}/internal</loc></url>
<url><loc>http://127.0.0.2:${b.port}/internal</loc></url><url><loc>file:///etc/passwd</loc></url></urlset>`);
    });
    const urls: string[] = [];
    const spider = sitemapSpider({ name: 's19', sitemapUrls: [`${origin}/robots.txt`], parse: (r: Response) => void urls.push(new URL(r.url).pathname) });
    await defaultCrawler(spider).crawl();
    expect(urls).toEqual(['/ok']);
    expect(b.requests).toEqual([]);
  });

  it('S14: a Referrer-Policy response header naming code (os.system) is ignored and logged; the default policy applies (GHSA-cwxj-rr6w-m6w7)', async () => {
    const a = await pool.start('127.0.0.1', { '/next': ok });
    a.route('GET', '/start', handlers.html(`<a href="/next">n</a>`, 200, { 'Referrer-Policy': 'os.system' }));
    const logs: Logged[] = [];
    const spider = defineSpider({
      name: 's14',
      startUrls: [`http://a.test:${a.port}/start`],
      *parse(response: Response) {
        if (response.url.endsWith('/start')) yield response.follow('/next');
      },
    });
    const { reason } = await defaultCrawler(spider, { logs }).crawl();
    expect(reason).toBe('finished');
    expect(a.requests.find((r) => r.url === '/next')!.headers.referer).toBe(`http://a.test:${a.port}/start`);
    expect(logs.some((l) => l.message.includes('Ignoring unknown Referrer-Policy header "os.system"'))).toBe(true);
  });

  it('robots.txt hostile file (S11/S12 spirit): 2 MiB of pathological wildcard rules is cut at 500 KiB and matching stays bounded', async () => {
    const rule = `Disallow: /${'*a'.repeat(40)}b\n`;
    const body = `User-agent: *\n${rule.repeat(Math.ceil((2 * MiB) / rule.length))}`;
    const a = await pool.start('127.0.0.1', { '/robots.txt': handlers.text(body) });
    // Under the 2083-character URL length limit, as long as it may be.
    const long = `/${'a'.repeat(2000)}`;
    a.route('GET', long, ok);
    const logs: Logged[] = [];
    const parsed: string[] = [];
    const spider = defineSpider({ name: 'robots', startUrls: [`http://a.test:${a.port}${long}`], parse: (r: Response) => void parsed.push(r.url) });
    const { reason } = await defaultCrawler(spider, { logs }).crawl();
    expect(reason).toBe('finished');
    // No 'b' in the path: every rule fails to match, so the page is allowed and fetched.
    expect(parsed).toHaveLength(1);
    expect(logs.some((l) => l.level === 'warn' && /500 KiB|truncat|larger/i.test(l.message))).toBe(true);
  }, 30_000);

  it('S22: default plugins refuse file: and data: seeds (scheme allowlist http/https) and keep Scrapy’s size limits', async () => {
    const failures: Failure[] = [];
    const spider = defineSpider({
      name: 's22',
      *start() {
        for (const u of ['file:///etc/passwd', 'data:text/html,<p>x</p>']) yield new Request(u, { errback: (f: Failure) => void failures.push(f) });
      },
      parse() {
        throw new Error('nothing may be parsed');
      },
    });
    const crawler = defaultCrawler(spider);
    await crawler.crawl();
    expect(failures.map((f) => (f.error as Error).name)).toEqual(['UnsupportedSchemeError', 'UnsupportedSchemeError']);
    expect(crawler.settings.downloadMaxSize).toBe(1024 * MiB);
    expect(crawler.settings.downloadWarnSize).toBe(32 * MiB);
  });

  it('S16: no control or debug surface: the only sockets packages listen on are the bench site and FTP active-mode data ports', () => {
    const root = join(dirname(fileURLToPath(import.meta.url)), '../../../packages');
    const listening: string[] = [];
    const walk = (dir: string): void => {
      for (const name of readdirSync(dir)) {
        const p = join(dir, name);
        if (name === 'node_modules' || name === 'dist' || name === 'test') continue;
        if (statSync(p).isDirectory()) walk(p);
        else if (p.endsWith('.ts') && /\bcreateServer\(|\.listen\(/.test(readFileSync(p, 'utf8'))) listening.push(relative(root, p));
      }
    };
    walk(root);
    // bench: `crawl bench` serves its synthetic site on 127.0.0.1 and only GETs pages; FTP active
    // mode: a one-shot data port the FTP server connects back to. Neither accepts commands.
    expect(listening.sort()).toEqual(['cli/src/commands/bench.ts', 'store-ftp/src/active-mode.ts']);
  });
});
