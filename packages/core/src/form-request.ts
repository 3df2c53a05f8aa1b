import { encodeText } from './encode-text.js';
import { ConfigError } from './errors.js';
import { formRequestFromResponse, type FromResponseArg, type FromResponseOptions } from './form-from-response.js';
import { quotePlus } from './python-url.js';
import { Request, type ReplaceChanges, type RequestOptions, type RequestOptionsArg } from './request.js';
import type { Response } from './response.js';

export type FormData =
  | Readonly<Record<string, string | number | readonly (string | number)[]>>
  | Iterable<readonly [string, string | number]>;

function pairsOf(data: FormData): [string, string][] {
  const out: [string, string][] = [];
  if (Symbol.iterator in data) {
    for (const [k, v] of data as Iterable<readonly [string, string | number]>) out.push([k, String(v)]);
    return out;
  }
  for (const [k, v] of Object.entries(data)) {
    if (Array.isArray(v)) for (const item of v) out.push([k, String(item)]);
    else out.push([k, String(v)]);
  }
  return out;
}

/**
 * application/x-www-form-urlencoded exactly as Scrapy builds it (Python's urlencode(doseq=True)):
 * keys and values encoded in `encoding` (UTF-8 by default), spaces as `+`, everything but
 * `A-Za-z0-9_.-~` percent-encoded. Byte-identical bodies keep fingerprints equal to Scrapy's.
 */
export function encodeFormData(data: FormData, encoding?: string): string {
  return pairsOf(data)
    .map(([k, v]) => `${quotePlus(encodeText(k, encoding))}=${quotePlus(encodeText(v, encoding))}`)
    .join('&');
}

export interface FormRequestFields {
  formdata?: FormData;
  /** Encoding of the form fields (default UTF-8); fromResponse() uses the page's. */
  formEncoding?: string;
}

export type FormRequestOptions<K extends object = Record<string, unknown>> = RequestOptions<K> & FormRequestFields;

/**
 * A request carrying form fields: url-encoded into the body (POST by default), or into the
 * query string when the method is GET. Repeated keys are kept.
 */
export class FormRequest<K extends object = Record<string, unknown>> extends Request<K> {
  constructor(url: string, ...[options = {} as FormRequestOptions<K>]: RequestOptionsArg<FormRequestOptions<K>, K>) {
    // Generic K leaves the options' cbKwargs conditional unresolved here; the public signature checked it.
    const { formdata, formEncoding, ...rest } = options as FormRequestFields & RequestOptions;
    if (formdata === undefined) {
      super(url, rest as RequestOptions<K>);
      return;
    }
    const encoded = encodeFormData(formdata, formEncoding);
    const method = (rest.method ?? 'POST').toUpperCase();
    if (method === 'GET') {
      const u = new URL(url);
      u.search = u.search ? `${u.search.slice(1)}&${encoded}` : encoded;
      super(u.href, { ...rest, method } as RequestOptions<K>);
    } else {
      super(url, { ...rest, method, body: encoded } as RequestOptions<K>);
      this.headers.setDefault('Content-Type', 'application/x-www-form-urlencoded');
    }
  }

  /**
   * A request that submits a form of `response` (Scrapy's `FormRequest.from_response`): the
   * form's pre-filled fields, the first submit button unless `dontClick`, `formdata` overriding
   * them (a `null` value removes a field), sent to the form's action with its method. Throws
   * FormNotFoundError naming what was looked for when the form is not there.
   */
  static fromResponse<K extends object = Record<string, unknown>>(
    response: Response,
    ...[options = {} as FromResponseOptions<K>]: FromResponseArg<K>
  ): FormRequest<K> {
    return formRequestFromResponse(this as new (url: string, options: FormRequestOptions<K>) => FormRequest<K>, response, options);
  }
}

/** How JsonRequest serialises `data` (Scrapy's dumps_kwargs, in JSON.stringify's terms). */
export interface JsonDumpsOptions {
  /** Indentation, as JSON.stringify's third argument (Python's `indent`). Default: none. */
  space?: string | number;
  /** JSON.stringify's replacer: a function, or the allow-list of keys to keep. */
  replacer?: ((this: unknown, key: string, value: unknown) => unknown) | readonly (string | number)[];
  /** Sort object keys, as Scrapy's default `sort_keys=True` does. Default true. */
  sortKeys?: boolean;
}

const DUMPS_KEYS = new Set(['space', 'replacer', 'sortKeys']);

function checkDumpsOptions(options: JsonDumpsOptions | undefined): JsonDumpsOptions {
  if (options === undefined) return {};
  if (typeof options !== 'object' || options === null) throw new ConfigError(`JsonRequest: dumpsOptions must be an object, got ${String(options)}`);
  for (const key of Object.keys(options)) {
    if (!DUMPS_KEYS.has(key)) throw new ConfigError(`JsonRequest: unknown dumpsOptions key ${JSON.stringify(key)} (allowed: space, replacer, sortKeys)`);
  }
  return { ...options };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** JSON.stringify with sorted keys and an allow-list that work together with a replacer function. */
export function dumpsJson(data: unknown, options: JsonDumpsOptions = {}): string {
  const { space, replacer, sortKeys = true } = options;
  const allow = Array.isArray(replacer) ? new Set(replacer.map(String)) : undefined;
  const fn = typeof replacer === 'function' ? replacer : undefined;
  if (!sortKeys && allow === undefined && fn === undefined) return JSON.stringify(data, null, space);
  return JSON.stringify(
    data,
    function (this: unknown, key: string, value: unknown) {
      const v = fn ? fn.call(this, key, value) : value;
      if (!isPlainObject(v)) return v;
      let keys = Object.keys(v);
      if (allow) keys = keys.filter((k) => allow.has(k));
      if (sortKeys) keys.sort();
      const out: Record<string, unknown> = {};
      for (const k of keys) out[k] = v[k];
      return out;
    },
    space,
  );
}

export interface JsonRequestFields {
  /**
   * Serialised into the body (keys sorted, like Scrapy); the method becomes POST unless given.
   * Ignored when `body` is given. `undefined` means no data (Python's None); `null` is sent as JSON null.
   */
  data?: unknown;
  /** How `data` is serialised. */
  dumpsOptions?: JsonDumpsOptions;
}

export type JsonRequestOptions<K extends object = Record<string, unknown>> = RequestOptions<K> & JsonRequestFields;

/** A request with a JSON body and JSON Accept/Content-Type headers (Scrapy's JsonRequest). */
export class JsonRequest<K extends object = Record<string, unknown>> extends Request<K> {
  /** The serialisation options, kept by replace() and copy() for `replace({ data })`. */
  readonly dumpsOptions: Readonly<JsonDumpsOptions>;

  constructor(url: string, ...[options = {} as JsonRequestOptions<K>]: RequestOptionsArg<JsonRequestOptions<K>, K>) {
    const { data, dumpsOptions, ...rest } = options as JsonRequestFields & RequestOptions;
    const dumps = checkDumpsOptions(dumpsOptions);
    // As in Scrapy: `body` wins over `data`, and only a body made from data defaults to POST.
    const fromData = data !== undefined && rest.body === undefined;
    super(url, (fromData ? { ...rest, body: dumpsJson(data, dumps), method: rest.method ?? 'POST' } : rest) as RequestOptions<K>);
    this.dumpsOptions = dumps;
    this.headers.setDefault('Content-Type', 'application/json');
    this.headers.setDefault('Accept', 'application/json, text/javascript, */*; q=0.01');
  }

  /** Scrapy's JsonRequest.replace: `data` re-serialised with this request's dumpsOptions (or the new ones) unless `body` is given. */
  override replace<K2 extends object = K>(changes: ReplaceChanges<K2> & JsonRequestFields = {}): Request<K2> {
    const { data, ...rest } = changes;
    if (data === undefined || rest.body !== undefined) return super.replace<K2>(rest);
    const dumps = rest.dumpsOptions !== undefined ? checkDumpsOptions(rest.dumpsOptions) : this.dumpsOptions;
    return super.replace<K2>({ ...rest, body: dumpsJson(data, dumps) });
  }

  protected override rebuild<K2 extends object>(url: string, init: RequestOptions<K2>, changes: Readonly<Record<string, unknown>>): Request<K2> {
    const dumpsOptions = (changes['dumpsOptions'] as JsonDumpsOptions | undefined) ?? this.dumpsOptions;
    return new (this.constructor as new (url: string, options: JsonRequestOptions<K2>) => Request<K2>)(url, { ...init, dumpsOptions } as JsonRequestOptions<K2>);
  }
}
