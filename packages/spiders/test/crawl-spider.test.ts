import { ConfigError, type Response } from '@crawl/core';
import { linkExtractor } from '@crawl/link-extractor';
import { handlers, linkSite, startTestServer, type TestServer } from '@crawl/test-servers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crawlSpider, rule } from '../src/index.js';
import { run } from './support.js';

const page = (body: string) => handlers.html(`<!DOCTYPE html><html><body>${body}</body></html>`);

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({
    routes: {
      'GET /': page('<a href="/cat/a">Cat A</a><a href="/cat/b">Cat B</a><a href="/about">About</a>'),
      'GET /cat/a': page('<a href="/item/1">One</a><a href="/item/2">Two</a><a href="/cat/b">B</a>'),
      'GET /cat/b': page('<a href="/item/3">Three</a><a href="/item/2">Two again</a>'),
      'GET /item/1': page('<h1>Item 1</h1><a href="/item/deep">deep</a>'),
      'GET /item/2': page('<h1>Item 2</h1>'),
      'GET /item/3': page('<h1>Item 3</h1>'),
      'GET /item/deep': page('<h1>Deep</h1>'),
      'GET /about': page('<h1>About</h1>'),
      'GET /broken': page('<a href="/missing">missing</a>'),
      ...linkSite({ pages: 30, linksPerPage: 3, prefix: '/site' }),
    },
  });
});
afterAll(() => server.close());

const paths = (s: TestServer) => s.requests.map((r) => r.url);

describe('crawlSpider()', () => {
  it('follows rules without callback, sends matches to callbacks with merged cbKwargs, and does not follow callback pages by default', async () => {
    server.resetStats();
    const seen: { url: string; kw: unknown; linkText: unknown; rule: unknown }[] = [];
    const spider = crawlSpider({
      name: 'rules',
      startUrls: [`${server.url}/`],
      rules: [
        rule({ linkExtractor: linkExtractor({ allow: '/cat/' }) }),
        rule({
          linkExtractor: linkExtractor({ allow: '/item/' }),
          cbKwargs: { source: 'rule', shared: 'rule' },
          callback(response: Response, kw: { source: string; shared: string }) {
            seen.push({ url: new URL(response.url).pathname, kw, linkText: response.meta.linkText, rule: response.meta.rule });
            return { title: response.css('h1::text').get() };
          },
        }),
      ],
    });
    const { items, stats } = await run(spider);
    expect(seen.map((s) => s.url).sort()).toEqual(['/item/1', '/item/2', '/item/3']);
    expect(seen.find((s) => s.url === '/item/1')).toEqual({ url: '/item/1', kw: { source: 'rule', shared: 'rule' }, linkText: 'One', rule: 1 });
    expect((items as { title: string }[]).map((i) => i.title).sort()).toEqual(['Item 1', 'Item 2', 'Item 3']);
    // /item/deep is linked from an item page, whose rule has a callback and so does not follow.
    expect(paths(server)).not.toContain('/item/deep');
    expect(paths(server)).not.toContain('/about');
    expect(stats['spider_exceptions/count']).toBeUndefined();
  });

  it('first matching rule wins per link; follow: true on a callback rule follows its pages', async () => {
    server.resetStats();
    const byRule: Record<string, number[]> = {};
    const record = (name: string) =>
      function (response: Response) {
        (byRule[new URL(response.url).pathname] ??= []).push(response.meta.rule as number);
        return undefined;
      };
    const spider = crawlSpider({
      name: 'first-wins',
      startUrls: [`${server.url}/`],
      rules: [
        rule({ linkExtractor: linkExtractor({ allow: '/cat/a' }), callback: record('a'), follow: true }),
        rule({ linkExtractor: linkExtractor({ allow: '/cat/' }), callback: record('cat'), follow: true }),
        rule({ linkExtractor: linkExtractor({ allow: '/item/' }), callback: record('item'), follow: true }),
      ],
    });
    await run(spider);
    expect(byRule['/cat/a']).toEqual([0]);
    expect(byRule['/cat/b']).toEqual([1]);
    expect(byRule['/item/1']).toEqual([2]);
    expect(byRule['/item/deep']).toEqual([2]);
  });

  it('processLinks and processRequest rewrite or drop links and requests; parseStartUrl handles start URLs', async () => {
    server.resetStats();
    const starts: string[] = [];
    const spider = crawlSpider({
      name: 'process',
      startUrls: [`${server.url}/`],
      parseStartUrl(response) {
        starts.push(new URL(response.url).pathname);
        return [{ start: true }];
      },
      rules: [
        rule({
          linkExtractor: linkExtractor({ allow: '/cat/' }),
          processLinks: (links) => links.filter((l) => !l.url.endsWith('/cat/b')),
          processRequest: (request) => request.replace({ headers: { 'x-rule': 'cat' } }),
        }),
        rule({
          linkExtractor: linkExtractor({ allow: '/item/' }),
          processRequest: (request) => (request.url.endsWith('/item/2') ? null : request),
          callback: () => undefined,
        }),
      ],
    });
    const { items } = await run(spider);
    expect(starts).toEqual(['/']);
    expect(items).toEqual([{ start: true }]);
    const catA = server.requests.find((r) => r.url === '/cat/a');
    expect(catA?.headers['x-rule']).toBe('cat');
    // Cat B was dropped from the start page's links by processLinks (and /cat/b from /cat/a too).
    expect(paths(server)).not.toContain('/cat/b');
    expect(paths(server)).toContain('/item/1');
    expect(paths(server)).not.toContain('/item/2');
  });

  it('rule errbacks get failures of their requests; followLinks: false stops following', async () => {
    server.resetStats();
    const failures: string[] = [];
    const spider = crawlSpider({
      name: 'errback',
      startUrls: [`${server.url}/broken`],
      rules: [rule({ errback: (f) => void failures.push(`${f.request.meta.rule}:${new URL(f.request.url).pathname}`) })],
    });
    await run(spider);
    expect(failures).toEqual(['0:/missing']);

    server.resetStats();
    await run(crawlSpider({ name: 'nofollow', startUrls: [`${server.url}/`], followLinks: false, rules: [rule()] }));
    expect(paths(server)).toEqual(['/']);
  });

  it('crawls a whole generated site with one rule', async () => {
    server.resetStats();
    let pages = 0;
    const spider = crawlSpider({
      name: 'site',
      startUrls: [`${server.url}/site/`],
      rules: [rule({ follow: true, callback: () => void pages++ })],
    });
    await run(spider);
    expect(pages).toBe(30);
  });

  it('validates options', () => {
    expect(() => crawlSpider({ name: 'x', rulez: [] } as never)).toThrow(ConfigError);
    expect(() => crawlSpider({ name: 'x', rules: [{}] as never })).toThrow(/rules\[0\]/);
    expect(() => crawlSpider({ name: '' })).toThrow(/name/);
    expect(() => rule({ folow: true } as never)).toThrow(/folow/);
    expect(() => rule({ callback: 'parse' } as never)).toThrow(/callback/);
    expect(rule().follow).toBe(true);
    expect(rule({ callback: () => undefined }).follow).toBe(false);
  });
});
