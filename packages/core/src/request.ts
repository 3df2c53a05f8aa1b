import { InvalidUrlError } from './errors.js';
import { Headers, type HeadersInit } from './headers.js';
import type { Callback, Errback } from './types.js';

/**
 * Per-request switches read by the framework and plugins. Core declares the few that
 * cross packages; each plugin package adds its own keys by declaration merging:
 *
 *   declare module '@crawl/core' { interface RequestMeta { dontRetry?: boolean } }
 */
export interface RequestMeta {
  /** Your own keys: the known ones above are typed, the rest are yours. */
  [key: string]: unknown;
  /** Seconds before the download handler gives up on this request (overrides downloadTimeout). */
  downloadTimeout?: number;
  /** Bytes above which the download is cancelled (overrides downloadMaxSize; 0 disables). */
  downloadMaxSize?: number;
  /** Bytes above which a warning is logged (overrides downloadWarnSize; 0 disables). */
  downloadWarnSize?: number;
  /** Whether a body shorter than its Content-Length fails the request (default true). */
  downloadFailOnDataloss?: boolean;
  /** Verify TLS certificates for this request (overrides the handler's option). */
  tlsVerify?: boolean;
  /** Local address to connect from. */
  bindAddress?: string;
  /** Downloader slot key; defaults to the request's hostname. */
  downloadSlot?: string;
  /** Seconds from sending the request to receiving the response headers; set by the downloader. */
  downloadLatency?: number;
  /**
   * Deliver a 2xx body as `response.bodyStream` instead of buffering it in `response.body`: for
   * bodies too large to hold in memory (the files pipeline, feed spiders). Whoever receives the
   * response must read or destroy the stream; `downloadMaxSize`, the timeout and data-loss checks
   * still apply and surface as the stream's error. Non-2xx bodies are always buffered.
   */
  streamBody?: boolean;
}

/**
 * Framework-private per-request state (retry and redirect counters, proxy credentials).
 * Kept apart from `meta` so that a spider that builds a new request from `response.meta`
 * never carries a retry budget or a proxy's credentials into it; `replace()` keeps it.
 * Plugins add keys by declaration merging, as with RequestMeta.
 */
export interface RequestInternal {}

export type RequestMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'HEAD' | 'OPTIONS' | (string & {});

export type CookieInput =
  | Readonly<Record<string, string>>
  | readonly { name: string; value: string; domain?: string; path?: string; secure?: boolean }[];

/** Every Request option but `cbKwargs`, whose optionality depends on the callback (see RequestOptions). */
export interface RequestBaseOptions<K extends object = Record<string, unknown>> {
  method?: RequestMethod;
  headers?: HeadersInit;
  /** A string body is sent as UTF-8. */
  body?: string | Uint8Array;
  meta?: RequestMeta & Record<string, unknown>;
  callback?: Callback<K> | undefined;
  errback?: Errback<K> | undefined;
  priority?: number;
  dontFilter?: boolean;
  flags?: readonly string[];
  cookies?: CookieInput | undefined;
  internal?: RequestInternal & Record<string, unknown>;
}

/**
 * `cbKwargs` is required exactly when the callback's second parameter has required keys, so a
 * request whose callback needs `{ category }` cannot be built without it; callbacks that take no
 * cbKwargs, or optional ones only, need none.
 */
export type CbKwargsOption<K extends object> = {} extends K ? { cbKwargs?: K | undefined } : { cbKwargs: K };

export type RequestOptions<K extends object = Record<string, unknown>> = RequestBaseOptions<K> & CbKwargsOption<K>;

/**
 * What `replace()` takes: any option and the URL. cbKwargs stay optional, as the request's own are
 * kept; the signature does not depend on the request's K so that a `Request<A> | Request<B>` can
 * still be replaced.
 */
export type ReplaceChanges<K extends object = Record<string, unknown>> = Partial<RequestBaseOptions<K>> & { url?: string; cbKwargs?: K | undefined };

/** The options argument: optional unless the cbKwargs are required. */
export type RequestOptionsArg<O, K extends object> = {} extends K ? [options?: O] : [options: O];

const EMPTY_BODY = new Uint8Array(0);
const encoder = new TextEncoder();
const SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*:/;

/** Validates and normalises a request URL, throwing InvalidUrlError with the reason. */
export function parseRequestUrl(url: string): URL {
  if (typeof url !== 'string') throw new InvalidUrlError(String(url), `expected a string, got ${typeof url}`);
  const trimmed = url.trim();
  if (trimmed === '') throw new InvalidUrlError(url, 'empty URL');
  if (!SCHEME.test(trimmed)) throw new InvalidUrlError(url, 'missing scheme (relative URLs need response.urljoin() or response.follow())');
  let parsed: URL;
  try {
    parsed = new URL(trimmed);
  } catch (cause) {
    throw new InvalidUrlError(url, 'malformed URL', { cause });
  }
  if ((parsed.protocol === 'http:' || parsed.protocol === 'https:') && parsed.hostname === '') {
    throw new InvalidUrlError(url, 'missing host');
  }
  return parsed;
}

// A URL already parsed or joined (joinPlainLink()), as two values rather than an object: one
// hand-off per followed link, and a crawl follows tens of links per page.
let handedHref: string | undefined;
let handedHostname = '';

/**
 * Hands the next Request constructor a URL already parsed or resolved (response.followAll()): its
 * serialised href and hostname, so that it is not parsed a second time. Used only if the href
 * matches; internal to core.
 */
export function handOffParsedUrl(href: string, hostname: string): string {
  handedHref = href;
  handedHostname = hostname;
  return href;
}

/**
 * An HTTP(-like) request. Immutable apart from `headers` and `meta`, which middlewares
 * may edit in place as in Scrapy; use `replace()` for everything else.
 */
export class Request<K extends object = Record<string, unknown>> {
  readonly url: string;
  readonly method: string;
  readonly headers: Headers;
  readonly body: Uint8Array;
  readonly meta: RequestMeta & Record<string, unknown>;
  readonly callback: Callback<K> | undefined;
  readonly errback: Errback<K> | undefined;
  readonly priority: number;
  readonly dontFilter: boolean;
  readonly cookies: CookieInput | undefined;
  // Made on first use: most requests a crawl builds are duplicates the dupefilter drops, and
  // pending ones wait in the scheduler, without anyone reading these.
  #cbKwargs: K | undefined;
  #flags: string[] | undefined;
  #internal: (RequestInternal & Record<string, unknown>) | undefined;
  // The parsed URL is not kept (~270 bytes per pending request): the hostname, read for every
  // request by the offsite middleware and the downloader, is taken while it is at hand; the
  // origin, read when the request is downloaded, is parsed again then.
  readonly #hostname: string;
  #origin: string | undefined;

  constructor(url: string, ...options: RequestOptionsArg<RequestOptions<K>, K>);
  // One options parameter, not a rest parameter: no array per request.
  constructor(url: string, options: RequestOptions<K> = {} as RequestOptions<K>) {
    const handed = handedHref;
    handedHref = undefined;
    let host: string;
    if (handed === url) {
      this.url = url;
      host = handedHostname;
    } else {
      const parsed = parseRequestUrl(url);
      this.url = parsed.href;
      host = parsed.hostname;
    }
    this.#hostname = host.startsWith('[') ? host.slice(1, -1) : host;
    const method = options.method ?? 'GET';
    if (typeof method !== 'string' || !/^[A-Za-z]+$/.test(method)) {
      throw new TypeError(`Invalid HTTP method ${JSON.stringify(method)} for ${this.url}`);
    }
    this.method = method.toUpperCase();
    this.headers = new Headers(options.headers);
    const body = options.body;
    this.body = body === undefined ? EMPTY_BODY : typeof body === 'string' ? encoder.encode(body) : body;
    this.meta = options.meta ? { ...options.meta } : {};
    const cbKwargs = (options as { cbKwargs?: K | undefined }).cbKwargs;
    if (cbKwargs) this.#cbKwargs = { ...cbKwargs };
    if (options.callback !== undefined && typeof options.callback !== 'function') {
      throw new TypeError(`Request callback must be a function, got ${typeof options.callback} (${this.url})`);
    }
    if (options.errback !== undefined && typeof options.errback !== 'function') {
      throw new TypeError(`Request errback must be a function, got ${typeof options.errback} (${this.url})`);
    }
    this.callback = options.callback;
    this.errback = options.errback;
    const priority = options.priority ?? 0;
    if (!Number.isFinite(priority)) throw new TypeError(`Request priority must be a finite number (${this.url})`);
    this.priority = priority;
    this.dontFilter = options.dontFilter ?? false;
    if (options.flags && options.flags.length > 0) this.#flags = [...options.flags];
    this.cookies = options.cookies;
    if (options.internal) this.#internal = { ...options.internal };
  }

  /** Keyword arguments for the callback (Scrapy's `cb_kwargs`). */
  get cbKwargs(): K {
    return (this.#cbKwargs ??= {} as K);
  }

  /** Labels for logs and stats (Scrapy's `flags`). */
  get flags(): readonly string[] {
    return (this.#flags ??= []);
  }

  /** State the framework's components keep on a request; not for spiders. */
  get internal(): RequestInternal & Record<string, unknown> {
    return (this.#internal ??= {});
  }

  /** Scheme without the colon: 'http', 'https', 'data', … */
  get scheme(): string {
    // A WHATWG href starts with its lower-cased scheme and a colon.
    return this.url.slice(0, this.url.indexOf(':'));
  }

  /** Lower-cased hostname, without brackets for IPv6 literals. */
  get hostname(): string {
    return this.#hostname;
  }

  /** 'scheme://host[:port]' */
  get origin(): string {
    return (this.#origin ??= new URL(this.url).origin);
  }

  /** A fresh, mutable URL object for this request. */
  toURL(): URL {
    return new URL(this.url);
  }

  /** A copy with some fields changed (Scrapy's `replace`). Headers, meta, cbKwargs and internal state are copied, not shared. */
  replace<K2 extends object = K>(changes: ReplaceChanges<K2> = {}): Request<K2> {
    const init = {
      method: changes.method ?? this.method,
      headers: changes.headers ?? this.headers,
      body: changes.body ?? this.body,
      meta: changes.meta ?? this.meta,
      cbKwargs: changes.cbKwargs ?? (this.#cbKwargs as unknown as K2 | undefined),
      callback: 'callback' in changes ? changes.callback : (this.callback as unknown as Callback<K2> | undefined),
      errback: 'errback' in changes ? changes.errback : (this.errback as unknown as Errback<K2> | undefined),
      priority: changes.priority ?? this.priority,
      dontFilter: changes.dontFilter ?? this.dontFilter,
      flags: changes.flags ?? this.#flags,
      cookies: 'cookies' in changes ? changes.cookies : this.cookies,
      internal: changes.internal ?? this.#internal,
    } as RequestOptions<K2>;
    return this.rebuild(changes.url ?? this.url, init, changes);
  }

  /** An identical, independent request of the same class (Scrapy's `copy`): `replace()` with no changes. */
  copy(): this {
    return this.replace() as unknown as this;
  }

  /**
   * Builds the replacement for `replace()`. Subclasses whose constructor takes more options
   * (JsonRequest's dumpsOptions) override this to carry them over.
   */
  protected rebuild<K2 extends object>(url: string, init: RequestOptions<K2>, _changes: Readonly<Record<string, unknown>>): Request<K2> {
    const Ctor = this.constructor as new (url: string, options?: RequestOptions<K2>) => Request<K2>;
    return new Ctor(url, init);
  }

  toString(): string {
    return `<${this.method} ${this.url}>`;
  }
}
