import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';

/** One request as the test server received it. */
export interface RecordedRequest {
  method: string;
  /** Path plus query, exactly as sent on the request line. */
  url: string;
  headers: IncomingHttpHeaders;
  /** The full request body (empty until it has been read completely). */
  body: Buffer;
  /** The Host header ('' if none was sent). */
  host: string;
  /** Date.now() when the request arrived. */
  at: number;
}

/** A request handler; `req.body` holds the complete request body. */
export type RouteHandler = (
  req: IncomingMessage & { body: Buffer },
  res: ServerResponse,
) => void | Promise<void>;

export interface TestServer {
  /** `http://127.0.0.1:PORT` or `http://[::1]:PORT` (no trailing slash). */
  readonly url: string;
  readonly port: number;
  /** `'127.0.0.1'` or `'::1'`. */
  readonly host: string;
  /** Every request received, in arrival order. */
  readonly requests: RecordedRequest[];
  /** Requests currently being handled (arrived, response not yet closed). */
  inFlight(): number;
  /** How many of `requests` asked for this path plus query, exactly as sent on the request line. */
  hits(pathAndQuery: string): number;
  /** Highest inFlight() seen since start or the last resetStats(). */
  peakInFlight(): number;
  /** Empties `requests` (in place) and sets peakInFlight() to the current inFlight(). */
  resetStats(): void;
  /** Adds or replaces a route at runtime; method `'*'` matches any method. */
  route(method: string, path: string, handler: RouteHandler): void;
  /** Stops listening and destroys every socket, keep-alive ones included. Idempotent. */
  close(): Promise<void>;
}

export interface StartTestServerOptions {
  /** Loopback address to bind; default `'127.0.0.1'`. */
  /** '127.0.0.1' (default), another 127.x.y.z address, or '::1'. */
  host?: string;
  /** Keys are `'GET /path'` (one method) or `'/path'` (any method). */
  routes?: Record<string, RouteHandler>;
  /** Handler for unmatched requests; default a 404 text response. */
  fallback?: RouteHandler;
}
