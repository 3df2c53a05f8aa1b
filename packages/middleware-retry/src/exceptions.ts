import {
  ConnectionLostError,
  ConnectionRefusedError,
  DnsLookupError,
  DownloadTimeoutError,
  ResponseDataLossError,
  TlsError,
} from '@crawl/core';

/** A class whose instances a retry policy recognises with `instanceof`. */
export type ErrorClass = abstract new (...args: never[]) => unknown;

/**
 * Scrapy's RETRY_EXCEPTIONS mapped onto core's download errors: timeouts, DNS failures, refused
 * and lost connections, truncated bodies, and TLS failures (Scrapy retries those as
 * DownloadFailedError). Not retried: ResponseTooLargeError, UnsupportedSchemeError and the
 * generic DownloadError (a request the client refuses, headers too large, a closed crawler).
 */
export const RETRY_EXCEPTIONS: readonly ErrorClass[] = Object.freeze([
  DownloadTimeoutError,
  DnsLookupError,
  ConnectionRefusedError,
  ConnectionLostError,
  ResponseDataLossError,
  TlsError,
]);
