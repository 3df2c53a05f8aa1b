import { createHash } from 'node:crypto';
import type { Request } from './request.js';
import { canonicalizeUrl } from './url.js';

export interface FingerprintOptions {
  /** Header names whose values take part in the fingerprint (default: none). */
  includeHeaders?: readonly string[];
  /** Keep the URL fragment (default false). */
  keepFragments?: boolean;
}

export type RequestFingerprinter = (request: Request<any>) => string;

const cache = new WeakMap<Request<any>, string>();

/**
 * Scrapy's request fingerprint (2.7+ implementation): SHA-1 over the JSON of method,
 * canonical URL, hex body and selected headers, keys sorted, with Python's json.dumps spacing.
 * The hex digest equals Scrapy's `fingerprint(request).hex()`, so cache keys and dupefilters
 * interoperate.
 */
export function fingerprint(request: Request<any>, options: FingerprintOptions = {}): string {
  const plain = options.includeHeaders === undefined && options.keepFragments === undefined;
  if (plain) {
    const hit = cache.get(request);
    if (hit !== undefined) return hit;
  }
  const headers: Record<string, string[]> = {};
  for (const name of [...(options.includeHeaders ?? [])].map((h) => h.toLowerCase()).sort()) {
    if (request.headers.has(name)) headers[name] = request.headers.getAll(name).map((v) => Buffer.from(v, 'latin1').toString('hex'));
  }
  const json =
    `{"body": ${JSON.stringify(Buffer.from(request.body.buffer, request.body.byteOffset, request.body.byteLength).toString('hex'))}, ` +
    `"headers": ${pyJson(headers)}, ` +
    `"method": ${pyString(request.method)}, ` +
    `"url": ${pyString(canonicalizeUrl(request.url, { keepFragments: options.keepFragments ?? false }))}}`;
  const digest = createHash('sha1').update(json).digest('hex');
  if (plain) cache.set(request, digest);
  return digest;
}

/** A fingerprinter bound to options, for the crawler's setting. */
export function createFingerprinter(options: FingerprintOptions = {}): RequestFingerprinter {
  return (request) => fingerprint(request, options);
}

/** json.dumps(ensure_ascii=True) for a string. */
function pyString(s: string): string {
  return JSON.stringify(s).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function pyJson(obj: Record<string, string[]>): string {
  const keys = Object.keys(obj).sort();
  return `{${keys.map((k) => `${pyString(k)}: [${obj[k]!.map(pyString).join(', ')}]`).join(', ')}}`;
}
