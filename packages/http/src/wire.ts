import { Headers, type Request } from '@crawl/core';

/** Path and query of a request as sent on the request line (no fragment). */
export function requestPath(request: Request<any>): string {
  const url = request.url;
  const origin = request.origin;
  // The href starts with the origin unless it carries userinfo; slicing avoids parsing the URL again.
  if (url.startsWith(origin)) {
    const rest = url.slice(origin.length);
    const hash = rest.indexOf('#');
    const path = hash === -1 ? rest : rest.slice(0, hash);
    return path === '' ? '/' : path;
  }
  const parsed = new URL(url);
  return parsed.pathname + parsed.search;
}

type RawHeaders = readonly (Buffer | string)[];
type ParsedHeaders = Record<string, string | string[] | undefined>;

/**
 * Response headers as core Headers. Raw pairs keep each line, its spelling and order; values are
 * latin1 (one char per byte, as undici and node:http give them) so no byte is lost.
 */
export function toCoreHeaders(raw: RawHeaders | ParsedHeaders | null | undefined, parsed: ParsedHeaders): Headers {
  const headers = new Headers();
  if (Array.isArray(raw)) {
    const list = raw as RawHeaders;
    for (let i = 0; i + 1 < list.length; i += 2) {
      const name = list[i]!;
      const value = list[i + 1]!;
      headers.append(typeof name === 'string' ? name : name.toString('latin1'), typeof value === 'string' ? value : value.toString('latin1'));
    }
    return headers;
  }
  for (const name in parsed) {
    const value = parsed[name];
    if (value === undefined) continue;
    if (typeof value === 'string') headers.append(name, value);
    else for (const v of value) headers.append(name, v);
  }
  return headers;
}

const EMPTY = new Uint8Array(0);

/** Joins body chunks into one Uint8Array that owns its memory (no pooled slab or socket buffer kept alive). */
export function concatChunks(chunks: readonly Uint8Array[], total: number): Uint8Array {
  if (total === 0) return EMPTY;
  // A body that arrived in one socket read is a view of that read's own buffer (Node allocates
  // one per read, sized to what was read; undici hands out views of it): keep it rather than
  // copying, which doubled the short-lived external memory of every small page. Only when the
  // body is most of that buffer, so a view never pins much more memory than it shows.
  const only = chunks.length === 1 ? chunks[0]! : undefined;
  if (only !== undefined && only.byteLength * 2 >= only.buffer.byteLength) return new Uint8Array(only.buffer, only.byteOffset, only.byteLength);
  const out = Buffer.allocUnsafeSlow(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return new Uint8Array(out.buffer, out.byteOffset, total);
}

const PROXY_AUTHORIZATION = 'proxy-authorization';

/**
 * Headers for a direct request. Proxy-Authorization is for proxies only: a stale one left on a request
 * that no longer goes through a proxy must not reach the origin server.
 */
export function directHeaders(request: Request<any>): string[] {
  const headers = request.headers;
  if (!headers.has(PROXY_AUTHORIZATION)) return headers.toRawPairs();
  const out: string[] = [];
  for (const [name, value] of headers) if (name.toLowerCase() !== PROXY_AUTHORIZATION) out.push(name, value);
  return out;
}

/**
 * Headers for an absolute-form request to an http proxy: Host names the origin (undici would
 * otherwise name the proxy), and Proxy-Authorization is a plain header the proxy reads.
 */
export function forwardHeaders(request: Request<any>, proxyAuth: string | undefined): string[] {
  const headers = request.headers;
  const out = headers.toRawPairs();
  if (!headers.has('host')) out.push('host', request.origin.slice(request.scheme.length + 3));
  if (proxyAuth !== undefined && !headers.has(PROXY_AUTHORIZATION)) out.push('proxy-authorization', proxyAuth);
  return out;
}

/**
 * Headers for a request inside a CONNECT tunnel, without Proxy-Authorization (it went on the CONNECT
 * request). An object with arrays for repeated headers: undici's ProxyAgent folds a flat pair list
 * into an object and would keep only the last of two same-named lines.
 */
export function tunnelHeaders(request: Request<any>): Record<string, string | string[]> {
  // No prototype: a header named __proto__ must stay a header.
  const out: Record<string, string | string[]> = Object.create(null) as Record<string, string | string[]>;
  for (const [name, value] of request.headers) {
    if (name.toLowerCase() === PROXY_AUTHORIZATION) continue;
    const previous = out[name];
    if (previous === undefined) out[name] = value;
    else if (typeof previous === 'string') out[name] = [previous, value];
    else previous.push(value);
  }
  return out;
}
