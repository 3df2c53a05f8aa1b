import { request, type Agent, type IncomingHttpHeaders, type RequestOptions } from 'node:http';

export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  text: string;
}

export interface RawRequestOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  agent?: Agent | false;
  lookup?: RequestOptions['lookup'];
  signal?: AbortSignal;
  /** Host name to connect to instead of the URL's (the URL's host still becomes the Host header). */
  connectHost?: string;
}

/** A plain node:http request (no connection pooling unless an agent is passed). */
export function rawRequest(url: string, opts: RawRequestOptions = {}): Promise<RawResponse> {
  const u = new URL(url);
  const options: RequestOptions = {
    host: opts.connectHost ?? u.hostname.replace(/^\[|\]$/g, ''),
    port: u.port,
    path: `${u.pathname}${u.search}`,
    method: opts.method ?? 'GET',
    headers: opts.headers ?? {},
    agent: opts.agent ?? false,
  };
  if (opts.lookup) options.lookup = opts.lookup;
  if (opts.signal) options.signal = opts.signal;
  return new Promise((resolve, reject) => {
    const req = request(options, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        const body = Buffer.concat(chunks);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body, text: body.toString('utf8') });
      });
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls `cond` every 5 ms for at most `timeoutMs`; throws if it never holds. */
export async function waitFor(cond: () => boolean, timeoutMs = 2000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error('waitFor: condition not met in time');
    await sleep(5);
  }
}
