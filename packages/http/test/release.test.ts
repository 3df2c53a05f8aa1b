import { afterEach, describe, expect, it } from 'vitest';
import { Agent } from 'undici';
import { Request, type Response } from '@crawl/core';
import { HttpDownload, type DownloadLimits } from '../src/download.js';
import { fakeCrawler, startHttp } from './support.js';

const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const limits: DownloadLimits = { timeoutMs: 5000, maxSize: 0, warnSize: 0, failOnDataloss: true, connectTimeoutMs: 5000 };

/** Runs one HttpDownload to its end and returns it with the outcome. */
async function run(path: string, status = 200): Promise<{ download: HttpDownload; outcome: Response | unknown; resolve: unknown; reject: unknown }> {
  const server = await startHttp((_req, res) => {
    res.writeHead(status, { 'Content-Type': 'text/html' });
    res.end('<p>page</p>');
  });
  cleanups.push(() => server.close());
  const agent = new Agent();
  cleanups.push(() => agent.close());
  let download!: HttpDownload;
  let resolveFn!: (r: Response) => void;
  let rejectFn!: (e: unknown) => void;
  const outcome = await new Promise<Response | unknown>((resolve, reject) => {
    resolveFn = resolve;
    rejectFn = reject;
    download = new HttpDownload(new Request(`${server.url}${path}`), fakeCrawler(), limits, undefined, new Set(), resolve, reject);
    download.start(agent);
  }).catch((error: unknown) => error);
  return { download, outcome, resolve: resolveFn, reject: rejectFn };
}

describe('HttpDownload after it settled', () => {
  it("holds neither the promise's resolve nor its reject, so the Response it delivered is not kept reachable through it", async () => {
    const { download, outcome, resolve, reject } = await run('/page');
    expect((outcome as Response).status).toBe(200);
    const held = download as unknown as { resolve: unknown; reject: unknown };
    expect(held.resolve).not.toBe(resolve);
    expect(held.reject).not.toBe(reject);
  });
});
