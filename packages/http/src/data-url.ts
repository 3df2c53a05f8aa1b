import { DownloadError } from '@crawl/core';

/** A decoded RFC 2397 `data:` URL. */
export interface DataUrl {
  /** The media type with its parameters, e.g. 'text/plain;charset=US-ASCII'. */
  readonly mediaType: string;
  readonly body: Uint8Array;
}

const DEFAULT_MEDIA_TYPE = 'text/plain;charset=US-ASCII';
const TOKEN = "[!#$%&'*+.^_`|~0-9A-Za-z-]+";
const MEDIA_TYPE = new RegExp(`^${TOKEN}/${TOKEN}(?:\\s*;.*)?$`, 's');
const BASE64_SUFFIX = /;\s*base64$/i;
const BASE64 = /^[A-Za-z0-9+/]*$/;

/** Data URLs can be megabytes long; messages show the start. */
function shorten(url: string): string {
  return url.length > 80 ? `${url.slice(0, 80)}…` : url;
}

function invalid(url: string, reason: string): DownloadError {
  return new DownloadError(url, `Invalid data: URL ${shorten(url)}: ${reason}`);
}

function hex(code: number): number {
  if (code >= 48 && code <= 57) return code - 48;
  const lower = code | 0x20;
  if (lower >= 97 && lower <= 102) return lower - 87;
  return -1;
}

/** Percent-decodes to bytes (not to UTF-8 text: a data URL may carry any bytes). A stray '%' stays as is. */
function percentDecode(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 37 && i + 2 < text.length) {
      const hi = hex(text.charCodeAt(i + 1));
      const lo = hex(text.charCodeAt(i + 2));
      if (hi >= 0 && lo >= 0) {
        out[n++] = (hi << 4) | lo;
        i += 2;
        continue;
      }
    }
    // A parsed URL is ASCII; anything else keeps its low byte rather than failing.
    out[n++] = c & 0xff;
  }
  return out.subarray(0, n);
}

/** Parses a `data:` URL (RFC 2397 with WHATWG's rules); throws DownloadError naming the URL when malformed. */
export function parseDataUrl(url: string): DataUrl {
  if (!/^data:/i.test(url)) throw invalid(url, 'not a data: URL');
  const rest = url.slice(5);
  const comma = rest.indexOf(',');
  if (comma === -1) throw invalid(url, 'missing "," between the media type and the data');
  let mediaType = rest.slice(0, comma).trim();
  const hash = rest.indexOf('#', comma);
  const encoded = rest.slice(comma + 1, hash === -1 ? undefined : hash);
  const base64 = BASE64_SUFFIX.test(mediaType);
  if (base64) mediaType = mediaType.replace(BASE64_SUFFIX, '').trim();
  if (mediaType.startsWith(';')) mediaType = `text/plain${mediaType}`;
  if (!MEDIA_TYPE.test(mediaType)) mediaType = DEFAULT_MEDIA_TYPE;

  const bytes = percentDecode(encoded);
  if (!base64) return { mediaType, body: bytes };
  let text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1').replace(/[\t\n\f\r ]/g, '');
  // WHATWG forgiving-base64: padding only on a multiple of 4, then letters, digits, '+' and '/'.
  if (text.length % 4 === 0) text = text.replace(/==?$/, '');
  if (text.length % 4 === 1 || !BASE64.test(text)) throw invalid(url, 'invalid base64 data');
  const decoded = Buffer.from(text, 'base64');
  return { mediaType, body: new Uint8Array(decoded.buffer, decoded.byteOffset, decoded.byteLength) };
}
