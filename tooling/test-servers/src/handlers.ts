import type { ServerResponse } from 'node:http';
import type { RouteHandler } from './types.js';

function send(
  res: ServerResponse,
  status: number,
  contentType: string | undefined,
  body: string | Buffer,
  headers: Record<string, string> = {},
): void {
  const buf = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  const out: Record<string, string | number> = {};
  if (contentType !== undefined) out['Content-Type'] = contentType;
  // Caller headers win (case-insensitively) over the defaults.
  for (const [k, v] of Object.entries(headers)) {
    for (const existing of Object.keys(out)) if (existing.toLowerCase() === k.toLowerCase()) delete out[existing];
    out[k] = v;
  }
  out['Content-Length'] = buf.length;
  res.writeHead(status, out);
  res.end(buf);
}

/** Resolves once the response is closed: finished, or the connection went away. */
function closed(res: ServerResponse): Promise<void> {
  if (res.closed || res.destroyed) return Promise.resolve();
  return new Promise((resolve) => res.once('close', () => resolve()));
}

const STATUS_TEXT: Record<number, string> = {
  200: 'OK',
  201: 'Created',
  204: 'No Content',
  301: 'Moved Permanently',
  302: 'Found',
  304: 'Not Modified',
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

/** Canned route handlers. Every response sets Content-Length, so keep-alive works. */
export const handlers = {
  /** `text/html; charset=utf-8` response. */
  html(body: string, status = 200, headers: Record<string, string> = {}): RouteHandler {
    return (_req, res) => send(res, status, 'text/html; charset=utf-8', body, headers);
  },

  /** `text/plain; charset=utf-8` response. */
  text(body: string, status = 200, headers: Record<string, string> = {}): RouteHandler {
    return (_req, res) => send(res, status, 'text/plain; charset=utf-8', body, headers);
  },

  /** Fixed bytes (a string is sent as UTF-8) with `contentType`, or with no Content-Type when it is undefined. */
  bytes(body: Uint8Array | string, contentType?: string, status = 200): RouteHandler {
    const buf = typeof body === 'string' ? Buffer.from(body, 'utf8') : Buffer.from(body);
    return (_req, res) => send(res, status, contentType, buf);
  },

  /** `application/json; charset=utf-8` response of `JSON.stringify(value)`. */
  json(value: unknown, status = 200): RouteHandler {
    const body = JSON.stringify(value) ?? 'null';
    return (_req, res) => send(res, status, 'application/json; charset=utf-8', body);
  },

  /** A bare status; `body` (text/plain) defaults to empty for 204/304, else the reason phrase. */
  status(code: number, body?: string, headers: Record<string, string> = {}): RouteHandler {
    const text = body ?? (code === 204 || code === 304 ? '' : `${STATUS_TEXT[code] ?? `Status ${code}`}\n`);
    return (_req, res) => {
      if (code === 204 || code === 304) {
        res.writeHead(code, headers);
        res.end();
        return;
      }
      send(res, code, text === '' ? undefined : 'text/plain; charset=utf-8', text, headers);
    };
  },

  /** Redirect (default 302) to `location`, with a tiny HTML body. */
  redirect(location: string, code = 302): RouteHandler {
    const escaped = location.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
    const body = `<!DOCTYPE html><html><body><a href="${escaped}">Redirecting</a></body></html>\n`;
    return (_req, res) => send(res, code, 'text/html; charset=utf-8', body, { Location: location });
  },

  /**
   * Waits `ms` and then runs `inner`. The timer is cleared if the client aborts or the server
   * closes (both close the response), and `inner` is then never called.
   */
  delay(ms: number, inner: RouteHandler): RouteHandler {
    return async (req, res) => {
      let timer: NodeJS.Timeout | undefined;
      let onClose: (() => void) | undefined;
      const fired = await new Promise<boolean>((resolve) => {
        if (res.closed || res.destroyed) {
          resolve(false);
          return;
        }
        onClose = () => resolve(false);
        res.once('close', onClose);
        timer = setTimeout(() => resolve(true), ms);
      });
      clearTimeout(timer);
      if (onClose) res.off('close', onClose);
      if (fired) await inner(req, res);
    };
  },

  /** Never answers; the returned promise settles when the connection closes (client abort or server close). */
  stall(): RouteHandler {
    return async (_req, res) => {
      await closed(res);
    };
  },

  /** Destroys the socket (TCP RST where supported) without sending a response. */
  reset(): RouteHandler {
    return (req, res) => {
      const socket = res.socket ?? req.socket;
      if (typeof socket.resetAndDestroy === 'function') socket.resetAndDestroy();
      else socket.destroy();
    };
  },

  /** The nth call uses `hs[n]`; once they are used up the last one repeats. */
  sequence(...hs: RouteHandler[]): RouteHandler {
    if (hs.length === 0) throw new Error('handlers.sequence needs at least one handler');
    let n = 0;
    return (req, res) => {
      const h = hs[Math.min(n, hs.length - 1)]!;
      n += 1;
      return h(req, res);
    };
  },

  /** Responds with JSON `{ method, url, headers, body }` (body decoded as UTF-8). */
  echo(): RouteHandler {
    return (req, res) => {
      const value = { method: req.method, url: req.url, headers: req.headers, body: req.body.toString('utf8') };
      send(res, 200, 'application/json; charset=utf-8', JSON.stringify(value));
    };
  },
};
