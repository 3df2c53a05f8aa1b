import { InvalidOutputError, isRequest, isResponse, type Crawler, type DownloaderMiddleware, type Request, type Response } from '@crawl/core';
import { isThenable } from '../util/thenable.js';

type Hook = 'processRequest' | 'processResponse' | 'processException';

/** The download itself (slot queue + handler), called when no processRequest answered. */
export type DownloadFunction = (request: Request<any>) => Promise<Response>;

/**
 * Scrapy's downloader-middleware manager. Hook arrays are built once (processRequest ascending,
 * processResponse / processException descending by `order`, stable for equal orders), so each
 * request runs plain loops; a hook's result is awaited only when it is a promise.
 */
export class DownloaderMiddlewareChain {
  readonly middlewares: readonly DownloaderMiddleware[];
  readonly #request: DownloaderMiddleware[];
  readonly #response: DownloaderMiddleware[];
  readonly #exception: DownloaderMiddleware[];
  readonly #crawler: Crawler;

  constructor(middlewares: readonly DownloaderMiddleware[], crawler: Crawler) {
    const sorted = sortByOrder(middlewares);
    this.middlewares = sorted;
    this.#crawler = crawler;
    this.#request = sorted.filter((m) => typeof m.processRequest === 'function');
    this.#response = sorted.filter((m) => typeof m.processResponse === 'function').reverse();
    this.#exception = sorted.filter((m) => typeof m.processException === 'function').reverse();
  }

  /**
   * Runs a request through the chain. Resolves to the final Response, or to a Request that the
   * caller must reschedule; rejects with the error for the errback.
   */
  async download(request: Request<any>, downloadFn: DownloadFunction): Promise<Response | Request<any>> {
    let result: Response | Request<any>;
    try {
      result = await this.#processRequest(request, downloadFn);
    } catch (error) {
      // Scrapy: errors of the handler and of processRequest (InvalidOutput included) go to processException.
      result = await this.#processException(request, error);
    }
    if (isRequest(result)) return result;
    if (result.bodyStream !== undefined) return this.#processStreamedResponse(request, result);
    return this.#processResponse(request, result);
  }

  /**
   * As #processResponse, releasing the body stream when a middleware drops the response or
   * replaces it with a buffered one. A middleware that passes on a stream of its own (the
   * compression middleware's decoder, say) derives it from this one and owns it.
   */
  async #processStreamedResponse(request: Request<any>, response: Response): Promise<Response | Request<any>> {
    const stream = response.bodyStream!;
    let out: Response | Request<any> | undefined;
    try {
      out = await this.#processResponse(request, response);
      return out;
    } finally {
      if (out === undefined || isRequest(out) || out.bodyStream === undefined) stream.destroy();
    }
  }

  // processRequest and processResponse run as plain loops and become async only from a hook that
  // returns a promise: every default middleware answers synchronously, and an async function per
  // request and direction is one more promise and frame for each request in flight to carry.

  #processRequest(request: Request<any>, downloadFn: DownloadFunction, from = 0): Response | Request<any> | Promise<Response | Request<any>> {
    const hooks = this.#request;
    for (let i = from; i < hooks.length; i++) {
      const out: unknown = hooks[i]!.processRequest!(request, this.#crawler);
      if (isThenable(out)) return this.#afterRequestHook(out, i, request, downloadFn);
      if (answered(hooks[i]!, 'processRequest', out)) return out;
    }
    return downloadFn(request);
  }

  async #afterRequestHook(pending: PromiseLike<unknown>, i: number, request: Request<any>, downloadFn: DownloadFunction): Promise<Response | Request<any>> {
    const out = await pending;
    if (answered(this.#request[i]!, 'processRequest', out)) return out;
    return this.#processRequest(request, downloadFn, i + 1);
  }

  #processResponse(request: Request<any>, response: Response, from = 0): Response | Request<any> | Promise<Response | Request<any>> {
    const hooks = this.#response;
    let current = response;
    for (let i = from; i < hooks.length; i++) {
      const out: unknown = hooks[i]!.processResponse!(request, current, this.#crawler);
      if (isThenable(out)) return this.#afterResponseHook(out, i, request);
      if (responseHookEnded(hooks[i]!, out)) return out;
      current = out as Response;
    }
    return current;
  }

  async #afterResponseHook(pending: PromiseLike<unknown>, i: number, request: Request<any>): Promise<Response | Request<any>> {
    const out = await pending;
    if (responseHookEnded(this.#response[i]!, out)) return out;
    return this.#processResponse(request, out as Response, i + 1);
  }

  async #processException(request: Request<any>, error: unknown): Promise<Response | Request<any>> {
    const crawler = this.#crawler;
    for (const mw of this.#exception) {
      let out: unknown = mw.processException!(request, error, crawler);
      if (isThenable(out)) out = await out;
      if (answered(mw, 'processException', out)) return out;
    }
    throw error;
  }
}

/** Stable sort by `order` (ties keep the given order). */
export function sortByOrder<T extends { readonly order: number; readonly name: string }>(list: readonly T[]): T[] {
  return list
    .map((item, index) => ({ item, index }))
    .sort((a, b) => a.item.order - b.item.order || a.index - b.index)
    .map((x) => x.item);
}

/** A processRequest or processException answer: true for a Response or Request, which ends the chain, false for nothing; throws for anything else. */
function answered(mw: DownloaderMiddleware, hook: 'processRequest' | 'processException', out: unknown): out is Response | Request<any> {
  if (out === undefined || out === null) return false;
  if (isResponse(out) || isRequest(out)) return true;
  throw invalid(mw, hook, 'a Request, a Response or nothing', out);
}

/** processResponse's answer: true for a Request, which ends the chain, false for a Response, passed on; throws for anything else. */
function responseHookEnded(mw: DownloaderMiddleware, out: unknown): out is Request<any> {
  if (isResponse(out)) return false;
  if (isRequest(out)) return true;
  throw invalid(mw, 'processResponse', 'a Request or a Response', out);
}

function invalid(mw: DownloaderMiddleware, hook: Hook, expected: string, got: unknown): InvalidOutputError {
  return new InvalidOutputError(`Downloader middleware ${mw.name} ${hook}() must return ${expected}, got ${describe(got)}`);
}

export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'object') {
    const name = (value as object).constructor?.name;
    return !name || name === 'Object' ? 'a plain object' : `a ${name} object`;
  }
  if (typeof value === 'string') return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  return `${typeof value} ${String(value)}`;
}
