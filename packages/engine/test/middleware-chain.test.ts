import { IgnoreRequest, InvalidOutputError, Request, Response, type Crawler, type DownloaderMiddleware } from '@crawl/core';
import { describe, expect, it } from 'vitest';
import { DownloaderMiddlewareChain } from '../src/index.js';

type Hooks = Partial<Pick<DownloaderMiddleware, 'processRequest' | 'processResponse' | 'processException'>>;

/** Middlewares that record each hook call as "<name>.<hook>" into a shared log. */
function setup(defs: [name: string, order: number, hooks?: Hooks][], download?: (r: Request<any>) => Promise<Response>) {
  const log: string[] = [];
  const middlewares: DownloaderMiddleware[] = defs.map(([name, order, hooks = {}]) => ({
    name,
    order,
    processRequest(request, crawler) {
      log.push(`${name}.req`);
      return hooks.processRequest?.call(this, request, crawler);
    },
    processResponse(request, response, crawler) {
      log.push(`${name}.resp`);
      return hooks.processResponse ? hooks.processResponse.call(this, request, response, crawler) : response;
    },
    processException(request, error, crawler) {
      log.push(`${name}.exc`);
      return hooks.processException?.call(this, request, error, crawler);
    },
  }));
  const chain = new DownloaderMiddlewareChain(middlewares, {} as Crawler);
  const request = new Request('http://example.test/');
  const run = () =>
    chain.download(request, async (r) => {
      log.push('download');
      return download ? download(r) : new Response(r.url, { status: 200, request: r });
    });
  return { log, run, request };
}

const ok = (url = 'http://example.test/', status = 200) => new Response(url, { status });

describe('downloader middleware chain (Scrapy semantics)', () => {
  it('processRequest ascending, download, processResponse descending', async () => {
    const { log, run } = setup([
      ['C', 300],
      ['A', 100],
      ['B', 200],
    ]);
    const result = await run();
    expect(result).toBeInstanceOf(Response);
    expect(log).toEqual(['A.req', 'B.req', 'C.req', 'download', 'C.resp', 'B.resp', 'A.resp']);
  });

  it('keeps the given order for equal orders (stable sort)', async () => {
    const { log, run } = setup([
      ['first', 500],
      ['second', 500],
    ]);
    await run();
    expect(log).toEqual(['first.req', 'second.req', 'download', 'second.resp', 'first.resp']);
  });

  it('processRequest → Response: later processRequest and the download are skipped, every processResponse runs', async () => {
    const cached = ok('http://example.test/', 203);
    const { log, run } = setup([
      ['A', 100],
      ['B', 200, { processRequest: () => cached }],
      ['C', 300],
    ]);
    const result = await run();
    expect(result).toBe(cached);
    expect(log).toEqual(['A.req', 'B.req', 'C.resp', 'B.resp', 'A.resp']);
  });

  it('processRequest → Request: the chain stops and the request is handed back for rescheduling', async () => {
    const other = new Request('http://example.test/other');
    const { log, run } = setup([
      ['A', 100],
      ['B', 200, { processRequest: async () => other }],
      ['C', 300],
    ]);
    expect(await run()).toBe(other);
    expect(log).toEqual(['A.req', 'B.req']);
  });

  it('processRequest throws: processException runs descending from the last middleware, then the error propagates', async () => {
    const boom = new IgnoreRequest('blocked');
    const seen: unknown[] = [];
    const { log, run } = setup([
      ['A', 100, { processException: (_r, e) => void seen.push(e) }],
      ['B', 200, { processRequest: () => Promise.reject(boom) }],
      ['C', 300],
    ]);
    await expect(run()).rejects.toBe(boom);
    expect(log).toEqual(['A.req', 'B.req', 'C.exc', 'B.exc', 'A.exc']);
    expect(seen).toEqual([boom]);
  });

  it('handler error: processException → Response stops the exception chain and runs every processResponse', async () => {
    const fallback = ok('http://example.test/', 299);
    const { log, run } = setup(
      [
        ['A', 100],
        ['B', 200, { processException: () => fallback }],
        ['C', 300],
      ],
      () => Promise.reject(new Error('network down')),
    );
    expect(await run()).toBe(fallback);
    expect(log).toEqual(['A.req', 'B.req', 'C.req', 'download', 'C.exc', 'B.exc', 'C.resp', 'B.resp', 'A.resp']);
  });

  it('processException → Request: handed back for rescheduling, no processResponse', async () => {
    const retry = new Request('http://example.test/?retry=1');
    const { log, run } = setup(
      [
        ['A', 100],
        ['B', 200, { processException: async () => retry }],
      ],
      () => Promise.reject(new Error('reset')),
    );
    expect(await run()).toBe(retry);
    expect(log).toEqual(['A.req', 'B.req', 'download', 'B.exc']);
  });

  it('processException all void: the original error reaches the caller (errback)', async () => {
    const error = new Error('refused');
    const { log, run } = setup([['A', 100], ['B', 200]], () => Promise.reject(error));
    await expect(run()).rejects.toBe(error);
    expect(log).toEqual(['A.req', 'B.req', 'download', 'B.exc', 'A.exc']);
  });

  it('processResponse → another Response: earlier middlewares see the replacement', async () => {
    const replaced = ok('http://example.test/', 201);
    let seenByA: Response | undefined;
    const { log, run } = setup([
      ['A', 100, { processResponse: (_q, r) => ((seenByA = r), r) }],
      ['B', 200, { processResponse: () => replaced }],
    ]);
    expect(await run()).toBe(replaced);
    expect(seenByA).toBe(replaced);
    expect(log).toEqual(['A.req', 'B.req', 'download', 'B.resp', 'A.resp']);
  });

  it('processResponse → Request: the chain stops and the request is handed back', async () => {
    const redirect = new Request('http://example.test/moved');
    const { log, run } = setup([
      ['A', 100],
      ['B', 200, { processResponse: () => redirect }],
      ['C', 300],
    ]);
    expect(await run()).toBe(redirect);
    expect(log).toEqual(['A.req', 'B.req', 'C.req', 'download', 'C.resp', 'B.resp']);
  });

  it('processResponse throws: the error goes to the errback; processException is not called', async () => {
    const error = new IgnoreRequest('bad response');
    const { log, run } = setup([
      ['A', 100],
      ['B', 200, { processResponse: () => Promise.reject(error) }],
    ]);
    await expect(run()).rejects.toBe(error);
    expect(log).toEqual(['A.req', 'B.req', 'download', 'B.resp']);
  });

  it('a processRequest returning something else is an InvalidOutputError naming middleware and hook (sent to processException, as in Scrapy)', async () => {
    const seen: unknown[] = [];
    const { log, run } = setup([
      ['A', 100, { processException: (_r, e) => void seen.push(e) }],
      ['bad-mw', 200, { processRequest: () => 'oops' as unknown as void }],
    ]);
    const error = await run().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidOutputError);
    expect(String((error as Error).message)).toMatch(/bad-mw processRequest\(\) must return a Request, a Response or nothing, got the string "oops"/);
    expect(seen).toEqual([error]);
    expect(log).toEqual(['A.req', 'bad-mw.req', 'bad-mw.exc', 'A.exc']);
  });

  it('a processResponse returning something else is an InvalidOutputError', async () => {
    const { run } = setup([['bad-mw', 100, { processResponse: () => 42 as unknown as Response }]]);
    await expect(run()).rejects.toThrow(/Downloader middleware bad-mw processResponse\(\) must return a Request or a Response, got number 42/);
  });

  it('a processException returning something else is an InvalidOutputError', async () => {
    const { run } = setup([['bad-mw', 100, { processException: () => ({}) as unknown as Response }]], () => Promise.reject(new Error('x')));
    await expect(run()).rejects.toThrow(/bad-mw processException\(\) must return a Request, a Response or nothing, got a plain object/);
  });

  it('an async hook in the middle of sync ones: the rest of the chain runs after it, in order, in both directions', async () => {
    const replaced = ok('http://example.test/', 201);
    let seenByA: Response | undefined;
    const { log, run } = setup([
      ['A', 100, { processResponse: (_q, r) => ((seenByA = r), r) }],
      ['B', 200, { processRequest: async () => undefined, processResponse: async () => replaced }],
      ['C', 300],
      ['D', 400, { processRequest: async () => undefined }],
    ]);
    expect(await run()).toBe(replaced);
    expect(seenByA).toBe(replaced);
    expect(log).toEqual(['A.req', 'B.req', 'C.req', 'D.req', 'download', 'D.resp', 'C.resp', 'B.resp', 'A.resp']);
  });

  it('an async processRequest answering with a Response skips the later ones and the download', async () => {
    const cached = ok('http://example.test/', 203);
    const { log, run } = setup([
      ['A', 100],
      ['B', 200, { processRequest: async () => cached }],
      ['C', 300],
    ]);
    expect(await run()).toBe(cached);
    expect(log).toEqual(['A.req', 'B.req', 'C.resp', 'B.resp', 'A.resp']);
  });

  it('an async processResponse answering with a Request stops the chain there', async () => {
    const redirect = new Request('http://example.test/moved');
    const { log, run } = setup([
      ['A', 100],
      ['B', 200, { processResponse: async () => redirect }],
      ['C', 300, { processResponse: async (_q, r) => r }],
    ]);
    expect(await run()).toBe(redirect);
    expect(log).toEqual(['A.req', 'B.req', 'C.req', 'download', 'C.resp', 'B.resp']);
  });

  it('invalid output from async hooks is an InvalidOutputError too', async () => {
    const request = setup([['slow-bad', 100, { processRequest: async () => 'oops' as unknown as void }]]);
    await expect(request.run()).rejects.toThrow(/slow-bad processRequest\(\) must return a Request, a Response or nothing, got the string "oops"/);
    const response = setup([['slow-bad', 100, { processResponse: async () => 42 as unknown as Response }]]);
    await expect(response.run()).rejects.toThrow(/slow-bad processResponse\(\) must return a Request or a Response, got number 42/);
  });

  it('a processRequest that throws synchronously goes to processException like a rejected one', async () => {
    const error = new IgnoreRequest('sync throw');
    const recovered = ok('http://example.test/', 299);
    const { log, run } = setup([
      ['A', 100, { processException: () => recovered }],
      ['B', 200, {
        processRequest: () => {
          throw error;
        },
      }],
    ]);
    expect(await run()).toBe(recovered);
    expect(log).toEqual(['A.req', 'B.req', 'B.exc', 'A.exc', 'B.resp', 'A.resp']);
  });
});
