import { Request } from './request.js';
import { Response } from './response.js';

/**
 * Structural checks that also hold when two copies of @crawl/core are loaded
 * (a plugin built against another copy still yields recognisable requests).
 */
export function isRequest(value: unknown): value is Request<any> {
  if (value instanceof Request) return true;
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Partial<Request<any>>;
  return typeof v.url === 'string' && typeof v.method === 'string' && typeof v.replace === 'function' && typeof v.dontFilter === 'boolean' && 'cbKwargs' in v;
}

export function isResponse(value: unknown): value is Response {
  if (value instanceof Response) return true;
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Partial<Response>;
  return typeof v.url === 'string' && typeof v.status === 'number' && v.body instanceof Uint8Array && 'flags' in v;
}
