import { ConfigError, Request, type CookieInput, type Errback, type Callback } from '@crawl/core';
import { isPlainObject, jsonProblem } from './json-safe.js';
import type { SpiderMethods } from './spider-methods.js';

/** Version of the stored request format; entries of another version are refused. */
export const SCHEMA_VERSION = 1;

/** Priorities are packed with a 32-bit sequence into a double's 53 exact bits. */
export const MAX_PRIORITY = 2 ** 20;

/** A request as stored in Redis: plain data only, callbacks by spider method name. */
export interface StoredRequest {
  v: number;
  url: string;
  method: string;
  headers: [string, string][];
  /** base64; '' for no body. */
  body: string;
  meta: Record<string, unknown>;
  cbKwargs: Record<string, unknown>;
  priority: number;
  dontFilter: boolean;
  flags: string[];
  callback: string | null;
  errback: string | null;
  cookies: CookieInput | null;
  internal: Record<string, unknown>;
}

/** Why a stored entry was refused when loaded. */
export class RejectedEntry extends Error {
  override readonly name = 'RejectedEntry';
}

export interface EncodeHooks {
  /** Called once per non-exact match (a bound method or a same-named function). */
  onLooseMatch(fnName: string, methodName: string, url: string): void;
  /** Called with the internal keys left out because they are not plain data. */
  onDroppedInternal(keys: string[], url: string): void;
}

function callbackName(
  fn: ((...args: never[]) => unknown) | undefined,
  role: 'callback' | 'errback',
  url: string,
  methods: SpiderMethods,
  hooks: EncodeHooks,
): string | null {
  if (fn === undefined) return null;
  const found = methods.nameOf(fn);
  if (!found) {
    throw new ConfigError(
      `redisScheduler: the ${role} of ${url} (${fn.name || 'an anonymous function'}) is not a method of the spider; ` +
        `requests in Redis name their ${role} by spider method, so closures cannot be stored`,
    );
  }
  if (!found.exact) hooks.onLooseMatch(fn.name, found.name, url);
  return found.name;
}

function toBase64(body: Uint8Array): string {
  if (body.byteLength === 0) return '';
  return Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('base64');
}

/** Serialises a request to JSON; ConfigError (naming the URL) for what cannot be stored as data. */
export function encodeRequest(request: Request<any>, methods: SpiderMethods, hooks: EncodeHooks): string {
  const url = request.url;
  const priority = request.priority;
  if (!Number.isInteger(priority) || Math.abs(priority) > MAX_PRIORITY) {
    throw new ConfigError(`redisScheduler: priority of ${url} must be an integer between -${MAX_PRIORITY} and ${MAX_PRIORITY}, got ${priority}`);
  }
  const metaProblem = jsonProblem(request.meta, 'meta');
  if (metaProblem) throw new ConfigError(`redisScheduler: cannot store ${url} in Redis: ${metaProblem} (meta must be JSON data)`);
  const kwProblem = jsonProblem(request.cbKwargs, 'cbKwargs');
  if (kwProblem) throw new ConfigError(`redisScheduler: cannot store ${url} in Redis: ${kwProblem} (cbKwargs must be JSON data)`);
  const cookies = request.cookies ?? null;
  const cookieProblem = jsonProblem(cookies, 'cookies');
  if (cookieProblem) throw new ConfigError(`redisScheduler: cannot store ${url} in Redis: ${cookieProblem}`);
  const internal: Record<string, unknown> = {};
  let dropped: string[] | undefined;
  for (const [key, value] of Object.entries(request.internal)) {
    if (value === undefined) continue;
    if (jsonProblem(value, key) === undefined && key !== '__proto__') internal[key] = value;
    else (dropped ??= []).push(key);
  }
  if (dropped) hooks.onDroppedInternal(dropped, url);
  const stored: StoredRequest = {
    v: SCHEMA_VERSION,
    url,
    method: request.method,
    headers: [...request.headers],
    body: toBase64(request.body),
    meta: request.meta,
    cbKwargs: request.cbKwargs as Record<string, unknown>,
    priority,
    dontFilter: request.dontFilter,
    flags: [...request.flags],
    callback: callbackName(request.callback as ((...args: never[]) => unknown) | undefined, 'callback', url, methods, hooks),
    errback: callbackName(request.errback as ((...args: never[]) => unknown) | undefined, 'errback', url, methods, hooks),
    cookies,
    internal,
  };
  return JSON.stringify(stored);
}

const FIELDS = new Set(['v', 'url', 'method', 'headers', 'body', 'meta', 'cbKwargs', 'priority', 'dontFilter', 'flags', 'callback', 'errback', 'cookies', 'internal']);
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function reject(message: string): never {
  throw new RejectedEntry(message);
}

function plainData(value: unknown, field: string): Record<string, unknown> {
  if (!isPlainObject(value)) reject(`${field} is not an object`);
  const problem = jsonProblem(value, field);
  if (problem) reject(problem);
  return value;
}

function methodRef(value: unknown, field: string, methods: SpiderMethods): string | null {
  if (value === null) return null;
  if (typeof value !== 'string' || methods.get(value) === undefined) reject(`${field} ${JSON.stringify(value)} is not a method of the spider`);
  return value;
}

function checkCookies(value: unknown): CookieInput | undefined {
  if (value === null) return undefined;
  if (Array.isArray(value)) {
    for (const c of value) {
      if (!isPlainObject(c) || typeof c['name'] !== 'string' || typeof c['value'] !== 'string') reject('cookies has an entry without string name and value');
    }
    return plainDataArray(value) as CookieInput;
  }
  const obj = plainData(value, 'cookies');
  if (!Object.values(obj).every((v) => typeof v === 'string')) reject('cookies has a non-string value');
  return obj as Record<string, string>;
}

function plainDataArray(value: unknown[]): unknown[] {
  const problem = jsonProblem(value, 'cookies');
  if (problem) reject(problem);
  return value;
}

export interface DecodedRequest {
  readonly stored: StoredRequest;
  readonly callback: string | null;
  readonly errback: string | null;
  /** Builds the request with the given callback/errback functions. */
  build(callback: Callback<any> | undefined, errback: Errback<any> | undefined): Request<any>;
}

/**
 * Parses and validates a stored request. Anything unexpected (unknown fields, wrong types, a
 * callback that is not a spider method, another schema version) is a RejectedEntry: what is in
 * Redis is data to check, never code to run.
 */
export function decodeRequest(raw: string, methods: SpiderMethods): DecodedRequest {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    reject('not valid JSON');
  }
  if (!isPlainObject(parsed)) reject('not a JSON object');
  for (const key of Object.keys(parsed)) if (!FIELDS.has(key)) reject(`unknown field ${JSON.stringify(key)}`);
  const s = parsed as Partial<Record<keyof StoredRequest, unknown>>;
  if (s.v !== SCHEMA_VERSION) reject(`schema version ${JSON.stringify(s.v)} (this version reads ${SCHEMA_VERSION})`);
  if (typeof s.url !== 'string') reject('url is not a string');
  if (typeof s.method !== 'string' || !/^[A-Za-z]{1,32}$/.test(s.method)) reject('method is not an HTTP method token');
  if (!Array.isArray(s.headers) || !s.headers.every((h) => Array.isArray(h) && h.length === 2 && typeof h[0] === 'string' && typeof h[1] === 'string')) {
    reject('headers is not a list of [name, value] string pairs');
  }
  if (typeof s.body !== 'string' || !BASE64.test(s.body)) reject('body is not base64');
  const meta = plainData(s.meta, 'meta');
  const cbKwargs = plainData(s.cbKwargs, 'cbKwargs');
  const internal = plainData(s.internal, 'internal');
  if (typeof s.priority !== 'number' || !Number.isInteger(s.priority) || Math.abs(s.priority) > MAX_PRIORITY) reject('priority is not an integer in range');
  if (typeof s.dontFilter !== 'boolean') reject('dontFilter is not a boolean');
  if (!Array.isArray(s.flags) || !s.flags.every((f) => typeof f === 'string')) reject('flags is not a list of strings');
  const callback = methodRef(s.callback, 'callback', methods);
  const errback = methodRef(s.errback, 'errback', methods);
  const cookies = checkCookies(s.cookies);
  const stored = parsed as unknown as StoredRequest;
  const body = stored.body === '' ? undefined : new Uint8Array(Buffer.from(stored.body, 'base64'));
  const build = (cb: Callback<any> | undefined, eb: Errback<any> | undefined): Request<any> => {
    try {
      return new Request(stored.url, {
        method: stored.method,
        headers: stored.headers,
        ...(body ? { body } : {}),
        meta,
        cbKwargs,
        priority: stored.priority,
        dontFilter: stored.dontFilter,
        flags: stored.flags,
        callback: cb,
        errback: eb,
        cookies,
        internal,
      });
    } catch (error) {
      return reject(`not a valid request: ${error instanceof Error ? error.message : String(error)}`);
    }
  };
  return { stored, callback, errback, build };
}
