import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FlakyProxy {
  readonly endpoint: string;
  /** Requests that reached the proxy, failed or forwarded. */
  readonly attempts: string[];
  close(): Promise<void>;
}

/**
 * A reverse proxy in front of an S3 server that answers the first `failures` matching requests
 * with 503 ServiceUnavailable (what S3 sends under load), then forwards everything.
 */
export async function startFlakyProxy(target: string, failures: number, matches: (req: IncomingMessage) => boolean): Promise<FlakyProxy> {
  const upstream = new URL(target);
  const attempts: string[] = [];
  let left = failures;
  const server: Server = createServer((req, res) => {
    attempts.push(`${req.method} ${req.url}`);
    if (left > 0 && matches(req)) {
      left--;
      req.resume();
      req.on('end', () => {
        res.writeHead(503, { 'Content-Type': 'application/xml' });
        res.end('<?xml version="1.0" encoding="UTF-8"?><Error><Code>ServiceUnavailable</Code><Message>Please reduce your request rate.</Message></Error>');
      });
      return;
    }
    const out = httpRequest(
      { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    out.on('error', () => res.destroy());
    req.pipe(out);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    attempts,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
