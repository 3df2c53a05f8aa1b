import { gzipSync } from 'node:zlib';
import { ConfigError, type Response } from '@crawl/core';
import { handlers, startTestServer, type RouteHandler, type TestServer } from '@crawl/test-servers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sitemapSpider, type SitemapEntry } from '../src/index.js';
import { run } from './support.js';

let server: TestServer;
let A: string;
let B: string;

const xml = (body: string): RouteHandler => handlers.text(`<?xml version="1.0" encoding="UTF-8"?>\n${body}`, 200, { 'content-type': 'application/xml' });
const binary = (body: Buffer, type = 'application/gzip'): RouteHandler => (_req, res) => {
  res.writeHead(200, { 'content-type': type, 'content-length': body.byteLength });
  res.end(body);
};
const urlset = (locs: string[], extra = '') =>
  `<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:xhtml="http://www.w3.org/1999/xhtml">${locs.map((l) => `<url><loc> ${l} </loc><lastmod>2024-01-0${locs.indexOf(l) + 1}</lastmod></url>`).join('')}${extra}</urlset>`;
const index = (locs: string[]) => `<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">${locs.map((l) => `<sitemap><loc>${l}</loc></sitemap>`).join('')}</sitemapindex>`;

beforeAll(async () => {
  server = await startTestServer();
  A = `http://a.test:${server.port}`;
  B = `http://b.test:${server.port}`;
  const pageHandler = handlers.html('<h1>page</h1>');
  server.route('GET', '/robots.txt', handlers.text(`User-agent: *\nDisallow:\nSitemap: /sitemap-index.xml\n  sitemap: ${B}/evil-robots.xml\nSitemap: file:///etc/passwd\n`));
  server.route('GET', '/sitemap-index.xml', xml(index([`${A}/sitemap-1.xml`, `${A}/sitemap-2.xml.gz`, `${A}/skip-me.xml`, `${B}/other-host.xml`, 'file:///etc/passwd', `ftp://a.test:${server.port}/x.xml`])));
  server.route(
    'GET',
    '/sitemap-1.xml',
    xml(
      urlset(
        [`${A}/product/1`, `${A}/blog/1`, `${B}/product/cross`, `http://127.0.0.1:${server.port}/internal`, 'file:///etc/passwd', `http://a.test:6379/product/port`],
        `<url><loc>${A}/product/alt</loc><xhtml:link rel="alternate" hreflang="fr" href="${A}/fr/product/alt"/><xhtml:link rel="alternate" hreflang="de" href="${B}/de/product/alt"/></url>`,
      ),
    ),
  );
  server.route('GET', '/sitemap-2.xml.gz', binary(gzipSync(urlset([`${A}/product/2`]))));
  server.route('GET', '/skip-me.xml', xml(urlset([`${A}/product/skipped`])));
  server.route('GET', '/bomb.xml.gz', binary(gzipSync(Buffer.concat([Buffer.from(urlset([`${A}/product/bomb`]).slice(0, -9)), Buffer.alloc(32 * 1024 * 1024, 0x20), Buffer.from('</urlset>')]))));
  server.route(
    'GET',
    '/xxe.xml',
    xml(`<!DOCTYPE urlset [<!ENTITY xxe SYSTEM "${A}/secret"><!ENTITY file SYSTEM "file:///etc/passwd"><!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>${A}/product/x?f=&file;&amp;g=&lol3;</loc></url><url><loc>&xxe;</loc></url><url><loc>${A}/product/plain</loc></url></urlset>`),
  );
  server.route('GET', '/not-a-sitemap', handlers.html('<html><body>hello</body></html>'));
  for (const p of ['/product/1', '/product/2', '/product/alt', '/fr/product/alt', '/blog/1', '/product/skipped', '/product/plain', '/product/x', '/product/bomb']) server.route('GET', p, pageHandler);
});
afterAll(() => server.close());

/** "host path" of every request the server got, in order. */
const got = () => server.requests.map((r) => `${r.host.split(':')[0]} ${r.url}`);

describe('sitemapSpider()', () => {
  it('reads robots.txt Sitemap: lines, the index, plain and gzip sitemaps; routes URLs to the first matching rule; never leaves the host or http(s)', async () => {
    server.resetStats();
    const calls: string[] = [];
    const spider = sitemapSpider({
      name: 'sitemap',
      sitemapUrls: [`${A}/robots.txt`],
      sitemapFollow: ['/sitemap-'],
      sitemapRules: [
        ['/product/', (r: Response) => void calls.push(`product ${new URL(r.url).pathname}`)],
        [/.*/, (r: Response) => void calls.push(`other ${new URL(r.url).pathname}`)],
      ],
    });
    const { stats } = await run(spider);
    expect(calls.sort()).toEqual(['other /blog/1', 'product /product/1', 'product /product/2', 'product /product/alt']);
    const hosts = got();
    expect(hosts.every((h) => h.startsWith('a.test '))).toBe(true);
    expect(hosts).not.toContain('a.test /skip-me.xml');
    expect(server.requests.some((r) => r.url.includes('evil') || r.url.includes('other-host') || r.url.includes('internal') || r.url.includes('cross'))).toBe(false);
    expect(stats['spider_exceptions/count']).toBeUndefined();
  });

  it('sitemapAlternateLinks follows same-host alternates only', async () => {
    server.resetStats();
    const calls: string[] = [];
    await run(
      sitemapSpider({
        name: 'alternates',
        sitemapUrls: [`${A}/sitemap-1.xml`],
        sitemapAlternateLinks: true,
        sitemapRules: [['/product/', (r: Response) => void calls.push(new URL(r.url).pathname)]],
      }),
    );
    expect(calls.sort()).toEqual(['/fr/product/alt', '/product/1', '/product/alt']);
  });

  it('allowCrossHost: true follows other hosts (still http(s) only)', async () => {
    server.resetStats();
    const hosts: string[] = [];
    server.route('GET', '/product/cross', handlers.html('<h1>x</h1>'));
    await run(
      sitemapSpider({
        name: 'cross',
        sitemapUrls: [`${A}/sitemap-1.xml`],
        allowCrossHost: true,
        sitemapRules: [['/product/cross', (r: Response) => void hosts.push(new URL(r.url).host)]],
      }),
    );
    expect(hosts).toEqual([`b.test:${server.port}`]);
    expect(server.requests.some((r) => r.url.includes('passwd'))).toBe(false);
  });

  it('sitemapFilter sees entries with their fields and the sitemap type', async () => {
    server.resetStats();
    const seen: { type: string; entry: SitemapEntry }[] = [];
    const calls: string[] = [];
    await run(
      sitemapSpider({
        name: 'filter',
        sitemapUrls: [`${A}/sitemap-1.xml`],
        *sitemapFilter(entries, type) {
          for (const entry of entries) {
            seen.push({ type, entry });
            if (entry.lastmod === '2024-01-01') yield entry;
          }
        },
        parse: (r: Response) => void calls.push(new URL(r.url).pathname),
      }),
    );
    expect(calls).toEqual(['/product/1']);
    expect(seen[0]).toEqual({ type: 'urlset', entry: { loc: `${A}/product/1`, lastmod: '2024-01-01' } });
    expect(seen.at(-1)?.entry.alternate).toEqual([`${A}/fr/product/alt`, `${B}/de/product/alt`]);
  });

  it('a gzip bomb is cut at downloadMaxSize after decompression and reported', async () => {
    server.resetStats();
    const calls: string[] = [];
    const { stats, logs } = await run(
      sitemapSpider({ name: 'bomb', sitemapUrls: [`${A}/bomb.xml.gz`], downloadMaxSize: 1024 * 1024, parse: (r: Response) => void calls.push(r.url) }),
    );
    expect(calls).toEqual([]);
    expect(stats['spider_exceptions/ResponseTooLargeError']).toBe(1);
    expect(logs.some((l) => l.level === 'error' && l.message.includes('bomb.xml.gz') && l.message.includes('downloadMaxSize'))).toBe(true);
    // Within the limit the same sitemap is read.
    await run(sitemapSpider({ name: 'bomb-ok', sitemapUrls: [`${A}/bomb.xml.gz`], downloadMaxSize: 64 * 1024 * 1024, parse: (r: Response) => void calls.push(new URL(r.url).pathname) }));
    expect(calls).toEqual(['/product/bomb']);
  });

  it("reads the crawl's downloadMaxSize setting in open() when the spider has no option; the user's open() runs after", async () => {
    server.resetStats();
    const calls: string[] = [];
    const opened: number[] = [];
    const spider = sitemapSpider({
      name: 'bomb-settings',
      sitemapUrls: [`${A}/bomb.xml.gz`],
      parse: (r: Response) => void calls.push(r.url),
      open: (crawler) => void opened.push(crawler.settings.downloadMaxSize),
    });
    const { stats } = await run(spider, { settings: { downloadMaxSize: 1024 * 1024 } });
    expect(calls).toEqual([]);
    expect(stats['spider_exceptions/ResponseTooLargeError']).toBe(1);
    expect(opened).toEqual([1024 * 1024]);
    // The same spider object in a crawl with a larger project limit reads the sitemap.
    await run(spider, { settings: { downloadMaxSize: 64 * 1024 * 1024 } });
    expect(calls.map((u) => new URL(u).pathname)).toEqual(['/product/bomb']);
  });

  it('does not resolve external entities nor expand DTD entities (XXE, billion laughs)', async () => {
    server.resetStats();
    const urls: string[] = [];
    await run(sitemapSpider({ name: 'xxe', sitemapUrls: [`${A}/xxe.xml`], parse: (r: Response) => void urls.push(r.url) }));
    expect(server.requests.some((r) => r.url === '/secret')).toBe(false);
    const paths = urls.map((u) => decodeURIComponent(new URL(u).pathname + new URL(u).search));
    expect(paths.sort()).toEqual(['/product/plain', '/product/x?f=&file;&g=&lol3;']);
  });

  it('reports a response that is not a sitemap', async () => {
    const { stats, logs } = await run(sitemapSpider({ name: 'bad', sitemapUrls: [`${A}/not-a-sitemap`], parse: () => undefined }));
    expect(stats['spider_exceptions/NotSupported']).toBe(1);
    expect(logs.some((l) => l.message.includes('Ignoring invalid sitemap'))).toBe(true);
  });

  it('validates options', () => {
    expect(() => sitemapSpider({ name: 's', sitemapUrls: [] })).toThrow(ConfigError);
    expect(() => sitemapSpider({ name: 's', sitemapUrls: ['nope'] , parse: () => undefined })).toThrow(/invalid URL/);
    expect(() => sitemapSpider({ name: 's', sitemapUrls: ['http://x/'] })).toThrow(/sitemapRules or a parse/);
    expect(() => sitemapSpider({ name: 's', sitemapUrls: ['http://x/'], sitemapRules: [['(', () => undefined]] })).toThrow(/invalid regular expression/);
    expect(() => sitemapSpider({ name: 's', sitemapUrls: ['http://x/'], parse: () => undefined, sitemapFolow: [] } as never)).toThrow(/sitemapFolow/);
  });
});
