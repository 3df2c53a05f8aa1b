import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Server } from 'node:http';
import { Request, TlsError, type DownloadHandler } from '@crawl/core';
import { loopbackLookup } from '@crawl/test-servers';
import { httpHandler } from '../src/index.js';
import { fakeCrawler, startHttp, startHttps, TLS_CERT, type Started } from './support.js';

let server: Started<Server>;
const crawler = fakeCrawler();
const handlers: DownloadHandler[] = [];

function make(options: Parameters<typeof httpHandler>[0] = {}): DownloadHandler {
  const handler = httpHandler(options);
  handlers.push(handler);
  return handler;
}

beforeAll(async () => {
  server = await startHttps((req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/plain' });
    res.end(`secure ${req.url}`);
  });
});

afterAll(async () => {
  for (const h of handlers) await h.close?.(crawler, 'finished');
  await server.close();
});

describe('TLS', () => {
  it('verifies certificates by default: a self-signed one fails with TlsError', async () => {
    const url = `${server.url}/a`;
    const error = await make()
      .download(new Request(url), crawler)
      .catch((e: unknown) => e as Error);
    expect(error).toBeInstanceOf(TlsError);
    expect((error as Error).message).toContain(url);
    expect((error as Error).message).toMatch(/self[- ]signed/i);
  });

  it('accepts it with tlsVerify: false', async () => {
    const response = await make({ tlsVerify: false }).download(new Request(`${server.url}/b`), crawler);
    expect(response.status).toBe(200);
    expect(response.text).toBe('secure /b');
  });

  it('meta.tlsVerify overrides the handler option both ways', async () => {
    const strict = make();
    const response = await strict.download(new Request(`${server.url}/c`, { meta: { tlsVerify: false } }), crawler);
    expect(response.text).toBe('secure /c');
    // The verifying pool is unaffected by the non-verifying one.
    await expect(strict.download(new Request(`${server.url}/d`), crawler)).rejects.toBeInstanceOf(TlsError);
    const lax = make({ tlsVerify: false });
    await expect(lax.download(new Request(`${server.url}/e`, { meta: { tlsVerify: true } }), crawler)).rejects.toBeInstanceOf(TlsError);
  });

  it('trusts a certificate signed by a CA given in the ca option, and checks the hostname', async () => {
    const trusting = make({ ca: TLS_CERT, lookup: loopbackLookup({ localhost: '127.0.0.1', 'other.test': '127.0.0.1' }) });
    const ok = await trusting.download(new Request(`https://localhost:${server.port}/f`), crawler);
    expect(ok.text).toBe('secure /f');
    const wrongName = await trusting.download(new Request(`https://other.test:${server.port}/g`), crawler).catch((e: unknown) => e as Error);
    expect(wrongName).toBeInstanceOf(TlsError);
    expect((wrongName as Error).message).toMatch(/other\.test/);
  });

  it('fails a TLS handshake against a plain HTTP port with TlsError', async () => {
    const plain = await startHttp((_req, res) => res.end('plain'));
    try {
      const url = `https://127.0.0.1:${plain.port}/`;
      const error = await make({ tlsVerify: false })
        .download(new Request(url), crawler)
        .catch((e: unknown) => e as Error);
      expect(error).toBeInstanceOf(TlsError);
    } finally {
      await plain.close();
    }
  });
});
