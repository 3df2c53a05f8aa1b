import { ConfigError, Request, type Callback, type CookieInput, type Errback, type RequestOptions, type Spider } from '@crawl/core';
import { isRecord, nonPlainPath } from './plain-data.js';
import type { SpiderMethods } from './spider-methods.js';

/** Schema version of every record in a job directory. */
export const JOB_SCHEMA_VERSION = 1;

/** A request as stored in a job directory: plain data only; callbacks by spider method name. */
export interface StoredRequest {
  url: string;
  method?: string;
  headers?: [string, string][];
  /** Base64. */
  body?: string;
  meta?: Record<string, unknown>;
  cbKwargs?: Record<string, unknown>;
  callback?: string;
  errback?: string;
  priority?: number;
  dontFilter?: true;
  flags?: string[];
  cookies?: CookieInput;
  internal?: Record<string, unknown>;
}

const KEYS = new Set(['url', 'method', 'headers', 'body', 'meta', 'cbKwargs', 'callback', 'errback', 'priority', 'dontFilter', 'flags', 'cookies', 'internal']);
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const METHOD = /^[A-Za-z]+$/;

/**
 * The plain-data form of a request. Throws ConfigError naming the URL when the request cannot
 * be stored: a callback/errback that is not a method of the spider (a closure, a bound
 * function), or meta/cbKwargs/cookies/internal values that are not plain JSON data.
 */
export function encodeRequest(request: Request<any>, methods: SpiderMethods, spiderName: string): StoredRequest {
  const out: StoredRequest = { url: request.url };
  if (request.method !== 'GET') out.method = request.method;
  if (request.headers.size > 0) out.headers = [...request.headers];
  if (request.body.byteLength > 0) out.body = Buffer.from(request.body.buffer, request.body.byteOffset, request.body.byteLength).toString('base64');
  if (request.callback !== undefined) out.callback = methodName(request, 'callback', request.callback, methods, spiderName);
  if (request.errback !== undefined) out.errback = methodName(request, 'errback', request.errback, methods, spiderName);
  if (request.priority !== 0) out.priority = request.priority;
  if (request.dontFilter) out.dontFilter = true;
  if (request.flags.length > 0) out.flags = [...request.flags];
  for (const field of ['meta', 'cbKwargs', 'internal'] as const) {
    const value = request[field] as Record<string, unknown>;
    if (Object.keys(value).length === 0) continue;
    plainOrThrow(request, value, field);
    out[field] = value;
  }
  if (request.cookies !== undefined) {
    plainOrThrow(request, request.cookies, 'cookies');
    out.cookies = request.cookies;
  }
  return out;
}

function methodName(request: Request<any>, kind: 'callback' | 'errback', fn: (...args: never[]) => unknown, methods: SpiderMethods, spiderName: string): string {
  const name = methods.nameOf(fn);
  if (name !== undefined) return name;
  const label = fn.name ? `${kind} ${fn.name}()` : `an anonymous ${kind}`;
  throw new ConfigError(
    `Cannot schedule ${String(request)} with jobDir set: its ${label} is not a method of spider ${spiderName}. ` +
      'Requests in a job directory name their callback/errback by spider method (code is never stored); ' +
      `use a method of the spider (callback: this.parseItem) and pass data in cbKwargs instead of a closure`,
  );
}

function plainOrThrow(request: Request<any>, value: unknown, field: string): void {
  const bad = nonPlainPath(value, field);
  if (bad !== undefined) {
    throw new ConfigError(`Cannot schedule ${String(request)} with jobDir set: ${bad} cannot be stored as plain JSON data`);
  }
}

/**
 * Checks a parsed record field by field and builds the request. Throws an Error describing the
 * first problem; the caller adds the file and line. Nothing in the record is ever executed:
 * callbacks resolve to existing spider methods by name, or the record is refused.
 */
export function decodeRequest(value: unknown, methods: SpiderMethods, spider: Spider<any>): Request<any> {
  if (!isRecord(value)) throw new Error('"r" is not an object');
  for (const key of Object.keys(value)) if (!KEYS.has(key)) throw new Error(`unknown request field ${JSON.stringify(key)}`);
  const { url, method, headers, body, meta, cbKwargs, callback, errback, priority, dontFilter, flags, cookies, internal } = value;
  if (typeof url !== 'string') throw new Error('url is not a string');
  const options: RequestOptions<any> = {};
  if (method !== undefined) {
    if (typeof method !== 'string' || !METHOD.test(method)) throw new Error(`method ${JSON.stringify(method)} is not an HTTP method name`);
    options.method = method;
  }
  if (headers !== undefined) {
    if (!Array.isArray(headers) || !headers.every((h) => Array.isArray(h) && h.length === 2 && typeof h[0] === 'string' && typeof h[1] === 'string')) {
      throw new Error('headers is not a list of [name, value] string pairs');
    }
    options.headers = headers as [string, string][];
  }
  if (body !== undefined) {
    if (typeof body !== 'string' || !BASE64.test(body)) throw new Error('body is not a base64 string');
    options.body = new Uint8Array(Buffer.from(body, 'base64'));
  }
  for (const [field, v] of [['meta', meta], ['cbKwargs', cbKwargs], ['internal', internal]] as const) {
    if (v === undefined) continue;
    if (!isRecord(v)) throw new Error(`${field} is not an object`);
    options[field] = v;
  }
  if (callback !== undefined) options.callback = resolveMethod(callback, 'callback', methods, spider) as Callback<any>;
  if (errback !== undefined) options.errback = resolveMethod(errback, 'errback', methods, spider) as Errback<any>;
  if (priority !== undefined) {
    if (typeof priority !== 'number' || !Number.isFinite(priority)) throw new Error('priority is not a finite number');
    options.priority = priority;
  }
  if (dontFilter !== undefined) {
    if (dontFilter !== true) throw new Error('dontFilter is not true');
    options.dontFilter = true;
  }
  if (flags !== undefined) {
    if (!Array.isArray(flags) || !flags.every((f) => typeof f === 'string')) throw new Error('flags is not a list of strings');
    options.flags = flags as string[];
  }
  if (cookies !== undefined) {
    if (typeof cookies !== 'object' || cookies === null) throw new Error('cookies is not an object or a list');
    options.cookies = cookies as CookieInput;
  }
  try {
    return new Request(url, options);
  } catch (error) {
    throw new Error(`invalid request: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function resolveMethod(name: unknown, kind: string, methods: SpiderMethods, spider: Spider<any>): (...args: never[]) => unknown {
  if (typeof name !== 'string') throw new Error(`${kind} is not a method name`);
  const fn = methods.byName(name);
  if (!fn) throw new Error(`${kind} ${JSON.stringify(name)} is not a method of spider ${spider.name}`);
  return fn;
}
