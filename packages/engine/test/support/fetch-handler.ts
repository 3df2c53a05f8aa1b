import {
  ConnectionLostError,
  ConnectionRefusedError,
  DnsLookupError,
  DownloadError,
  DownloadTimeoutError,
  createResponse,
  type Crawler,
  type DownloadHandler,
  type Request,
  type Response,
} from '@crawl/core';
import { isLoopbackAddress, loopbackLookup } from '@crawl/test-servers';

/** Resolves nothing but loopback literals: tests must never query the machine's DNS server. */
const lookup = loopbackLookup({});
function resolveLoopbackOnly(hostname: string): Promise<void> {
  if (hostname === 'localhost' || isLoopbackAddress(hostname)) return Promise.resolve();
  return new Promise((resolve, reject) => lookup(hostname, {}, (error: unknown) => (error ? reject(error) : resolve())));
}

/**
 * Test-only http/https handler on Node's global fetch (the real one is @crawl/http).
 * Honours crawler.abortSignal and meta.downloadTimeout / settings.downloadTimeout, and maps
 * network errors to core's error classes. Host names other than loopback literals fail with
 * DnsLookupError before any lookup leaves the machine.
 */
export function fetchHandler(): DownloadHandler & { readonly calls: string[] } {
  const calls: string[] = [];
  return {
    name: 'test/fetch-handler',
    schemes: ['http', 'https'],
    calls,
    async download(request: Request<any>, crawler: Crawler): Promise<Response> {
      calls.push(request.url);
      const seconds = request.meta.downloadTimeout ?? crawler.settings.downloadTimeout;
      const timeout = AbortSignal.timeout(Math.round(seconds * 1000));
      const crawlSignal = crawler.abortSignal;
      const signal = AbortSignal.any([timeout, crawlSignal]);
      const bodyless = request.method === 'GET' || request.method === 'HEAD';
      try {
        await resolveLoopbackOnly(request.hostname);
        const res = await fetch(request.url, {
          method: request.method,
          headers: [...request.headers],
          redirect: 'manual',
          signal,
          ...(bodyless ? {} : { body: request.body }),
        });
        const body = new Uint8Array(await res.arrayBuffer());
        const headers: [string, string][] = [];
        for (const [name, value] of res.headers) if (name !== 'set-cookie') headers.push([name, value]);
        for (const cookie of res.headers.getSetCookie()) headers.push(['set-cookie', cookie]);
        return createResponse(request.url, { status: res.status, headers, body, request });
      } catch (error) {
        throw mapError(error, request, timeout, crawlSignal, seconds);
      }
    },
  };
}

function mapError(error: unknown, request: Request<any>, timeout: AbortSignal, crawlSignal: AbortSignal, seconds: number): unknown {
  if (timeout.aborted) return new DownloadTimeoutError(request.url, seconds * 1000, { cause: error });
  if (crawlSignal.aborted) return new DownloadError(request.url, `Download of ${request.url} aborted`, { cause: error });
  const code = (error as { code?: string }).code ?? (error as { cause?: { code?: string } }).cause?.code;
  const message = (error as Error).message ?? String(error);
  if (code === 'ECONNREFUSED') return new ConnectionRefusedError(request.url, `Connection refused: ${request.url}`, { cause: error });
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return new DnsLookupError(request.url, `DNS lookup failed for ${request.url}`, { cause: error });
  if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET') return new ConnectionLostError(request.url, `Connection lost: ${request.url}`, { cause: error });
  return new DownloadError(request.url, `Download of ${request.url} failed: ${message}`, { cause: error });
}
