import { defineDownloaderMiddleware, Request, type Crawler, type Failure, type Response } from '@crawl/core';
import { handlers, startTestServer, type RouteHandler, type TestServer } from '@crawl/test-servers';
import { afterEach, describe, expect, it } from 'vitest';
import { robotsTxt, robotsTxtSitemaps } from '../src/index.js';
import { runCrawl, sleep } from './support.js';

const servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function site(robots: RouteHandler | undefined, extra: Record<string, RouteHandler> = {}): Promise<TestServer> {
  const page: RouteHandler = (req, res) => handlers.html(`<html><body>${req.url}</body></html>`)(req, res);
  const server = await startTestServer({ routes: robots ? { 'GET /robots.txt': robots, ...extra } : extra, fallback: page });
  servers.push(server);
  return server;
}

const robotsHits = (server: TestServer): number => server.requests.filter((r) => r.url === '/robots.txt').length;
const pageHits = (server: TestServer): string[] => server.requests.filter((r) => r.url !== '/robots.txt').map((r) => r.url);

describe('robotsTxt() rules', () => {
  it('applies Disallow/Allow with * and $ wildcards, longest match first and Allow on ties', async () => {
    const server = await site(
      handlers.text(
        [
          'User-agent: *',
          'Disallow: /private',
          'Allow: /private/open',
          'Disallow: /*.pdf$',
          'Disallow: /search*q=',
          'Disallow: /tie',
          'Allow: /tie',
          '',
        ].join('\n'),
      ),
    );
    const paths = ['/public', '/private/x', '/private/open/y', '/doc.pdf', '/doc.pdf?page=2', '/docs/pdf', '/search?q=cats', '/search', '/tie'];
    const { fetched, failed, stats } = await runCrawl(({ callback, errback }) => paths.map((p) => new Request(`${server.url}${p}`, { callback, errback })), {
      middlewares: [robotsTxt()],
    });
    expect(fetched.sort()).toEqual(['/doc.pdf?page=2', '/docs/pdf', '/private/open/y', '/public', '/search', '/tie'].sort());
    expect([...failed.keys()].sort()).toEqual(['/doc.pdf', '/private/x', '/search?q=cats']);
    for (const reason of failed.values()) expect(reason).toBe('Forbidden by robots.txt');
    expect(pageHits(server).sort()).toEqual(fetched.sort());
    expect(robotsHits(server)).toBe(1);
    expect(stats['robotstxt/request_count']).toBe(1);
    expect(stats['robotstxt/response_count']).toBe(1);
    expect(stats['robotstxt/response_status_count/200']).toBe(1);
    expect(stats['robotstxt/forbidden']).toBe(3);
  });

  describe('user-agent groups', () => {
    const robots = handlers.text('User-agent: GoodBot\nAllow: /\nDisallow: /good-blocked\n\nUser-agent: *\nDisallow: /\n');
    const run = async (server: TestServer, options: { agent?: string; header?: string; setting?: string }) =>
      runCrawl(
        ({ callback, errback }) =>
          ['/page', '/good-blocked'].map((p) => new Request(`${server.url}${p}`, { callback, errback, headers: options.header ? { 'User-Agent': options.header } : {} })),
        { middlewares: [robotsTxt(options.agent ? { userAgent: options.agent } : {})], settings: options.setting ? { robotstxtUserAgent: options.setting } : {} },
      );

    it('matches the userAgent option case-insensitively', async () => {
      const server = await site(robots);
      const { fetched, failed } = await run(server, { agent: 'goodbot' });
      expect(fetched).toEqual(['/page']);
      expect([...failed.keys()]).toEqual(['/good-blocked']);
    });

    it('uses the robotstxtUserAgent setting', async () => {
      const server = await site(robots);
      const { fetched } = await run(server, { setting: 'GoodBot' });
      expect(fetched).toEqual(['/page']);
    });

    it("falls back to the product token of the request's User-Agent header", async () => {
      const server = await site(robots);
      const { fetched } = await run(server, { header: 'GoodBot/2.1 (+http://bot.test/about)' });
      expect(fetched).toEqual(['/page']);
    });

    it('falls back to botName, which here only the * group matches', async () => {
      const server = await site(robots);
      const { fetched, failed } = await run(server, {});
      expect(fetched).toEqual([]);
      expect(failed.size).toBe(2);
    });
  });

  it('meta.dontObeyRobotstxt skips the check, and fetches no robots.txt for it', async () => {
    const server = await site(handlers.text('User-agent: *\nDisallow: /\n'));
    const { fetched } = await runCrawl(({ callback }) => [new Request(`${server.url}/free`, { callback, meta: { dontObeyRobotstxt: true } })], {
      middlewares: [robotsTxt()],
    });
    expect(fetched).toEqual(['/free']);
    expect(robotsHits(server)).toBe(0);
  });

  it('is disabled by robotstxtObey: false', async () => {
    const server = await site(handlers.text('User-agent: *\nDisallow: /\n'));
    const { fetched } = await runCrawl(({ callback }) => [new Request(`${server.url}/page`, { callback })], {
      middlewares: [robotsTxt()],
      settings: { robotstxtObey: false },
    });
    expect(fetched).toEqual(['/page']);
    expect(robotsHits(server)).toBe(0);
  });

  it('ignores what comes after the first 500 KiB of robots.txt', async () => {
    const filler = `# ${'x'.repeat(98)}\n`.repeat(Math.ceil((500 * 1024) / 100) + 10);
    const server = await site(handlers.text(`User-agent: *\nDisallow: /early\n${filler}Disallow: /late\n`));
    const { fetched, failed, logs } = await runCrawl(({ callback, errback }) => ['/early', '/late'].map((p) => new Request(`${server.url}${p}`, { callback, errback })), {
      middlewares: [robotsTxt()],
    });
    expect(fetched).toEqual(['/late']);
    expect([...failed.keys()]).toEqual(['/early']);
    expect(logs.some((l) => l.level === 'warn' && l.message.includes('larger than 512000 bytes'))).toBe(true);
  });
});

describe('robotsTxt() fetching', () => {
  it('fetches robots.txt once for 20 concurrent first requests to one origin', async () => {
    const server = await site(handlers.delay(150, handlers.text('User-agent: *\nDisallow: /no\n')));
    const paths = Array.from({ length: 20 }, (_, i) => (i % 5 === 4 ? `/no/${i}` : `/p/${i}`));
    let peakWaiting = 0;
    let waiting = 0;
    const { fetched, failed } = await runCrawl(
      ({ callback, errback }) => paths.map((p) => new Request(`${server.url}${p}`, { callback, errback })),
      {
        middlewares: [
          defineDownloaderMiddleware({
            name: 'count-waiting',
            order: 50,
            processRequest(request) {
              if (request.url.endsWith('/robots.txt')) return;
              waiting++;
              peakWaiting = Math.max(peakWaiting, waiting);
            },
            processResponse(request, response) {
              if (!request.url.endsWith('/robots.txt')) waiting--;
              return response;
            },
            processException(request) {
              if (!request.url.endsWith('/robots.txt')) waiting--;
            },
          }),
          robotsTxt(),
        ],
        settings: { concurrentRequests: 32, concurrentRequestsPerDomain: 32 },
      },
    );
    expect(robotsHits(server)).toBe(1);
    expect(peakWaiting).toBeGreaterThan(1);
    expect(fetched).toHaveLength(16);
    expect(failed.size).toBe(4);
  });

  it('one origin per scheme + host + port: another port or host name gets its own robots.txt', async () => {
    const a = await site(handlers.text('User-agent: *\nDisallow: /x\n'));
    const b = await site(handlers.text('User-agent: *\nDisallow: /y\n'));
    const { fetched } = await runCrawl(
      ({ callback, errback }) =>
        [`${a.url}/x`, `${a.url}/y`, `${b.url}/x`, `${b.url}/y`, `http://localhost:${a.port}/z`].map((u) => new Request(u, { callback, errback })),
      { middlewares: [robotsTxt()] },
    );
    expect(fetched.sort()).toEqual(['/x', '/y', '/z']);
    expect(robotsHits(a)).toBe(2);
    expect(a.requests.filter((r) => r.url === '/robots.txt').map((r) => r.host.split(':')[0]).sort()).toEqual(['127.0.0.1', 'localhost']);
    expect(robotsHits(b)).toBe(1);
  });

  it('a 404 robots.txt allows everything', async () => {
    const server = await site(handlers.status(404));
    const { fetched, stats } = await runCrawl(({ callback }) => ['/a', '/b'].map((p) => new Request(`${server.url}${p}`, { callback })), {
      middlewares: [robotsTxt()],
    });
    expect(fetched.sort()).toEqual(['/a', '/b']);
    expect(stats['robotstxt/response_status_count/404']).toBe(1);
    expect(stats['robotstxt/forbidden']).toBeUndefined();
  });

  it('a 503 robots.txt disallows the origin (RFC 9309), then is fetched again after retryAfterError', async () => {
    const server = await site(handlers.sequence(handlers.status(503), handlers.text('User-agent: *\nDisallow: /blocked\n')));
    const retryAfterError = 0.5;
    let hitsDuringBackoff = -1;
    const { fetched, failed, stats, logs } = await runCrawl(
      ({ errback, callback }) => [
        new Request(`${server.url}/first`, {
          callback,
          errback: (failure: Failure) => {
            errback(failure);
            // Still inside the back-off: refused at once, without a new robots.txt request.
            return new Request(`${server.url}/second`, {
              callback,
              errback: async (f: Failure) => {
                errback(f);
                hitsDuringBackoff = robotsHits(server);
                await sleep(retryAfterError * 1000 + 100);
                return [new Request(`${server.url}/third`, { callback, errback }), new Request(`${server.url}/blocked`, { callback, errback })];
              },
            });
          },
        }),
      ],
      { middlewares: [robotsTxt({ retryAfterError })] },
    );
    expect(failed.get('/first')).toBe('Forbidden by robots.txt (unreachable: HTTP 503)');
    expect(failed.get('/second')).toBe('Forbidden by robots.txt (unreachable: HTTP 503)');
    expect(fetched).toEqual(['/third']);
    expect(failed.get('/blocked')).toBe('Forbidden by robots.txt');
    expect(hitsDuringBackoff).toBe(1);
    expect(robotsHits(server)).toBe(2);
    expect(pageHits(server)).toEqual(['/third']);
    expect(stats['robotstxt/response_status_count/503']).toBe(1);
    expect(stats['robotstxt/response_status_count/200']).toBe(1);
    expect(stats['robotstxt/forbidden']).toBe(3);
    expect(logs.some((l) => l.level === 'warn' && l.message.includes('/robots.txt is unreachable (HTTP 503)'))).toBe(true);
  });

  it("onServerError: 'allow' lets everything through while robots.txt is unreachable (Scrapy's behaviour)", async () => {
    const server = await site(handlers.status(503));
    const { fetched, stats } = await runCrawl(({ callback }) => ['/a', '/b', '/c'].map((p) => new Request(`${server.url}${p}`, { callback })), {
      middlewares: [robotsTxt({ onServerError: 'allow' })],
    });
    expect(fetched.sort()).toEqual(['/a', '/b', '/c']);
    expect(robotsHits(server)).toBe(1);
    expect(stats['robotstxt/forbidden']).toBeUndefined();
  });

  it('treats a network failure like a 5xx and counts the exception', async () => {
    const server = await site(handlers.reset());
    const { fetched, failed, stats } = await runCrawl(({ callback, errback }) => [new Request(`${server.url}/a`, { callback, errback })], {
      middlewares: [robotsTxt()],
    });
    expect(fetched).toEqual([]);
    expect(failed.get('/a')).toMatch(/^Forbidden by robots\.txt \(unreachable: /);
    expect(stats['robotstxt/exception_count/ConnectionLostError']).toBe(1);
    expect(stats['robotstxt/response_count']).toBeUndefined();
  });

  it('treats an unfollowed redirect as unavailable (allow all), and follows it when a redirect middleware is installed', async () => {
    const routes = { 'GET /real-robots.txt': handlers.text('User-agent: *\nDisallow: /x\n') };
    const withoutRedirects = await site(handlers.redirect('/real-robots.txt', 301), routes);
    const first = await runCrawl(({ callback, errback }) => [new Request(`${withoutRedirects.url}/x`, { callback, errback })], { middlewares: [robotsTxt()] });
    expect(first.fetched).toEqual(['/x']);

    const withRedirects = await site(handlers.redirect('/real-robots.txt', 301), routes);
    const followRedirects = defineDownloaderMiddleware({
      name: 'test-redirect',
      order: 600,
      processResponse(request, response) {
        const location = response.headers.get('location');
        return response.status === 301 && location ? request.replace({ url: new URL(location, response.url).href }) : response;
      },
    });
    const second = await runCrawl(({ callback, errback }) => [new Request(`${withRedirects.url}/x`, { callback, errback })], {
      middlewares: [robotsTxt(), followRedirects],
    });
    expect(second.fetched).toEqual([]);
    expect(second.failed.get('/x')).toBe('Forbidden by robots.txt');
    expect(withRedirects.requests.map((r) => r.url)).toEqual(['/robots.txt', '/real-robots.txt']);
  });
});

describe('robotsTxt() Crawl-delay', () => {
  it('sets the slot delay from Crawl-delay with useCrawlDelay', async () => {
    const server = await site(handlers.text('User-agent: *\nCrawl-delay: 0.3\n'));
    const { crawler, fetched } = await runCrawl(({ callback }) => ['/a', '/b', '/c'].map((p) => new Request(`${server.url}${p}`, { callback })), {
      middlewares: [robotsTxt({ useCrawlDelay: true })],
      settings: { randomizeDownloadDelay: false },
    });
    expect(fetched).toHaveLength(3);
    expect(crawler.downloader.slot('127.0.0.1').delay).toBe(0.3);
    const times = server.requests.filter((r) => r.url !== '/robots.txt').map((r) => r.at);
    for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(250);
  });

  it('leaves the slot alone without useCrawlDelay, and never lowers a larger delay', async () => {
    const server = await site(handlers.text('User-agent: *\nCrawl-delay: 0.05\n'));
    const off = await runCrawl(({ callback }) => [new Request(`${server.url}/a`, { callback })], { middlewares: [robotsTxt()] });
    expect(off.crawler.downloader.slot('127.0.0.1').delay).toBe(0);
    const larger = await runCrawl(({ callback }) => [new Request(`${server.url}/a`, { callback })], {
      middlewares: [robotsTxt({ useCrawlDelay: true })],
      settings: { downloadDelay: 0.1 },
    });
    expect(larger.crawler.downloader.slot('127.0.0.1').delay).toBe(0.1);
  });
});

describe('robotsTxt() sitemaps (advisory S19)', () => {
  async function sitemapSite(): Promise<TestServer> {
    const server = await site(undefined);
    const other = await site(undefined);
    server.route(
      'GET',
      '/robots.txt',
      handlers.text(
        [
          'User-agent: *',
          'Disallow:',
          `Sitemap: ${server.url}/sitemap.xml`,
          'Sitemap: /relative-sitemap.xml',
          'Sitemap: http://internal.test/admin-sitemap.xml',
          `Sitemap: ${other.url}/other-port.xml`,
          'Sitemap: file:///etc/passwd',
          '',
        ].join('\n'),
      ),
    );
    return server;
  }

  async function crawlFor(server: TestServer, allowCrossHostSitemaps: boolean) {
    let crawlerRef: Crawler | undefined;
    const events: [readonly string[], string][] = [];
    let fromFunction: readonly string[] = [];
    let beforeFetch: readonly string[] = [];
    const outcome = await runCrawl(
      () => [
        new Request(`${server.url}/page`, {
          callback: async (_response: Response) => {
            fromFunction = await robotsTxtSitemaps(crawlerRef!, `${server.url}/any/path`);
            // An origin nobody requested yet: robots.txt is fetched for the call.
            beforeFetch = await robotsTxtSitemaps(crawlerRef!, `http://localhost:${server.port}`);
          },
        }),
      ],
      {
        middlewares: [robotsTxt({ allowCrossHostSitemaps })],
        onCrawler: (crawler) => {
          crawlerRef = crawler;
          crawler.events.on('robotsTxtSitemaps', (sitemaps, origin) => void events.push([sitemaps, origin]));
        },
      },
    );
    return { ...outcome, events, fromFunction, beforeFetch };
  }

  it('exposes only same-host http(s) sitemaps, by function and event, and fetches none of them', async () => {
    const server = await sitemapSite();
    const { events, fromFunction, beforeFetch, logs } = await crawlFor(server, false);
    const expected = [`${server.url}/sitemap.xml`, `${server.url}/relative-sitemap.xml`];
    expect(fromFunction).toEqual(expected);
    expect(events[0]).toEqual([expected, server.url]);
    // Seen from localhost, only the relative sitemap stays on the host.
    expect(beforeFetch).toEqual([`http://localhost:${server.port}/relative-sitemap.xml`]);
    expect(server.requests.map((r) => `${r.host.split(':')[0]}${r.url}`).sort()).toEqual(['127.0.0.1/page', '127.0.0.1/robots.txt', 'localhost/robots.txt']);
    expect(logs.filter((l) => l.level === 'warn' && l.message.startsWith('Ignoring Sitemap'))).toHaveLength(3 + 4);
  });

  it('with allowCrossHostSitemaps also exposes other hosts, but never a non-http scheme', async () => {
    const server = await sitemapSite();
    const { fromFunction } = await crawlFor(server, true);
    expect(fromFunction).toHaveLength(4);
    expect(fromFunction).toContain('http://internal.test/admin-sitemap.xml');
    expect(fromFunction.some((u) => u.startsWith('file:'))).toBe(false);
  });
});
