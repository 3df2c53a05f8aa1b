import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';
import AWSAccount from 's3rver/lib/models/account.js';

/** What the S3 server saw: enough to check ACLs, content types and multipart uploads. */
export interface S3Request {
  readonly method: string;
  readonly url: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
}

export interface S3TestServer {
  readonly endpoint: string;
  readonly directory: string;
  readonly requests: S3Request[];
  close(): Promise<void>;
}

/** Credentials s3rver accepts besides its built-in S3RVER/S3RVER; the secret must never reach a log. */
export const TEST_KEY_ID = 'AKIDCRAWLTEST';
export const TEST_SECRET = 'crawl-test-secret-7f3a9c';
AWSAccount.DUMMY_ACCOUNT.createKeyPair(TEST_KEY_ID, TEST_SECRET);

/** s3rver (a real S3 HTTP API server) on 127.0.0.1, with a request log. */
export async function startS3Server(buckets: string[]): Promise<S3TestServer> {
  const directory = await mkdtemp(join(tmpdir(), 'crawl-s3rver-'));
  const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory, configureBuckets: buckets.map((name) => ({ name })) });
  const requests: S3Request[] = [];
  // Koa composes its middleware when the server starts, so this runs first for every request.
  server.middleware.unshift(async (ctx, next) => {
    requests.push({ method: ctx.method, url: ctx.url, headers: { ...ctx.headers } });
    await next();
  });
  const { port } = await server.run();
  return {
    endpoint: `http://127.0.0.1:${port}`,
    directory,
    requests,
    async close() {
      await server.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}
