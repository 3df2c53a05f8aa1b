import { createServer } from 'node:net';
import {
  ConnectionRefusedError,
  DnsLookupError,
  DownloadTimeoutError,
  HttpError,
  IgnoreRequest,
  Request,
  type Failure,
  type SpiderMiddleware,
} from '@crawl/core';
import { handlers, startTestServer, type TestServer } from '@crawl/test-servers';
import { afterEach, describe, expect, it } from 'vitest';
import { crawl, type CrawlerOptions } from '../src/index.js';
import { fakeHandler } from './support/fake-handler.js';
import { fetchHandler } from './support/fetch-handler.js';
import { memoryLogger } from './support/logger.js';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** A loopback port nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address() as { port: number };
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

/** Crawls one request with an errback that records failures and yields an item per failure. */
async function crawlOne(url: string, options: Partial<CrawlerOptions> = {}, withErrback = true) {
  const failures: Failure[] = [];
  const items: unknown[] = [];
  const logger = memoryLogger();
  const result = await crawl(
    {
      name: 'errbacks',
      *start() {
        yield new Request(url, {
          ...(withErrback
            ? {
                errback: (failure: Failure) => {
                  failures.push(failure);
                  return [{ failed: failure.request.url }];
                },
              }
            : {}),
        });
      },
      parse: () => undefined,
    },
    {
      downloadHandlers: [fetchHandler()],
      logger,
      settings: { logStatsInterval: 0, logLevel: 'debug' },
      extensions: [{ name: 'items', open: (c) => void c.events.on('itemScraped', (i) => void items.push(i)) }],
      ...options,
    },
  );
  return { failures, items, logger, result };
}

describe('errbacks', () => {
  it('connection refused → ConnectionRefusedError; errback output is processed like callback output', async () => {
    const url = `http://127.0.0.1:${await closedPort()}/`;
    const { failures, items, result } = await crawlOne(url);
    expect(failures).toHaveLength(1);
    expect(failures[0]!.error).toBeInstanceOf(ConnectionRefusedError);
    expect(failures[0]!.request.url).toBe(url);
    expect(failures[0]!.response).toBeUndefined();
    expect(items).toEqual([{ failed: url }]);
    expect(result.reason).toBe('finished');
  });

  it('without an errback a download error is logged at error level naming the request', async () => {
    const url = `http://127.0.0.1:${await closedPort()}/`;
    const { logger, result } = await crawlOne(url, {}, false);
    const lines = logger.find('error', `Error downloading <GET ${url}>`);
    expect(lines).toHaveLength(1);
    expect(lines[0]!.message).toMatch(/ConnectionRefusedError/);
    expect(result.stats['log_count/ERROR']).toBe(1);
    expect(result.stats['spider_exceptions/count']).toBeUndefined();
  });

  it('DNS failure on a .invalid host → DnsLookupError', async () => {
    const { failures } = await crawlOne('http://no-such-host.invalid/');
    expect(failures).toHaveLength(1);
    expect(failures[0]!.error).toBeInstanceOf(DnsLookupError);
  });

  it('a stalled server with downloadTimeout 1 → DownloadTimeoutError', async () => {
    server = await startTestServer({ routes: { '/stall': handlers.stall() } });
    const { failures } = await crawlOne(`${server.url}/stall`, { settings: { logStatsInterval: 0, downloadTimeout: 1 } });
    expect(failures).toHaveLength(1);
    expect(failures[0]!.error).toBeInstanceOf(DownloadTimeoutError);
  });

  it('meta.downloadTimeout overrides the setting', async () => {
    server = await startTestServer({ routes: { '/stall': handlers.stall() } });
    const failures: Failure[] = [];
    await crawl(
      {
        name: 't',
        *start() {
          yield new Request(`${server!.url}/stall`, { meta: { downloadTimeout: 0.3 }, errback: (f) => void failures.push(f) });
        },
        parse: () => undefined,
      },
      { downloadHandlers: [fetchHandler()], logger: memoryLogger(), settings: { logStatsInterval: 0, downloadTimeout: 100 } },
    );
    expect(failures[0]?.error).toBeInstanceOf(DownloadTimeoutError);
    expect((failures[0]!.error as DownloadTimeoutError).timeoutMs).toBe(300);
  });

  it('404 → HttpError (httperror middleware) with the response in the Failure', async () => {
    server = await startTestServer({ routes: { '/missing': handlers.status(404) } });
    const { failures, result } = await crawlOne(`${server.url}/missing`);
    expect(failures).toHaveLength(1);
    expect(failures[0]!.error).toBeInstanceOf(HttpError);
    expect(failures[0]!.response?.status).toBe(404);
    expect(result.stats['spider_exceptions/count']).toBeUndefined();
  });

  it('404 without errback: logged at info by the httperror middleware, not an error', async () => {
    server = await startTestServer({ routes: { '/missing': handlers.status(404) } });
    const { logger, result } = await crawlOne(`${server.url}/missing`, {}, false);
    expect(logger.find('info', /Ignoring response <404 .*\/missing>/)).toHaveLength(1);
    expect(logger.lines.filter((l) => l.level === 'error')).toEqual([]);
    expect(result.stats['httperror/response_ignored_count']).toBe(1);
  });

  it('processSpiderInput refusing a response sends it to the errback; unhandled IgnoreRequest is an info line', async () => {
    const refuse: SpiderMiddleware = {
      name: 'refuse',
      order: 100,
      processSpiderInput(response) {
        if (response.url.includes('/refused')) throw new IgnoreRequest('not for us');
      },
    };
    const failures: Failure[] = [];
    const logger = memoryLogger();
    const parsed: string[] = [];
    await crawl(
      {
        name: 'input',
        *start() {
          yield new Request('http://in.test/refused/1', { errback: (f) => void failures.push(f) });
          yield new Request('http://in.test/refused/2');
          yield new Request('http://in.test/ok');
        },
        parse: (r) => void parsed.push(r.url),
      },
      { downloadHandlers: [fakeHandler()], spiderMiddlewares: [refuse], logger, settings: { logStatsInterval: 0 } },
    );
    expect(parsed).toEqual(['http://in.test/ok']);
    expect(failures).toHaveLength(1);
    expect(failures[0]!.response?.url).toBe('http://in.test/refused/1');
    expect(failures[0]!.error).toBeInstanceOf(IgnoreRequest);
    expect(logger.find('info', 'Ignoring response <200 http://in.test/refused/2>: IgnoreRequest: not for us')).toHaveLength(1);
  });

  it('an errback that throws is a spider error', async () => {
    const logger = memoryLogger();
    const result = await crawl(
      {
        name: 'bad-errback',
        *start() {
          yield new Request('http://e.test/', {
            errback() {
              throw new TypeError('errback broke');
            },
          });
        },
        parse: () => undefined,
      },
      { downloadHandlers: [fakeHandler(() => new Error('down'))], logger, settings: { logStatsInterval: 0 } },
    );
    expect(result.stats['spider_exceptions/TypeError']).toBe(1);
    expect(logger.find('error', 'Spider error processing <GET http://e.test/>')).toHaveLength(1);
  });
});
