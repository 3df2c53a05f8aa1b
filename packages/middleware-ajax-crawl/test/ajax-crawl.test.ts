import { ConfigError, createResponse, NotConfigured, Request, type Response } from '@crawl/core';
import { Crawler } from '@crawl/engine';
import { httpHandler } from '@crawl/http';
import { fakeCrawler, testDownloaderMiddleware } from '@crawl/testing';
import { handlers, startTestServer, type TestServer } from '@crawl/test-servers';
import { afterEach, describe, expect, it } from 'vitest';
import { AJAX_CRAWL_DEFAULTS, ajaxCrawl, escapeAjax, hasAjaxCrawlableMeta } from '../src/index.js';

const settingDefaults = { ajaxCrawlEnabled: false, ajaxCrawlMaxSize: 32768 };
testDownloaderMiddleware('ajaxCrawl', () => ajaxCrawl({ enabled: true }));

const html = (s: string): Uint8Array => new TextEncoder().encode(s);
const META = '<meta name="fragment" content="!">';

describe('ajaxCrawl() options', () => {
  it("exports Scrapy's defaults: off, 32768 bytes, order 560", () => {
    expect(AJAX_CRAWL_DEFAULTS).toEqual({ enabled: false, maxSize: 32768, order: 560 });
    expect(ajaxCrawl().order).toBe(560);
  });

  it('is NotConfigured unless enabled by option or by the ajaxCrawlEnabled setting', () => {
    expect(() => ajaxCrawl().open(fakeCrawler({ settingDefaults }))).toThrow(NotConfigured);
    expect(() => ajaxCrawl().open(fakeCrawler({ settingDefaults, settings: { ajaxCrawlEnabled: true } }))).not.toThrow();
    expect(() => ajaxCrawl({ enabled: true }).open(fakeCrawler({ settingDefaults }))).not.toThrow();
  });

  it('rejects unknown keys and bad values', () => {
    expect(() => ajaxCrawl({ maxsize: 1 } as never)).toThrow(/Unknown ajaxCrawl\(\) option "maxsize"/);
    expect(() => ajaxCrawl({ maxSize: 0 })).toThrow(/maxSize must be a positive integer/);
    expect(() => ajaxCrawl({ enabled: 1 } as never)).toThrow(ConfigError);
    expect(() => ajaxCrawl().open(fakeCrawler({ settingDefaults, settings: { ajaxCrawlEnabled: true, ajaxCrawlMaxSize: -5 } }))).toThrow(/ajaxCrawlMaxSize/);
  });
});

describe('escapeAjax (w3lib)', () => {
  it('turns #! URLs into their _escaped_fragment_ form and leaves others alone', () => {
    expect(escapeAjax('http://www.example.com/ajax.html#!key=value')).toBe('http://www.example.com/ajax.html?_escaped_fragment_=key%3Dvalue');
    expect(escapeAjax('http://www.example.com/ajax.html?k1=v1&k2=v2#!key=value')).toBe('http://www.example.com/ajax.html?k1=v1&k2=v2&_escaped_fragment_=key%3Dvalue');
    expect(escapeAjax('http://www.example.com/ajax.html?#!key=value')).toBe('http://www.example.com/ajax.html?_escaped_fragment_=key%3Dvalue');
    expect(escapeAjax('http://www.example.com/ajax.html#!')).toBe('http://www.example.com/ajax.html?_escaped_fragment_=');
    expect(escapeAjax('http://www.example.com/ajax.html?_escaped_fragment_=old&a=1#!new')).toBe('http://www.example.com/ajax.html?_escaped_fragment_=new&a=1');
    expect(escapeAjax('http://www.example.com/ajax.html#key=value')).toBe('http://www.example.com/ajax.html#key=value');
    expect(escapeAjax('http://www.example.com/ajax.html#')).toBe('http://www.example.com/ajax.html#');
    expect(escapeAjax('http://www.example.com/ajax.html')).toBe('http://www.example.com/ajax.html');
  });
});

describe('hasAjaxCrawlableMeta', () => {
  const found = (s: string, max = 32768): boolean => hasAjaxCrawlableMeta(html(s), max);

  it("matches Scrapy's examples", () => {
    expect(found('<html><head><meta name="fragment"  content="!"/></head><body></body></html>')).toBe(true);
    expect(found("<html><head><meta name='fragment' content='!'></head></html>")).toBe(true);
    expect(found('<html><head><!--<meta name="fragment"  content="!"/>--></head><body></body></html>')).toBe(false);
    expect(found('<html></html>')).toBe(false);
  });

  it('reads attributes in any order and case, unquoted, and with character references', () => {
    expect(found('<HEAD><META CONTENT="!" NAME="Fragment"></HEAD>')).toBe(true);
    expect(found('<head><meta charset=utf-8><meta name=fragment content=!></head>')).toBe(true);
    expect(found('<head><meta name="fragment" content="&#33;"><body>')).toBe(true);
    expect(found('<head><meta name="&#x66;ragment" content="&excl;">')).toBe(true);
    expect(found('<head><meta name="fragment" content="!!"></head>')).toBe(false);
    expect(found('<head><meta name="description" content="!"><meta name="fragmentary" content="!"></head>')).toBe(false);
  });

  it('ignores text in scripts, styles, noscript and comments, attribute values, and anything after the head', () => {
    expect(found(`<head><script>var s = '${META}';</script></head>`)).toBe(false);
    expect(found(`<head><noscript>${META}</noscript></head>`)).toBe(false);
    expect(found(`<head><style>/* ${META} */</style></head>`)).toBe(false);
    expect(found(`<head><link title='${META}'></head>`)).toBe(false);
    expect(found(`<head></head><body>${META}</body>`)).toBe(false);
    expect(found(`<head><script>if (a < b) {}</script>${META}</head>`)).toBe(true);
  });

  it('only looks at the first maxSize bytes, and needs the whole tag inside them', () => {
    const page = `<head><!-- ${'x'.repeat(100)} -->${META}</head>`;
    expect(found(page, page.length)).toBe(true);
    expect(found(page, page.indexOf(META) + META.length)).toBe(true);
    expect(found(page, page.indexOf(META) + META.length - 1)).toBe(false);
    expect(found(page, 50)).toBe(false);
  });

  it('finishes on pathological bodies of 1 MB (S11: a single forward pass, no backtracking)', () => {
    const size = 1024 * 1024;
    for (const unit of ['<meta name="', '<!--', '<', '<a b=', '<script>', '<meta name=fragment content=! ', "<a x='"]) {
      const body = html(`<head>${unit.repeat(Math.ceil(size / unit.length))}`);
      expect(hasAjaxCrawlableMeta(body, body.byteLength)).toBe(false);
    }
  });
});

describe('ajaxCrawl() processResponse', () => {
  const run = (request: Request, response: Response) => {
    const crawler = fakeCrawler({ settingDefaults });
    const mw = ajaxCrawl({ enabled: true });
    mw.open(crawler);
    return mw.processResponse(request, response, crawler);
  };
  const page = (request: Request, body: string, init: { status?: number; type?: string } = {}) =>
    createResponse(request.url, { status: init.status ?? 200, headers: { 'Content-Type': init.type ?? 'text/html' }, body, request });

  it('returns the _escaped_fragment_ request, keeping the rest of the request', () => {
    const request = new Request('http://a.test/app?x=1#section', { meta: { keep: 1 }, priority: 3 });
    const out = run(request, page(request, `<head>${META}</head>`));
    expect(out).toBeInstanceOf(Request);
    const next = out as Request;
    expect(next.url).toBe('http://a.test/app?x=1&_escaped_fragment_=');
    expect(next.meta).toMatchObject({ keep: 1, ajaxCrawlable: true });
    expect(next.priority).toBe(3);
    expect(next.dontFilter).toBe(false);
  });

  it('logs the rewrite under its own component', () => {
    const crawler = fakeCrawler({ settingDefaults });
    const mw = ajaxCrawl({ enabled: true });
    mw.open(crawler);
    const request = new Request('http://a.test/app');
    mw.processResponse(request, page(request, `<head>${META}</head>`), crawler);
    expect(crawler.messages('debug', '@crawl/middleware-ajax-crawl')).toEqual([
      'Downloading AJAX crawlable <GET http://a.test/app?_escaped_fragment_=> instead of <GET http://a.test/app>',
    ]);
  });

  it('leaves non-200, non-GET, non-HTML, already escaped and already rewritten responses alone', () => {
    const get = new Request('http://a.test/');
    const body = `<head>${META}</head>`;
    const post = new Request('http://a.test/', { method: 'POST' });
    const checks: [Request, Response][] = [
      [get, page(get, body, { status: 404 })],
      [post, page(post, body)],
      [get, page(get, body, { type: 'text/plain' })],
      [new Request('http://a.test/?_escaped_fragment_='), page(new Request('http://a.test/?_escaped_fragment_='), body)],
      [new Request('http://a.test/', { meta: { ajaxCrawlable: true } }), page(get, body)],
    ];
    for (const [request, response] of checks) expect(run(request, response)).toBe(response);
  });
});

describe('ajaxCrawl() in a real crawl', () => {
  let server: TestServer | undefined;
  afterEach(async () => server?.close());

  it('downloads the _escaped_fragment_ form of pages that declare it, and only those', async () => {
    const padding = `<!-- ${'p'.repeat(40_000)} -->`;
    server = await startTestServer({
      routes: {
        'GET /app': (req, res) =>
          (req.url?.includes('_escaped_fragment_') ? handlers.html('<p>static snapshot</p>') : handlers.html(`<html><head>${META}</head><body>app</body></html>`))(req, res),
        'GET /plain': handlers.html('<html><head><title>plain</title></head><body>plain</body></html>'),
        'GET /late': handlers.html(`<html><head>${padding}${META}</head><body>late</body></html>`),
        'GET /loop': handlers.html(`<html><head>${META}</head><body>same page for every URL</body></html>`),
      },
    });
    const seen: string[] = [];
    const crawler = new Crawler(
      {
        name: 'ajax',
        startUrls: ['/app?lang=en', '/plain', '/late', '/loop'].map((p) => `${server!.url}${p}`),
        parse: (response: Response) => void seen.push(new URL(response.url).pathname + new URL(response.url).search),
      },
      { downloadHandlers: [httpHandler()], downloaderMiddlewares: [ajaxCrawl()], settings: { ajaxCrawlEnabled: true, logStatsInterval: 0, logLevel: 'silent' } },
    );
    await crawler.crawl();
    expect(seen.sort()).toEqual(['/app?lang=en&_escaped_fragment_=', '/late', '/loop?_escaped_fragment_=', '/plain']);
    expect(server.requests.map((r) => r.url).sort()).toEqual(
      ['/app?lang=en', '/app?lang=en&_escaped_fragment_=', '/late', '/loop', '/loop?_escaped_fragment_=', '/plain'].sort(),
    );
  });
});
