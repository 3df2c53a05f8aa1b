import { STATUS_CODES } from 'node:http';
import type { Headers, Request, Response } from '@crawl/core';

// Header names and values are latin1 strings (one character per byte on the wire), so their
// lengths are byte counts.

/**
 * Every header line, without the iterator and pair per line that iterating makes (this runs for
 * every request and response). Headers.forEach is new in @crawl/core; an older core's are iterated.
 */
function eachLine(headers: Headers, visit: (value: string, name: string) => void): void {
  if (typeof headers.forEach === 'function') headers.forEach(visit);
  else for (const [name, value] of headers as Iterable<[string, string]>) visit(value, name);
}

/**
 * Bytes of the request as Scrapy's request_httprepr serialises it:
 * `METHOD path HTTP/1.1\r\n` + `Host: hostname\r\n` + one `Name: value\r\n` per header line +
 * `\r\n` + body. The path includes the query, never the fragment; the Host line names the host
 * without the port (as Scrapy's does), even when the request also has a Host header.
 */
export function requestBytes(request: Request<any>): number {
  let size = request.method.length + 1 + pathLength(request.url) + 11; // ' HTTP/1.1\r\n'
  size += 8 + request.hostname.length; // 'Host: ' + hostname + '\r\n'
  eachLine(request.headers, (value, name) => {
    size += name.length + 2 + value.length + 2;
  });
  return size + 2 + request.body.byteLength;
}

/**
 * Length of Scrapy's request-line target: urlunparse(('', '', path or '/', params, query, '')).
 * Read from the serialised URL (already percent-encoded ASCII) without parsing it again.
 */
function pathLength(url: string): number {
  const colon = url.indexOf(':');
  let start = colon + 1;
  if (url.startsWith('//', start)) {
    start = url.indexOf('/', start + 2);
    if (start < 0) return 1;
  }
  const hash = url.indexOf('#', start);
  let end = hash < 0 ? url.length : hash;
  // urlunparse drops a '?' with nothing after it.
  if (end > start && url.charCodeAt(end - 1) === 63) end--;
  return end > start ? end - start : 1;
}

/** Scrapy's get_header_size: `name: value` per line, plus `\r\n` between distinct names. */
export function headerBytes(headers: Headers): number {
  let size = 0;
  eachLine(headers, (value, name) => {
    size += name.length + 2 + value.length;
  });
  // Scrapy counts one separator fewer than there are names, which goes to -2 with no headers at all.
  return size + 2 * Math.max(headers.size - 1, 0);
}

/** Scrapy's get_status_size: `HTTP/1.1 ` + 3-digit status + ` ` + reason phrase + `\r\n`. */
export function statusBytes(status: number): number {
  return 15 + (STATUS_CODES[status]?.length ?? 0);
}

/** Scrapy's DownloaderStats response size: body + headers + status line + 4 (the CRLFs around the headers). */
export function responseBytes(response: Response): number {
  return response.body.byteLength + headerBytes(response.headers) + statusBytes(response.status) + 4;
}
