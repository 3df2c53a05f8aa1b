import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { extname, resolve, sep } from 'node:path';

/** A running static file server. */
export interface StaticServer {
  /** Base URL without a trailing slash, e.g. `http://127.0.0.1:43121`. */
  readonly url: string;
  readonly port: number;
  /** Stops listening and destroys every open (keep-alive) socket. Idempotent. */
  close(): Promise<void>;
}

export interface ServeStaticOptions {
  /** Interface to bind; loopback only is intended. Default `127.0.0.1`. */
  host?: string;
  /** Port to bind; default 0 (an ephemeral port). */
  port?: number;
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.htm': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.svg': 'image/svg+xml',
  '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/markdown; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.xml': 'application/xml; charset=utf-8',
};

/** Content-Type for a file name, by extension (`application/octet-stream` when unknown). */
export function contentTypeFor(file: string): string {
  return CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';
}

function errorPage(code: number, title: string, detail: string): string {
  return `<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>${code} ${title}</title></head>\n<body><h1>${code} ${title}</h1><p>${detail}</p></body></html>\n`;
}

function sendError(req: IncomingMessage, res: ServerResponse, code: number, title: string, detail: string): void {
  const body = Buffer.from(errorPage(code, title, detail), 'utf8');
  res.writeHead(code, {
    'Content-Type': 'text/html; charset=utf-8',
    'Content-Length': body.length,
  });
  res.end(req.method === 'HEAD' ? undefined : body);
}

function escapeText(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * Maps a raw request target to a file path under `root`, or returns an error code.
 * Any `..` segment (raw or percent-encoded, with `/` or `\` separators) is refused.
 */
function resolveTarget(root: string, target: string): { file: string; pathname: string; query: string } | { error: 400 } {
  const q = target.indexOf('?');
  const rawPath = q === -1 ? target : target.slice(0, q);
  const query = q === -1 ? '' : target.slice(q);
  if (!rawPath.startsWith('/')) return { error: 400 };
  let pathname: string;
  try {
    pathname = decodeURIComponent(rawPath);
  } catch {
    return { error: 400 };
  }
  if (pathname.includes('\0')) return { error: 400 };
  if (pathname.split(/[/\\]+/).some((seg) => seg === '..')) return { error: 400 };
  const file = resolve(root, `.${pathname}`);
  if (file !== root && !file.startsWith(root.endsWith(sep) ? root : root + sep)) return { error: 400 };
  return { file, pathname, query };
}

/**
 * Serves the files under `root` over HTTP on a loopback interface.
 *
 * - `/` and directory paths serve the directory's `index.html`; a directory requested
 *   without its trailing slash is redirected (301) to the slash form so relative links work.
 * - Content-Type by extension; GET and HEAD only (405 otherwise).
 * - 404 with a small HTML body for missing files; 400 for `..` traversal attempts.
 * - Keep-alive is left on (Node's default); `close()` destroys all sockets.
 */
export async function serveStatic(root: string, opts: ServeStaticOptions = {}): Promise<StaticServer> {
  const base = resolve(root);
  const rootStat = await stat(base);
  if (!rootStat.isDirectory()) throw new Error(`serveStatic: not a directory: ${base}`);

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD');
      sendError(req, res, 405, 'Method Not Allowed', 'Only GET and HEAD are supported.');
      return;
    }
    const target = resolveTarget(base, req.url ?? '/');
    if ('error' in target) {
      sendError(req, res, 400, 'Bad Request', 'Invalid path.');
      return;
    }
    let file = target.file;
    let st = await stat(file).catch(() => undefined);
    if (st?.isDirectory()) {
      if (!target.pathname.endsWith('/')) {
        const location = `${encodeURI(target.pathname)}/${target.query}`;
        res.writeHead(301, { Location: location, 'Content-Length': 0 });
        res.end();
        return;
      }
      file = resolve(file, 'index.html');
      st = await stat(file).catch(() => undefined);
    }
    if (!st?.isFile()) {
      sendError(req, res, 404, 'Not Found', `No such file: ${escapeText(target.pathname)}`);
      return;
    }
    const body = await readFile(file);
    res.writeHead(200, {
      'Content-Type': contentTypeFor(file),
      'Content-Length': body.length,
      'Last-Modified': st.mtime.toUTCString(),
    });
    res.end(req.method === 'HEAD' ? undefined : body);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) sendError(req, res, 500, 'Internal Server Error', 'The file could not be read.');
      else res.destroy();
    });
  });

  const host = opts.host ?? '127.0.0.1';
  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject);
      resolveListen();
    });
  });

  const address = server.address() as AddressInfo;
  const urlHost = address.family === 'IPv6' || address.address.includes(':') ? `[${address.address}]` : address.address;
  let closing: Promise<void> | undefined;

  return {
    url: `http://${urlHost}:${address.port}`,
    port: address.port,
    close(): Promise<void> {
      closing ??= new Promise<void>((done) => {
        server.close(() => done());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
