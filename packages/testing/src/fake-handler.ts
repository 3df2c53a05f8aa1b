import { createResponse, isResponse, type Crawler, type DownloadHandler, type HeadersInit, type Request, type Response } from '@crawl/core';

export interface FakeReply {
  status?: number;
  headers?: HeadersInit;
  /** Default: an HTML page naming the URL. */
  body?: string | Uint8Array;
}

/** A canned answer, a function of the request, a ready Response, or an Error to fail with. */
export type FakeRoute = FakeReply | Response | Error | ((request: Request<any>) => FakeReply | Response | Error | Promise<FakeReply | Response | Error>);

export interface FakeDownloadHandler extends DownloadHandler {
  /** Every request the handler received, in order. */
  readonly requests: Request<any>[];
}

/**
 * An in-process download handler answering from a table keyed by absolute URL; URLs not in the
 * table get `fallback` (default: 404). No sockets: for testing middlewares and spiders where the
 * network is beside the point.
 */
export function fakeDownloadHandler(routes: Record<string, FakeRoute> = {}, options: { fallback?: FakeRoute; schemes?: string[] } = {}): FakeDownloadHandler {
  const requests: Request<any>[] = [];
  const fallback: FakeRoute = options.fallback ?? { status: 404, body: 'Not found' };
  const table = new Map(Object.entries(routes).map(([url, route]) => [new URL(url).href, route]));
  return {
    name: '@crawl/testing/fake-download-handler',
    schemes: options.schemes ?? ['http', 'https'],
    requests,
    async download(request: Request<any>, _crawler: Crawler): Promise<Response> {
      requests.push(request);
      const route = table.get(request.url) ?? fallback;
      const reply = typeof route === 'function' ? await route(request) : route;
      if (reply instanceof Error) throw reply;
      if (isResponse(reply)) return reply;
      return createResponse(request.url, {
        status: reply.status ?? 200,
        headers: reply.headers ?? { 'Content-Type': 'text/html; charset=utf-8' },
        body: reply.body ?? `<html><body><h1>${request.url}</h1></body></html>`,
        request,
        protocol: 'HTTP/1.1',
      });
    },
  };
}
