import { Request, defineSpider, type DownloaderMiddleware, type Response } from '@crawl/core';
import type { Crawler } from '@crawl/engine';
import { handlers, startTestServer, type TestServer } from '@crawl/test-servers';
import { afterEach, describe, expect, it } from 'vitest';
import { basicAuthHeader, httpAuth } from '../src/index.js';
import { loopbackCrawler, type Logged } from './support.js';

/**
 * Security advisory S1 (GHSA-jwqp-28gf-p498) against real loopback servers: a.test and b.test
 * are two servers reached through the http handler's `lookup`.
 *
 * The redirect middleware is written in parallel, so the a.test → b.test hop is made here by a
 * stand-in that is deliberately naive: it follows Location with request.replace(), keeping every
 * header (Authorization included) and the request's internal state. httpAuth must still keep the
 * credentials away from b.test.
 */
const naiveRedirect: DownloaderMiddleware = {
  name: 'test/naive-redirect',
  order: 600,
  processResponse(request, response) {
    const location = response.headers.get('location');
    if (response.status >= 300 && response.status < 400 && location) {
      return request.replace({ url: new URL(location, request.url).href, dontFilter: true });
    }
    return response;
  },
};

describe('httpAuth() security matrix S1 in a real crawl', () => {
  const servers: TestServer[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });

  async function twoHosts(): Promise<{ a: TestServer; b: TestServer; aBase: string; bBase: string }> {
    const b = await startTestServer({ fallback: handlers.text('b ok') });
    const a = await startTestServer({
      routes: {
        '/': handlers.html('<a href="/next">next</a>'),
        '/redirect': handlers.redirect(`http://b.test:${b.port}/landing`),
      },
      fallback: handlers.text('a ok'),
    });
    servers.push(a, b);
    return { a, b, aBase: `http://a.test:${a.port}`, bBase: `http://b.test:${b.port}` };
  }

  for (const mode of ['first request', 'explicit domain'] as const) {
    it(`sends a.test's credentials to a.test only (${mode})`, async () => {
      const { a, b, aBase, bBase } = await twoHosts();
      let crawler: Crawler | undefined;
      const robots: number[] = [];
      const spider = defineSpider({
        name: 's1',
        httpUser: 'alice',
        httpPass: 'wonderland',
        ...(mode === 'explicit domain' ? { httpAuthDomain: 'a.test' } : {}),
        startUrls: [`${aBase}/`],
        async *parse(response: Response) {
          if (response.url !== `${aBase}/`) return;
          // What a robots.txt middleware does: crawler.download() outside the scheduler.
          for (const base of [aBase, bBase]) robots.push((await crawler!.download(new Request(`${base}/robots.txt`))).status);
          yield new Request(`${aBase}/next`);
          yield new Request(`${aBase}/redirect`);
          yield new Request(`${bBase}/page`);
        },
      });
      const logs: Logged[] = [];
      crawler = loopbackCrawler(spider, [httpAuth(), naiveRedirect], logs);
      const { stats } = await crawler.crawl();
      expect(robots).toEqual([200, 200]);
      // /, two robots.txt, /next, /landing (the 302 became a request) and /page.
      expect(stats['response_received_count']).toBe(6);

      const creds = basicAuthHeader('alice', 'wonderland');
      const aPaths = a.requests.map((r) => [r.url, r.headers['authorization']]);
      expect(aPaths).toEqual(
        expect.arrayContaining([
          ['/', creds],
          ['/robots.txt', creds],
          ['/next', creds],
          ['/redirect', creds],
        ]),
      );
      expect(a.requests).toHaveLength(4);
      expect(b.requests.map((r) => r.url).sort()).toEqual(['/landing', '/page', '/robots.txt']);
      for (const r of b.requests) expect(r.headers['authorization'], `b.test${r.url}`).toBeUndefined();
      if (mode === 'first request') expect(logs.some((l) => l.level === 'warn' && /no domain set/.test(l.message))).toBe(true);
      expect(logs.some((l) => /removed the credentials for a\.test from <GET http:\/\/b\.test:\d+\/landing>/.test(l.message))).toBe(true);
    });
  }
});
