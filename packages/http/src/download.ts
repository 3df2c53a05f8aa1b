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
import { HttpBodyStream, type StreamSource } from './body-stream.js';
import { httpLog } from './log.js';
import { isConnectionLoss, mapDownloadError } from './map-error.js';
import { PEER_LISTENER, type PeerDispatchOptions, type PeerSource } from './socket-info.js';
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
  /** TLS server name when the connection is TLS to an https:// proxy (not the target's name). */
  readonly servername?: string | undefined;
}

/** A StopDownload with the partial response attached, as Scrapy's errback sees it. */
export type StopDownloadWithResponse = StopDownload & { response?: Response };

function onTimeout(download: HttpDownload): void {
  download.abortWith(new DownloadTimeoutError(download.request.url, download.limits.timeoutMs));
}

function resolveLater(resolve: (response: Response) => void, response: Response): void {
  // A closure, not setImmediate(resolve, response): Node 20 keeps a run immediate's arguments (and its
  // links to the rest of the batch), which kept a whole batch of responses reachable.
  setImmediate(() => resolve(response));
}

function ignoreResponse(_response: Response): void {}
function ignoreError(_error: unknown): void {}

/** Buffered bytes above which a streamed body pauses the socket until the consumer reads. */
const STREAM_HIGH_WATER_MARK = 256 * 1024;
/**
 * meta.streamBody: a body that ends within this many bytes is delivered whole as usual (so small
 * responses still get every body-reading middleware: meta refresh, HTTP cache, byte stats); past
 * it the response is delivered with what arrived so far at the head of `bodyStream`.
 */
export const STREAM_THRESHOLD = 1024 * 1024;
const EMPTY = new Uint8Array(0);

function wantsStream(request: Request<any>, status: number): boolean {
  return request.meta.streamBody === true && status >= 200 && status < 300 && status !== 204 && request.method !== 'HEAD';
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
export class HttpDownload implements Dispatcher.DispatchHandler, StreamSource {
  readonly request: Request<any>;
  readonly crawler: Crawler;
  readonly limits: DownloadLimits;
  readonly signal: AbortSignal | undefined;
  private readonly registry: Set<HttpDownload>;
  // Dropped once used (see release()): a settled download must not keep its Response reachable.
  private resolve: (response: Response) => void;
  private reject: (error: unknown) => void;
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
  /** The undici Client this download was dispatched to, set by it (socket-info.ts): its peer gives ipAddress and certificate. */
  connection: PeerSource | undefined = undefined;
  /** meta.streamBody on a 2xx: the body becomes a stream once it passes STREAM_THRESHOLD. */
  private streamable = false;
  /** Set once the body is streamed: the response went out, the rest of the download feeds this. */
  private stream: HttpBodyStream | undefined = undefined;

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
          servername: wire === undefined ? undefined : wire.servername,
          [PEER_LISTENER]: this,
        } as PeerDispatchOptions,
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
      this.streamable = wantsStream(request, statusCode);
      return;
    }
    const declared = Number(length);
    const { maxSize, warnSize } = this.limits;
    if (maxSize > 0 && declared > maxSize) {
      httpLog(this.crawler).warn(
        `Cancelling download of ${request.url}: expected response size (${declared}) larger than download max size (${maxSize}).`,
        { url: request.url, size: declared, maxSize },
      );
      this.abortWith(new ResponseTooLargeError(request.url, declared, maxSize));
      return;
    }
    if (warnSize > 0 && declared > warnSize) {
      this.warned = true;
      httpLog(this.crawler).warn(
        `Expected response size (${declared}) larger than download warn size (${warnSize}) in request ${request}.`,
        { url: request.url, size: declared, warnSize },
      );
    }
    this.streamable = wantsStream(request, statusCode);
  }

  /** Resolves now with a response whose body is a stream; the rest of the download feeds it. */
  private deliverStream(): HttpBodyStream {
    const stream = new HttpBodyStream(this, STREAM_HIGH_WATER_MARK);
    this.stream = stream;
    this.resolveWith(this.buildResponse(undefined, stream));
    return stream;
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.settled) return;
    const stream = this.stream;
    if (stream === undefined) this.chunks.push(chunk);
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
      httpLog(this.crawler).warn(
        `Received (${received}) bytes larger than download max size (${maxSize}) in request ${this.request}.`,
        { url: this.request.url, size: received, maxSize },
      );
      this.abortWith(new ResponseTooLargeError(this.request.url, received, maxSize));
      return;
    }
    if (warnSize > 0 && !this.warned && received > warnSize) {
      this.warned = true;
      httpLog(this.crawler).warn(`Received more bytes than download warn size (${warnSize}) in request ${this.request}.`, {
        url: this.request.url,
        size: received,
        warnSize,
      });
    }
    // After the checks, so a chunk past the limit never reaches the consumer.
    if (stream !== undefined) {
      if (!stream.push(chunk)) controller.pause();
    } else if (this.streamable && received > STREAM_THRESHOLD) {
      const held = this.chunks;
      const started = this.deliverStream();
      let room = true;
      for (const part of held) room = started.push(part);
      if (!room) controller.pause();
    }
  }

  resumeTransfer(): void {
    const controller = this.controller;
    if (controller !== undefined && controller.paused && !this.settled) controller.resume();
  }

  cancelFromConsumer(reason: Error): void {
    if (this.settled) return;
    this.settle();
    this.cancelTransfer(reason);
  }

  onResponseEnd(): void {
    if (this.settled) return;
    this.settle();
    if (this.stream !== undefined) return this.stream.finish();
    const response = this.buildResponse(this.closeDelimited ? ['partial'] : undefined);
    // With pipelining 1, undici frees the connection in a setImmediate it schedules right after this
    // callback returns. A caller that sends its next request as soon as this one resolves would find
    // the connection busy and open another one; delivering from a later immediate (same event-loop
    // turn) lets it reuse the connection instead.
    const resolve = this.resolve;
    this.release();
    process.nextTick(resolveLater, resolve, response);
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
      this.fail(
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
    this.fail(mapDownloadError(error, url, this.limits.connectTimeoutMs, this.secure, this.proxy));
  }

  // ---- ending ---------------------------------------------------------------------------------

  /** Fails the download with `error` and stops the transfer (socket destroyed, nothing more read). */
  abortWith(error: Error): void {
    if (this.settled) return;
    this.settle();
    this.fail(error);
    this.cancelTransfer(error);
  }

  private resolveWith(response: Response): void {
    const resolve = this.resolve;
    this.release();
    resolve(response);
  }

  private rejectWith(error: unknown): void {
    const reject = this.reject;
    this.release();
    reject(error);
  }

  /**
   * Forgets the promise's functions once used. The download object can outlive its response (undici
   * and the registry hold it a little longer, and it may sit in the old generation): through
   * `resolve` it would keep the promise and so the Response and the document parsed from it
   * reachable, and V8's young-generation collections would promote every page.
   */
  private release(): void {
    this.resolve = ignoreResponse;
    this.reject = ignoreError;
  }

  /** The caller learns of the failure: through the promise, or through the stream once delivered. */
  private fail(error: Error): void {
    if (this.stream === undefined) this.rejectWith(error);
    else this.stream.destroy(error);
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

  /** Ends with what arrived (a streamed body just ends: its response was delivered already). */
  private succeed(flags: readonly string[] | undefined): void {
    this.settle();
    if (this.stream !== undefined) this.stream.finish();
    else this.resolveWith(this.buildResponse(flags));
  }

  private buildResponse(flags: readonly string[] | undefined, bodyStream?: HttpBodyStream): Response {
    const init: ResponseInit = {
      status: this.status,
      headers: this.headers!,
      body: bodyStream === undefined ? concatChunks(this.chunks, this.received) : EMPTY,
      request: this.request,
      protocol: 'HTTP/1.1',
      ipAddress: this.connection?.peer?.address,
      // Only for https: an http: request through an https:// proxy would otherwise report the proxy's.
      certificate: this.secure ? this.connection?.peer?.certificate : undefined,
    };
    if (bodyStream !== undefined) init.bodyStream = bodyStream;
    if (flags !== undefined) init.flags = flags;
    this.chunks = [];
    return createResponse(this.request.url, init);
  }

  /** A listener threw: StopDownload ends the download (returns true); anything else is logged. */
  private listenerFailed(error: unknown, event: 'headersReceived' | 'bytesReceived'): boolean {
    if (!(error instanceof StopDownload)) {
      httpLog(this.crawler).error(`A ${event} listener failed for ${this.request.url}: ${message(error)}`, { error });
      return false;
    }
    if (this.stream !== undefined) {
      // The response went out with the headers; the stream ends (or fails) where the listener stopped it.
      this.settle();
      if (error.fail) this.stream.destroy(error);
      else this.stream.finish();
      this.cancelTransfer(error);
      return true;
    }
    const response = this.buildResponse(['download_stopped']);
    this.settle();
    if (error.fail) {
      (error as StopDownloadWithResponse).response = response;
      this.rejectWith(error);
    } else {
      this.resolveWith(response);
    }
    this.cancelTransfer(error);
    return true;
  }
}
