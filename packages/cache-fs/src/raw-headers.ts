import { STATUS_CODES } from 'node:http';
import { Headers } from '@crawl/core';

/**
 * Headers in raw HTTP form, one `Name: value` line each, CRLF-terminated, with a blank line at the
 * end. A response's block starts with its status line, so `cat response_headers` reads like the
 * wire. Core's Headers refuse CR and LF in values, so one header is always one line.
 */
export function headersToRaw(headers: Headers, statusLine?: string): string {
  let out = statusLine === undefined ? '' : `${statusLine}\r\n`;
  for (const [name, value] of headers) out += `${name}: ${value}\r\n`;
  return `${out}\r\n`;
}

export function statusLine(status: number): string {
  const reason = STATUS_CODES[status];
  return reason === undefined ? `HTTP/1.1 ${status}` : `HTTP/1.1 ${status} ${reason}`;
}

/**
 * Parses what headersToRaw wrote. A leading status line and lines without a colon are skipped
 * (as w3lib's headers_raw_to_dict does); parsing stops at the blank line. Exactly one space after
 * the colon is dropped, so values round-trip unchanged.
 */
export function rawToHeaders(raw: string): Headers {
  const headers = new Headers();
  const lines = raw.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line === '') {
      if (i === 0) continue;
      break;
    }
    if (i === 0 && line.startsWith('HTTP/')) continue;
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const start = line.charCodeAt(colon + 1) === 32 ? colon + 2 : colon + 1;
    headers.append(line.slice(0, colon), line.slice(start));
  }
  return headers;
}
