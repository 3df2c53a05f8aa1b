import { Request, type RequestOptions } from './request.js';

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

/** application/x-www-form-urlencoded, as HTML forms and Python's urlencode(doseq=True) encode it. */
export function encodeFormData(data: FormData): string {
  return new URLSearchParams(pairsOf(data)).toString();
}

export interface FormRequestOptions<K extends object> extends RequestOptions<K> {
  formdata?: FormData;
}

/**
 * A request carrying form fields: url-encoded into the body (POST by default), or into the
 * query string when the method is GET. Repeated keys are kept.
 */
export class FormRequest<K extends object = Record<string, unknown>> extends Request<K> {
  constructor(url: string, options: FormRequestOptions<K> = {}) {
    const { formdata, ...rest } = options;
    if (formdata === undefined) {
      super(url, rest);
      return;
    }
    const encoded = encodeFormData(formdata);
    const method = (rest.method ?? 'POST').toUpperCase();
    if (method === 'GET') {
      const u = new URL(url);
      u.search = u.search ? `${u.search.slice(1)}&${encoded}` : encoded;
      super(u.href, { ...rest, method });
    } else {
      super(url, { ...rest, method, body: encoded });
      this.headers.setDefault('Content-Type', 'application/x-www-form-urlencoded');
    }
  }
}

export interface JsonRequestOptions<K extends object> extends RequestOptions<K> {
  /** Serialised with JSON.stringify into the body; the method becomes POST unless given. */
  data?: unknown;
}

/** A request with a JSON body and JSON Accept/Content-Type headers (Scrapy's JsonRequest). */
export class JsonRequest<K extends object = Record<string, unknown>> extends Request<K> {
  constructor(url: string, options: JsonRequestOptions<K> = {}) {
    const { data, ...rest } = options;
    const hasData = data !== undefined;
    super(url, {
      ...rest,
      method: rest.method ?? (hasData ? 'POST' : 'GET'),
      ...(hasData && rest.body === undefined ? { body: JSON.stringify(data) } : {}),
    });
    this.headers.setDefault('Content-Type', 'application/json');
    this.headers.setDefault('Accept', 'application/json, text/javascript, */*; q=0.01');
  }
}
