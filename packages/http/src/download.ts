import {
  createResponse,
  DownloadError,
  DownloadTimeoutError,
  ResponseDataLossError,
  ResponseTooLargeError,
  StopDownload,
  type Crawler,
  type Headers,
  type Request,
  type Response,
  type ResponseInit,
} from '@crawl/core';
import type { Dispatcher } from 'undici';
import { isConnectionLoss, mapDownloadError } from './map-error.js';
import { concatChunks, directHeaders, requestPath, toCoreHeaders } from './wire.js';

/** Per-request limits, resolved by the handler from meta and settings. */
export interface DownloadLimits {
  /** 0 = no timeout. */
  readonly timeoutMs: number;
  /** 0 = no limit. */
  readonly maxSize: number;
  /** 0 = no warning. */
  readonly warnSize: number;
  readonly failOnDataloss: boolean;
  readonly connectTimeoutMs: number;
}

/** Where a proxied request goes on the wire (a direct request is built from the Request itself). */
export interface ProxiedWire {
  readonly origin: string;
  readonly path: string;
  readonly headers: string[] | Record<string, string | string[]>;
  /** The proxy's `scheme://host:port`, named in error messages. */
  readonly proxy: string;
}

/** A StopDownload with the partial response attached, as Scrapy's errback sees it. */
export type StopDownloadWithResponse = StopDownload & { response?: Response };

function onTimeout(download: HttpDownload): void {
  download.abortWith(new DownloadTimeoutError(download.request.url, download.limits.timeoutMs));
}

function resolveLater(resolve: (response: Response) => void, response: Response): void {
  setImmediate(resolve, response);
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * One HTTP download, written as an undici dispatch handler: the body arrives as chunks in
 * `onResponseData` without a stream in between, and every way the download can end (done,
 * error, timeout, crawler abort, size limit, StopDownload) funnels into one settle.
 * A class rather than closures because undici calls these methods per chunk on the hot path:
 * the prototype shares them, so a download costs one object instead of a closure per callback.
 */
export class HttpDownload implements Dispatcher.DispatchHandler {
  readonly request: Request<any>;
  readonly crawler: Crawler;
  readonly limits: DownloadLimits;
  readonly signal: AbortSignal | undefined;
  private readonly registry: Set<HttpDownload>;
  private readonly resolve: (response: Response) => void;
  private readonly reject: (error: unknown) => void;
  private readonly secure: boolean;
  private readonly started: number = performance.now();
  private controller: Dispatcher.DispatchController | undefined = undefined;
  /** Set when the download ended before undici handed over a controller; used as soon as it does. */
  private pendingAbort: Error | undefined = undefined;
  private settled = false;
  private timer: NodeJS.Timeout | undefined = undefined;
  private status = 0;
  private headers: Headers | undefined = undefined;
  private chunks: Buffer[] = [];
  private received = 0;
  private warned = false;
  private emitBytes = false;
  private closeDelimited = false;
  private proxy: string | undefined = undefined;

  constructor(
    request: Request<any>,
    crawler: Crawler,
    limits: DownloadLimits,
    signal: AbortSignal | undefined,
    registry: Set<HttpDownload>,
    resolve: (response: Response) => void,
    reject: (error: unknown) => void,
  ) {
    this.request = request;
    this.crawler = crawler;
    this.limits = limits;
    this.signal = signal;
    this.registry = registry;
    this.resolve = resolve;
    this.reject = reject;
    this.secure = request.scheme === 'https';
  }

  start(dispatcher: Dispatcher, wire?: ProxiedWire): void {
    this.registry.add(this);
    const { timeoutMs } = this.limits;
    if (timeoutMs > 0) this.timer = setTimeout(onTimeout, timeoutMs, this);
    const request = this.request;
    const body = request.body;
    if (wire !== undefined) this.proxy = wire.proxy;
    try {
      dispatcher.dispatch(
        {
          origin: wire === undefined ? request.origin : wire.origin,
          path: wire === undefined ? requestPath(request) : wire.path,
          method: request.method as Dispatcher.HttpMethod,
          headers: wire === undefined ? directHeaders(request) : wire.headers,
          body: body.byteLength > 0 ? body : null,
        },
        this,
      );
    } catch (error) {
      // undici reports most invalid input through onResponseError; this catches the rest.
      this.onResponseError(undefined, error as Error);
    }
  }

  // ---- undici handler ------------------------------------------------------------------------

  onRequestStart(controller: Dispatcher.DispatchController): void {
    if (this.pendingAbort !== undefined) {
      controller.abort(this.pendingAbort);
      return;
    }
    this.controller = controller;
  }

  onResponseStart(
    controller: Dispatcher.DispatchController,
    statusCode: number,
    parsed: Record<string, string | string[] | undefined>,
  ): void {
    // 1xx informational responses precede the real one.
    if (statusCode < 200 || this.settled) return;
    const request = this.request;
    this.status = statusCode;
    request.meta.downloadLatency = (performance.now() - this.started) / 1000;
    let headers: Headers;
    try {
      headers = toCoreHeaders(controller.rawHeaders as Buffer[] | null | undefined, parsed);
    } catch (cause) {
      this.abortWith(new DownloadError(request.url, `Invalid response header from ${request.url}: ${message(cause)}`, { cause }));
      return;
    }
    this.headers = headers;
    const events = this.crawler.events;
    if (events.listenerCount('headersReceived') > 0) {
      try {
        events.emit('headersReceived', headers, statusCode, request);
      } catch (error) {
        if (this.listenerFailed(error, 'headersReceived')) return;
      }
    }
    this.emitBytes = events.listenerCount('bytesReceived') > 0;

    if (request.method === 'HEAD' || statusCode === 204 || statusCode === 304) return;
    const length = headers.getFirst('content-length');
    if (length === undefined) {
      // Neither length nor chunking: the body ends when the server closes (Scrapy flags it 'partial').
      this.closeDelimited = !headers.has('transfer-encoding');
      return;
    }
    const declared = Number(length);
    const { maxSize, warnSize } = this.limits;
    if (maxSize > 0 && declared > maxSize) {
      this.crawler.logger.warn(
        `Cancelling download of ${request.url}: expected response size (${declared}) larger than download max size (${maxSize}).`,
        { url: request.url, size: declared, maxSize },
      );
      this.abortWith(new ResponseTooLargeError(request.url, declared, maxSize));
      return;
    }
    if (warnSize > 0 && declared > warnSize) {
      this.warned = true;
      this.crawler.logger.warn(
        `Expected response size (${declared}) larger than download warn size (${warnSize}) in request ${request}.`,
        { url: request.url, size: declared, warnSize },
      );
    }
  }

  onResponseData(_controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.settled) return;
    this.chunks.push(chunk);
    const received = (this.received += chunk.byteLength);
    if (this.emitBytes) {
      try {
        this.crawler.events.emit('bytesReceived', chunk, this.request);
      } catch (error) {
        if (this.listenerFailed(error, 'bytesReceived')) return;
      }
    }
    const { maxSize, warnSize } = this.limits;
    if (maxSize > 0 && received > maxSize) {
      this.chunks = [];
      this.crawler.logger.warn(
        `Received (${received}) bytes larger than download max size (${maxSize}) in request ${this.request}.`,
        { url: this.request.url, size: received, maxSize },
      );
      this.abortWith(new ResponseTooLargeError(this.request.url, received, maxSize));
      return;
    }
    if (warnSize > 0 && !this.warned && received > warnSize) {
      this.warned = true;
      this.crawler.logger.warn(`Received more bytes than download warn size (${warnSize}) in request ${this.request}.`, {
        url: this.request.url,
        size: received,
        warnSize,
      });
    }
  }

  onResponseEnd(): void {
    if (this.settled) return;
    this.settle();
    const response = this.buildResponse(this.closeDelimited ? ['partial'] : undefined);
    // With pipelining 1, undici frees the connection in a setImmediate it schedules right after this
    // callback returns. A caller that sends its next request as soon as this one resolves would find
    // the connection busy and open another one; delivering from a later immediate (same event-loop
    // turn) lets it reuse the connection instead.
    process.nextTick(resolveLater, this.resolve, response);
  }

  onResponseError(_controller: Dispatcher.DispatchController | undefined, error: Error): void {
    if (this.settled) return;
    const url = this.request.url;
    if (this.status >= 200 && isConnectionLoss(error)) {
      if (!this.limits.failOnDataloss) {
        this.succeed(['dataloss']);
        return;
      }
      const expected = this.headers?.getFirst('content-length');
      this.settle();
      this.reject(
        new ResponseDataLossError(
          url,
          `Got data loss in ${url}: the connection closed after ${this.received}${expected === undefined ? '' : ` of ${expected}`} body bytes (${message(error)}). ` +
            'Set meta.downloadFailOnDataloss or the downloadFailOnDataloss setting to false to accept broken responses.',
          { cause: error },
        ),
      );
      return;
    }
    this.settle();
    this.reject(mapDownloadError(error, url, this.limits.connectTimeoutMs, this.secure, this.proxy));
  }

  // ---- ending ---------------------------------------------------------------------------------

  /** Fails the download with `error` and stops the transfer (socket destroyed, nothing more read). */
  abortWith(error: Error): void {
    if (this.settled) return;
    this.settle();
    this.reject(error);
    this.cancelTransfer(error);
  }

  private cancelTransfer(reason: Error): void {
    const controller = this.controller;
    if (controller === undefined) this.pendingAbort = reason;
    // Calls onResponseError synchronously; it sees `settled` and ignores it.
    else if (!controller.aborted) controller.abort(reason);
  }

  private settle(): void {
    this.settled = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.registry.delete(this);
  }

  private succeed(flags: readonly string[] | undefined): void {
    this.settle();
    this.resolve(this.buildResponse(flags));
  }

  private buildResponse(flags: readonly string[] | undefined): Response {
    const init: ResponseInit = {
      status: this.status,
      headers: this.headers!,
      body: concatChunks(this.chunks, this.received),
      request: this.request,
      protocol: 'HTTP/1.1',
    };
    if (flags !== undefined) init.flags = flags;
    this.chunks = [];
    return createResponse(this.request.url, init);
  }

  /** A listener threw: StopDownload ends the download (returns true); anything else is logged. */
  private listenerFailed(error: unknown, event: 'headersReceived' | 'bytesReceived'): boolean {
    if (!(error instanceof StopDownload)) {
      this.crawler.logger.error(`A ${event} listener failed for ${this.request.url}: ${message(error)}`, { error });
      return false;
    }
    const response = this.buildResponse(['download_stopped']);
    this.settle();
    if (error.fail) {
      (error as StopDownloadWithResponse).response = response;
      this.reject(error);
    } else {
      this.resolve(response);
    }
    this.cancelTransfer(error);
    return true;
  }
}
