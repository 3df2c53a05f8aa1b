import { IgnoreRequest, Request, Response, UnsupportedSchemeError, type DownloaderMiddleware, type Failure } from '@crawl/core';
import { describe, expect, it } from 'vitest';
import { crawl } from '../src/index.js';
import { fakeHandler } from './support/fake-handler.js';
import { memoryLogger } from './support/logger.js';

const base = { builtinSpiderMiddlewares: false, builtinDownloaderMiddlewares: false, settings: { logStatsInterval: 0, logLevel: 'debug' } } as const;

describe('downloader middlewares inside a crawl', () => {
  it('processRequest → Request is rescheduled and downloaded; its response reaches the callback', async () => {
    const handler = fakeHandler();
    const seen: string[] = [];
    const rewrite: DownloaderMiddleware = {
      name: 'rewrite',
      order: 100,
      processRequest: (r) => (r.url.endsWith('/old') ? new Request('http://site.test/new', { dontFilter: true }) : undefined),
    };
    const result = await crawl(
      { name: 's', startUrls: ['http://site.test/old'], parse: (res) => void seen.push(res.url) },
      { ...base, downloadHandlers: [handler], downloaderMiddlewares: [rewrite], logger: memoryLogger() },
    );
    expect(handler.requests.map((r) => r.url)).toEqual(['http://site.test/new']);
    expect(seen).toEqual(['http://site.test/new']);
    expect(result.stats['scheduler/enqueued']).toBe(2);
  });

  it('processRequest → Response skips the handler and feeds the callback', async () => {
    const handler = fakeHandler();
    const bodies: string[] = [];
    const cache: DownloaderMiddleware = {
      name: 'cache',
      order: 900,
      processRequest: (r) => new Response(r.url, { status: 200, body: 'cached', flags: ['cached'] }),
    };
    await crawl(
      { name: 's', startUrls: ['http://site.test/a', 'http://site.test/b'], parse: (res) => void bodies.push(`${res.request?.url} ${res.flags.join()}`) },
      { ...base, downloadHandlers: [handler], downloaderMiddlewares: [cache], logger: memoryLogger() },
    );
    expect(handler.requests).toHaveLength(0);
    expect(bodies.sort()).toEqual(['http://site.test/a cached', 'http://site.test/b cached']);
  });

  it('processResponse → Request (a redirect) is rescheduled through the dupefilter', async () => {
    const handler = fakeHandler((r) => (r.url.endsWith('/from') ? { status: 302, headers: { location: '/to' } } : undefined));
    const seen: string[] = [];
    const redirect: DownloaderMiddleware = {
      name: 'redirect',
      order: 600,
      processResponse: (req, res) => (res.status === 302 ? req.replace({ url: new URL(res.headers.get('location')!, req.url).href }) : res),
    };
    const result = await crawl(
      { name: 's', startUrls: ['http://site.test/from', 'http://site.test/to'], parse: (res) => void seen.push(res.url) },
      { ...base, downloadHandlers: [handler], downloaderMiddlewares: [redirect], logger: memoryLogger() },
    );
    // The start requests are dontFilter; the redirect keeps that flag, so /to is fetched twice.
    expect(seen.sort()).toEqual(['http://site.test/to', 'http://site.test/to']);
    expect(result.stats['scheduler/enqueued']).toBe(3);
  });

  it('processException → Response replaces a failed download', async () => {
    const handler = fakeHandler(() => new Error('socket hang up'));
    const seen: number[] = [];
    const fallback: DownloaderMiddleware = {
      name: 'fallback',
      order: 500,
      processException: (r) => new Response(r.url, { status: 503, body: 'offline copy' }),
    };
    const logger = memoryLogger();
    await crawl({ name: 's', startUrls: ['http://site.test/'], parse: (res) => void seen.push(res.status) }, { ...base, downloadHandlers: [handler], downloaderMiddlewares: [fallback], logger });
    expect(seen).toEqual([503]);
    expect(logger.find('error', 'Error downloading')).toHaveLength(0);
  });

  it('IgnoreRequest from processRequest reaches the errback with the request; without errback it is only a debug line', async () => {
    const failures: Failure[] = [];
    const block: DownloaderMiddleware = {
      name: 'block',
      order: 100,
      processRequest: (r) => {
        if (r.url.includes('/private')) throw new IgnoreRequest(`Forbidden by policy: ${r.url}`);
      },
    };
    const logger = memoryLogger();
    const handler = fakeHandler();
    const result = await crawl(
      {
        name: 's',
        *start() {
          yield new Request('http://site.test/private/1', { errback: (f) => void failures.push(f) });
          yield new Request('http://site.test/private/2');
          yield new Request('http://site.test/public');
        },
        parse: () => undefined,
      },
      { ...base, downloadHandlers: [handler], downloaderMiddlewares: [block], logger },
    );
    expect(result.reason).toBe('finished');
    expect(failures).toHaveLength(1);
    expect(failures[0]!.request.url).toBe('http://site.test/private/1');
    expect(failures[0]!.error).toBeInstanceOf(IgnoreRequest);
    expect(handler.requests.map((r) => r.url)).toEqual(['http://site.test/public']);
    expect(logger.lines.filter((l) => l.level === 'error')).toEqual([]);
    expect(logger.find('debug', 'Ignored request <GET http://site.test/private/2>')).toHaveLength(1);
  });

  it('a request whose scheme has no handler fails with UnsupportedSchemeError to its errback', async () => {
    const errors: unknown[] = [];
    await crawl(
      { name: 's', *start() { yield new Request('ftp://files.test/x', { errback: (f) => void errors.push(f.error) }); }, parse: () => undefined },
      { ...base, downloadHandlers: [fakeHandler()], logger: memoryLogger() },
    );
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(UnsupportedSchemeError);
    expect((errors[0] as Error).message).toMatch(/scheme 'ftp'/);
  });
});
