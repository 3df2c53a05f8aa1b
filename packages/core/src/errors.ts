/**
 * Every error the framework throws or passes to an errback derives from CrawlError.
 * `instanceof` is decided by a code list, not prototype identity, so it keeps working
 * when two copies of @crawl/core are loaded (ESM + CJS, or duplicated installs).
 */
export interface CrawlErrorOptions {
  cause?: unknown;
}

export class CrawlError extends Error {
  static readonly CODE: string = 'CRAWL_ERR';
  readonly code: string = CrawlError.CODE;

  constructor(message: string, options?: CrawlErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }

  /** Codes along the class chain; each subclass appends its own. */
  get crawlErrorCodes(): readonly string[] {
    return [CrawlError.CODE];
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    if (typeof value !== 'object' || value === null) return false;
    const codes = (value as { crawlErrorCodes?: unknown }).crawlErrorCodes;
    return Array.isArray(codes) && codes.includes(this.CODE);
  }
}

/** Drop this request: raised by middlewares, routed to the request's errback. */
export class IgnoreRequest extends CrawlError {
  static override readonly CODE: string = 'CRAWL_IGNORE_REQUEST';
  override readonly code: string = IgnoreRequest.CODE;
  override get crawlErrorCodes(): readonly string[] {
    return [...super.crawlErrorCodes, IgnoreRequest.CODE];
  }
}

/** A response whose status is not handled by the spider (httperror middleware). */
export class HttpError extends IgnoreRequest {
  static override readonly CODE: string = 'CRAWL_HTTP_ERROR';
  override readonly code: string = HttpError.CODE;
  readonly response: { readonly status: number; readonly url: string };
  constructor(response: { readonly status: number; readonly url: string }, message?: string) {
    super(message ?? `Ignoring non-200 response (${response.status}) from ${response.url}`);
    this.response = response;
  }
  override get crawlErrorCodes(): readonly string[] {
    return [...super.crawlErrorCodes, HttpError.CODE];
  }
}

/** Thrown by an item pipeline to drop an item. */
export class DropItem extends CrawlError {
  static override readonly CODE: string = 'CRAWL_DROP_ITEM';
  override readonly code: string = DropItem.CODE;
  override get crawlErrorCodes(): readonly string[] {
    return [...super.crawlErrorCodes, DropItem.CODE];
  }
}

/** Thrown from a plugin's open() to disable it with a logged reason. */
export class NotConfigured extends CrawlError {
  static override readonly CODE: string = 'CRAWL_NOT_CONFIGURED';
  override readonly code: string = NotConfigured.CODE;
  override get crawlErrorCodes(): readonly string[] {
    return [...super.crawlErrorCodes, NotConfigured.CODE];
  }
}

/** Thrown from a callback to close the spider with the given reason. */
export class CloseSpider extends CrawlError {
  static override readonly CODE: string = 'CRAWL_CLOSE_SPIDER';
  override readonly code: string = CloseSpider.CODE;
  readonly reason: string;
  constructor(reason = 'cancelled', options?: CrawlErrorOptions) {
    super(`Spider closed: ${reason}`, options);
    this.reason = reason;
  }
  override get crawlErrorCodes(): readonly string[] {
    return [...super.crawlErrorCodes, CloseSpider.CODE];
  }
}

/** Thrown from a headers/bytes event handler to stop a download early and keep what arrived. */
export class StopDownload extends CrawlError {
  static override readonly CODE: string = 'CRAWL_STOP_DOWNLOAD';
  override readonly code: string = StopDownload.CODE;
  readonly fail: boolean;
  /** The partial response received before the stop; set by the download handler when fail is true. */
  response?: import('./response.js').Response;
  constructor(options: { fail?: boolean } & CrawlErrorOptions = {}) {
    super('Download stopped', options);
    this.fail = options.fail ?? true;
  }
  override get crawlErrorCodes(): readonly string[] {
    return [...super.crawlErrorCodes, StopDownload.CODE];
  }
}

/** A bad option, setting or plugin contract violation. Names the option at fault. */
export class ConfigError extends CrawlError {
  static override readonly CODE: string = 'CRAWL_CONFIG';
  override readonly code: string = ConfigError.CODE;
  override get crawlErrorCodes(): readonly string[] {
    return [...super.crawlErrorCodes, ConfigError.CODE];
  }
}

/** A URL that cannot be requested: malformed, relative, or an unsupported scheme. */
export class InvalidUrlError extends CrawlError {
  static override readonly CODE: string = 'CRAWL_INVALID_URL';
  override readonly code: string = InvalidUrlError.CODE;
  readonly url: string;
  constructor(url: string, reason: string, options?: CrawlErrorOptions) {
    super(`Invalid request URL ${JSON.stringify(url)}: ${reason}`, options);
    this.url = url;
  }
  override get crawlErrorCodes(): readonly string[] {
    return [...super.crawlErrorCodes, InvalidUrlError.CODE];
  }
}

/** An operation that this response or handler does not support (e.g. selectors on a binary body). */
export class NotSupported extends CrawlError {
  static override readonly CODE: string = 'CRAWL_NOT_SUPPORTED';
  override readonly code: string = NotSupported.CODE;
  override get crawlErrorCodes(): readonly string[] {
    return [...super.crawlErrorCodes, NotSupported.CODE];
  }
}

/** A CSS or XPath query that cannot be parsed or evaluated. Names the query. */
export class SelectorError extends CrawlError {
  static override readonly CODE: string = 'CRAWL_SELECTOR';
  override readonly code: string = SelectorError.CODE;
  override get crawlErrorCodes(): readonly string[] {
    return [...super.crawlErrorCodes, SelectorError.CODE];
  }
}

/** A form that FormRequest.fromResponse() was asked for is not in the response. Names what was looked for. */
export class FormNotFoundError extends CrawlError {
  static override readonly CODE: string = 'CRAWL_FORM_NOT_FOUND';
  override readonly code: string = FormNotFoundError.CODE;
  override get crawlErrorCodes(): readonly string[] {
    return [...super.crawlErrorCodes, FormNotFoundError.CODE];
  }
}

/** A plugin hook returned something outside its contract. Names the plugin and hook. */
export class InvalidOutputError extends CrawlError {
  static override readonly CODE: string = 'CRAWL_INVALID_OUTPUT';
  override readonly code: string = InvalidOutputError.CODE;
  override get crawlErrorCodes(): readonly string[] {
    return [...super.crawlErrorCodes, InvalidOutputError.CODE];
  }
}

/** Base of every network-level download failure; carries the URL. */
export class DownloadError extends CrawlError {
  static override readonly CODE: string = 'CRAWL_DOWNLOAD';
  override readonly code: string = DownloadError.CODE;
  readonly url: string;
  constructor(url: string, message: string, options?: CrawlErrorOptions) {
    super(message, options);
    this.url = url;
  }
  override get crawlErrorCodes(): readonly string[] {
    return [...super.crawlErrorCodes, DownloadError.CODE];
  }
}

export class DownloadTimeoutError extends DownloadError {
  static override readonly CODE: string = 'CRAWL_DOWNLOAD_TIMEOUT';
  override readonly code: string = DownloadTimeoutError.CODE;
  readonly timeoutMs: number;
  constructor(url: string, timeoutMs: number, options?: CrawlErrorOptions) {
    super(url, `Download of ${url} timed out after ${timeoutMs / 1000} s`, options);
    this.timeoutMs = timeoutMs;
  }
  override get crawlErrorCodes(): readonly string[] {
    return [...super.crawlErrorCodes, DownloadTimeoutError.CODE];
  }
}

export class DnsLookupError extends DownloadError {
  static override readonly CODE: string = 'CRAWL_DNS_LOOKUP';
  override readonly code: string = DnsLookupError.CODE;
  override get crawlErrorCodes(): readonly string[] {
    return [...super.crawlErrorCodes, DnsLookupError.CODE];
  }
}

export class ConnectionRefusedError extends DownloadError {
  static override readonly CODE: string = 'CRAWL_CONNECTION_REFUSED';
  override readonly code: string = ConnectionRefusedError.CODE;
  override get crawlErrorCodes(): readonly string[] {
    return [...super.crawlErrorCodes, ConnectionRefusedError.CODE];
  }
}

/** The connection was reset or closed before the response was complete. */
export class ConnectionLostError extends DownloadError {
  static override readonly CODE: string = 'CRAWL_CONNECTION_LOST';
  override readonly code: string = ConnectionLostError.CODE;
  override get crawlErrorCodes(): readonly string[] {
    return [...super.crawlErrorCodes, ConnectionLostError.CODE];
  }
}

/** The body ended before Content-Length said it would (Scrapy's ResponseDataLossError). */
export class ResponseDataLossError extends DownloadError {
  static override readonly CODE: string = 'CRAWL_DATA_LOSS';
  override readonly code: string = ResponseDataLossError.CODE;
  override get crawlErrorCodes(): readonly string[] {
    return [...super.crawlErrorCodes, ResponseDataLossError.CODE];
  }
}

/** The response exceeded downloadMaxSize (declared or received). */
export class ResponseTooLargeError extends DownloadError {
  static override readonly CODE: string = 'CRAWL_RESPONSE_TOO_LARGE';
  override readonly code: string = ResponseTooLargeError.CODE;
  readonly maxSize: number;
  constructor(url: string, size: number, maxSize: number, options?: CrawlErrorOptions) {
    super(url, `Response from ${url} is larger than downloadMaxSize (${size} > ${maxSize} bytes); cancelled`, options);
    this.maxSize = maxSize;
  }
  override get crawlErrorCodes(): readonly string[] {
    return [...super.crawlErrorCodes, ResponseTooLargeError.CODE];
  }
}

/** The TLS handshake failed or the certificate was not trusted. */
export class TlsError extends DownloadError {
  static override readonly CODE: string = 'CRAWL_TLS';
  override readonly code: string = TlsError.CODE;
  override get crawlErrorCodes(): readonly string[] {
    return [...super.crawlErrorCodes, TlsError.CODE];
  }
}

/** No download handler is enabled for the request's scheme. */
export class UnsupportedSchemeError extends DownloadError {
  static override readonly CODE: string = 'CRAWL_UNSUPPORTED_SCHEME';
  override readonly code: string = UnsupportedSchemeError.CODE;
  override get crawlErrorCodes(): readonly string[] {
    return [...super.crawlErrorCodes, UnsupportedSchemeError.CODE];
  }
}

/** A short, stable label for an error, used in stats keys (downloader/exception_type_count/<label>). */
export function errorLabel(error: unknown): string {
  if (error instanceof CrawlError) return error.name;
  if (error instanceof Error) return error.name || 'Error';
  return typeof error;
}
