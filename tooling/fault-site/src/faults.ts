import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FaultKind } from './plan.js';

export interface FaultTiming {
  /** How long a stall holds the connection before the server gives up (bounds the test). */
  stallMs: number;
  dripChunks: number;
  dripIntervalMs: number;
  chainLength: number;
  /** Redirect-loop hops the server answers before it stops (the crawler should stop first). */
  loopLimit: number;
}

const STATUS = { 'status-500': 500, 'status-502': 502, 'status-503': 503, 'status-429': 429 } as const;

/**
 * Serves one failing attempt. `serve` sends the good body (slow drip and redirect chains succeed
 * in the end); the return value says whether that happened.
 */
export function injectFault(
  kind: FaultKind,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  timing: FaultTiming,
  timers: Set<NodeJS.Timeout>,
): void {
  const socket = req.socket;
  switch (kind) {
    case 'status-500':
    case 'status-502':
    case 'status-503':
    case 'status-429':
      text(res, STATUS[kind], {});
      return;
    case 'status-429-retry-after':
      text(res, 429, { 'Retry-After': '1' });
      return;
    case 'status-503-retry-after-date':
      // An HTTP-date one second ahead, rounded down: at most a second's wait.
      text(res, 503, { 'Retry-After': new Date(Date.now() + 1000).toUTCString() });
      return;
    case 'reset-before-headers':
      socket.resetAndDestroy();
      return;
    case 'reset-after-headers':
      // Raw bytes so the headers are surely on the wire before the reset.
      socket.write('HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 4096\r\n\r\n<html><body>partial', () =>
        later(timers, 50, () => socket.resetAndDestroy()),
      );
      return;
    case 'truncated':
      // Headers promise 4096 bytes; 100 arrive and the connection closes cleanly.
      socket.end('HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 4096\r\nConnection: close\r\n\r\n' + '<p>'.padEnd(100, 'y'));
      return;
    case 'bad-chunked':
      socket.end('HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n5\r\nhello\r\nzz-not-hex\r\nbroken\r\n');
      return;
    case 'bad-gzip': {
      const junk = Buffer.from('1f8b0800000000000003' + 'ff'.repeat(64), 'hex');
      res.writeHead(200, { 'Content-Type': 'text/html', 'Content-Encoding': 'gzip', 'Content-Length': String(junk.length) });
      res.end(junk);
      return;
    }
    case 'stall':
      later(timers, timing.stallMs, () => socket.destroy());
      return;
    case 'huge-headers': {
      // 64 KiB in one header: four times Node's and undici's default header limit.
      res.writeHead(200, { 'Content-Type': 'text/html', 'X-Huge': 'h'.repeat(64 * 1024), 'Content-Length': '2' });
      res.end('ok');
      return;
    }
    case 'image-html':
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
      res.end('<!doctype html><html><body>Not an image: a login page</body></html>');
      return;
    case 'redirect-loop':
    case 'redirect-chain':
    case 'slow-drip':
      throw new Error(`${kind} is served by the site, not injectFault (${path})`);
  }
}

function text(res: ServerResponse, status: number, headers: Record<string, string>): void {
  const body = `fault ${status}\n`;
  res.writeHead(status, { 'Content-Type': 'text/plain', 'Content-Length': String(body.length), ...headers });
  res.end(body);
}

export function later(timers: Set<NodeJS.Timeout>, ms: number, fn: () => void): void {
  const t = setTimeout(() => {
    timers.delete(t);
    fn();
  }, ms);
  timers.add(t);
}
