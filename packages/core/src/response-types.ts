import { Headers, type HeadersInit } from './headers.js';
import { HtmlResponse, Response, TextResponse, XmlResponse, type ResponseInit } from './response.js';

export type ResponseClass = typeof Response | typeof TextResponse | typeof HtmlResponse | typeof XmlResponse;

const BY_MIME: Record<string, ResponseClass> = {
  'text/html': HtmlResponse,
  'application/xhtml+xml': HtmlResponse,
  'application/xml': XmlResponse,
  'text/xml': XmlResponse,
  'application/atom+xml': XmlResponse,
  'application/rss+xml': XmlResponse,
  'application/rdf+xml': XmlResponse,
  'application/json': TextResponse,
  'application/x-json': TextResponse,
  'application/javascript': TextResponse,
  'application/x-javascript': TextResponse,
  'application/ecmascript': TextResponse,
  'text/javascript': TextResponse,
  'application/ld+json': TextResponse,
};

const BY_EXTENSION: Record<string, ResponseClass> = {
  html: HtmlResponse,
  htm: HtmlResponse,
  xhtml: HtmlResponse,
  xml: XmlResponse,
  rss: XmlResponse,
  atom: XmlResponse,
  txt: TextResponse,
  json: TextResponse,
  js: TextResponse,
  csv: TextResponse,
  css: TextResponse,
};

/** The response class for a MIME type (parameters ignored), or undefined when it says nothing useful. */
export function responseClassForMime(mime: string | undefined): ResponseClass | undefined {
  if (!mime) return undefined;
  const type = mime.split(';', 1)[0]!.trim().toLowerCase();
  if (type === '' || type === 'application/octet-stream' || type === 'binary/octet-stream') return undefined;
  const known = BY_MIME[type];
  if (known) return known;
  if (type.endsWith('+xml')) return XmlResponse;
  if (type.endsWith('+json')) return TextResponse;
  if (type.startsWith('text/')) return TextResponse;
  return Response;
}

function fromFilename(name: string | undefined): ResponseClass | undefined {
  if (!name) return undefined;
  const dot = name.lastIndexOf('.');
  if (dot < 0) return undefined;
  return BY_EXTENSION[name.slice(dot + 1).toLowerCase()];
}

function fromContentDisposition(value: string | undefined): ResponseClass | undefined {
  if (!value) return undefined;
  const m = /filename\*?\s*=\s*(?:UTF-8'')?"?([^";]+)"?/i.exec(value);
  return fromFilename(m?.[1]);
}

function fromUrl(url: string): ResponseClass | undefined {
  try {
    const path = new URL(url).pathname;
    return fromFilename(path.slice(path.lastIndexOf('/') + 1));
  } catch {
    return undefined;
  }
}

/** Scrapy's body sniffing: markup markers near the start, else binary if control bytes appear. */
export function responseClassFromBody(body: Uint8Array): ResponseClass {
  const head = Buffer.from(body.buffer, body.byteOffset, Math.min(body.byteLength, 5000)).toString('latin1');
  const lower = head.toLowerCase();
  if (lower.includes('<html') || lower.includes('<!doctype html')) return HtmlResponse;
  if (lower.includes('<?xml')) return XmlResponse;
  for (let i = 0; i < head.length; i++) {
    const c = head.charCodeAt(i);
    if (c < 9 || (c > 13 && c < 32 && c !== 27)) return Response;
  }
  return TextResponse;
}

/**
 * Picks the response class the way Scrapy's responsetypes does: Content-Type, then
 * Content-Disposition filename, then the URL's extension, then the body.
 */
export function responseClassFor(url: string, headers: Headers, body: Uint8Array): ResponseClass {
  const byMime = responseClassForMime(headers.get('content-type'));
  if (byMime && byMime !== Response) return byMime;
  const guessed = fromContentDisposition(headers.get('content-disposition')) ?? fromUrl(url);
  if (guessed) return guessed;
  if (byMime) return byMime;
  return responseClassFromBody(body);
}

/** Builds the right Response subclass for a downloaded body. */
export function createResponse(url: string, init: ResponseInit & { headers?: HeadersInit } = {}): Response {
  const headers = init.headers instanceof Headers ? init.headers : new Headers(init.headers);
  const body = typeof init.body === 'string' ? new TextEncoder().encode(init.body) : (init.body ?? new Uint8Array(0));
  const Ctor = responseClassFor(url, headers, body);
  return new Ctor(url, { ...init, headers, body });
}
