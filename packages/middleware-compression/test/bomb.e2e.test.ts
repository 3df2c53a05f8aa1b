import { ResponseTooLargeError } from '@crawl/core';
import { startTestServer, type TestServer } from '@crawl/test-servers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compression } from '../src/index.js';
import { OUTPUT_CHUNK_SIZE } from '../src/decode.js';
import { brotli, brotliBomb, gzip, gzipBomb, MiB, rawDeflateBomb, zlibBomb } from './bombs.js';
import { crawl, encoded, Request, rssGrowthDuring } from './support.js';

// Security advisories S9 and S10: every codec, and stacked ones, decoded in bounded chunks.
const GiB = 1024 * MiB;
const LIMIT = 10 * MiB;
const RSS_BOUND = 200 * MiB;

let server: TestServer;
const bodies = new Map<string, { body: Buffer; coding: string }>();

beforeAll(async () => {
  const gz = gzipBomb(GiB);
  bodies.set('/gzip', { body: gz, coding: 'gzip' });
  bodies.set('/deflate', { body: zlibBomb(GiB), coding: 'deflate' });
  bodies.set('/raw-deflate', { body: rawDeflateBomb(GiB), coding: 'deflate' });
  bodies.set('/br', { body: await brotliBomb(GiB), coding: 'br' });
  bodies.set('/gzip-br', { body: brotli(gz), coding: 'gzip, br' });
  bodies.set('/gzip-gzip', { body: gzip(gz), coding: 'gzip, gzip' });
  const routes: Parameters<typeof startTestServer>[0] = { routes: {} };
  for (const [path, { body, coding }] of bodies) routes.routes![path] = encoded(body, { 'Content-Type': 'text/html', 'Content-Encoding': coding });
  server = await startTestServer(routes);
}, 60_000);

afterAll(async () => {
  await server?.close();
});

describe('decompression bombs expanding to 1 GiB, with downloadMaxSize 10 MiB', () => {
  it('the stacked gzip bomb is a few KB on the wire (S9: "a 10 KB gzip that expands to 1 GB")', () => {
    expect(bodies.get('/gzip-gzip')!.body.byteLength).toBeLessThan(10_000);
  });

  it.each(['/gzip', '/deflate', '/raw-deflate', '/br', '/gzip-br', '/gzip-gzip'])(
    '%s is cancelled just past the limit, with bounded memory',
    async (path) => {
      const { growth, result } = await rssGrowthDuring(() => crawl([new Request(`${server.url}${path}`)], [compression()], { downloadMaxSize: LIMIT }));
      expect(result.responses).toEqual([]);
      expect(result.failures).toHaveLength(1);
      const error = result.failures[0]!.error as ResponseTooLargeError;
      expect(error).toBeInstanceOf(ResponseTooLargeError);
      expect(error.maxSize).toBe(LIMIT);
      const stoppedAt = Number(/stopped after (\d+) B of (\S+) output/.exec(error.message)![1]);
      expect(stoppedAt).toBeGreaterThan(LIMIT);
      expect(stoppedAt).toBeLessThanOrEqual(LIMIT + OUTPUT_CHUNK_SIZE);
      expect(error.message).toContain(`Ignored response <200 ${server.url}${path}> because its body (${bodies.get(path)!.body.byteLength} B compressed)`);
      expect(result.stats['httpcompression/response_count']).toBeUndefined();
      expect(growth).toBeLessThan(RSS_BOUND);
    },
    30_000,
  );
});
