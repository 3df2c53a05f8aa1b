import { createResponse, type Crawler, type DownloadHandler, type Request, type Response } from '@crawl/core';

export interface FakeReply {
  status?: number;
  body?: string;
  headers?: Record<string, string>;
  /** Milliseconds before answering (cancelled by crawler.abortSignal). */
  delayMs?: number;
}

export type FakeRoute = (request: Request<any>) => FakeReply | Error | undefined;

/**
 * In-process handler for tests where the network is irrelevant: answers from a function
 * (default: an HTML page naming the URL), records every request and the peak in flight.
 */
export function fakeHandler(route: FakeRoute = () => undefined, schemes: string[] = ['http', 'https']): DownloadHandler & {
  readonly requests: Request<any>[];
  inFlight: number;
  peak: number;
} {
  const handler = {
    name: 'test/fake-handler',
    schemes,
    requests: [] as Request<any>[],
    inFlight: 0,
    peak: 0,
    async download(request: Request<any>, crawler: Crawler): Promise<Response> {
      handler.requests.push(request);
      handler.inFlight++;
      handler.peak = Math.max(handler.peak, handler.inFlight);
      try {
        const reply = route(request) ?? {};
        if (reply instanceof Error) throw reply;
        if (reply.delayMs) await sleep(reply.delayMs, crawler.abortSignal);
        return createResponse(request.url, {
          status: reply.status ?? 200,
          headers: reply.headers ?? { 'content-type': 'text/html; charset=utf-8' },
          body: reply.body ?? `<html><body><h1>${request.url}</h1></body></html>`,
          request,
        });
      } finally {
        handler.inFlight--;
      }
    },
  };
  return handler;
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
