import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Server } from 'node:http';
import { Headers, Request, StopDownload, type DownloadHandler } from '@crawl/core';
import { httpHandler, type StopDownloadWithResponse } from '../src/index.js';
import { fakeCrawler, startHttp, until, type Started } from './support.js';

let server: Started<Server>;
let handler: DownloadHandler;
let closedEarly = 0;

beforeAll(async () => {
  server = await startHttp((req, res) => {
    res.on('close', () => {
      if (!res.writableFinished) closedEarly++;
    });
    res.writeHead(200, { 'Content-Type': 'text/plain', 'X-Test': 'yes' });
    if (req.url === '/slow') {
      // Three chunks with pauses, so each arrives as its own data event.
      let i = 0;
      const next = () => {
        if (res.destroyed) return;
        if (i === 3) return void res.end();
        res.write(`chunk${i++}|`);
        setTimeout(next, 30);
      };
      next();
    } else {
      res.end('hello world');
    }
  });
  handler = httpHandler();
});

afterAll(async () => {
  await handler.close?.(fakeCrawler(), 'finished');
  await server.close();
});

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (e: unknown) => e,
  );
}

describe('headersReceived and bytesReceived', () => {
  it('emits headers once and every body chunk', async () => {
    const crawler = fakeCrawler();
    const seen: { headers?: Headers; status?: number; request?: Request<any> } = {};
    let headerEvents = 0;
    const chunks: string[] = [];
    crawler.events.on('headersReceived', (headers, status, request) => {
      headerEvents++;
      Object.assign(seen, { headers, status, request });
    });
    crawler.events.on('bytesReceived', (chunk, request) => {
      expect(request).toBe(seen.request);
      chunks.push(Buffer.from(chunk).toString());
    });
    const request = new Request(`${server.url}/slow`);
    const response = await handler.download(request, crawler);
    expect(headerEvents).toBe(1);
    expect(seen.status).toBe(200);
    expect(seen.request).toBe(request);
    expect(seen.headers?.get('x-test')).toBe('yes');
    expect(chunks.join('')).toBe('chunk0|chunk1|chunk2|');
    expect(chunks.length).toBeGreaterThanOrEqual(2);
    expect(response.text).toBe('chunk0|chunk1|chunk2|');
    expect(response.headers).toBe(seen.headers);
  });

  it('StopDownload from headersReceived fails the request with the empty response attached', async () => {
    const crawler = fakeCrawler();
    crawler.events.on('headersReceived', () => {
      throw new StopDownload();
    });
    const before = closedEarly;
    const error = (await rejection(handler.download(new Request(`${server.url}/slow`), crawler))) as StopDownloadWithResponse;
    expect(error).toBeInstanceOf(StopDownload);
    expect(error.fail).toBe(true);
    expect(error.response?.status).toBe(200);
    expect(error.response?.body.byteLength).toBe(0);
    expect(error.response?.flags).toEqual(['download_stopped']);
    await until(() => closedEarly === before + 1, 5000, 'server saw the connection drop');
  });

  it('StopDownload({ fail: false }) from headersReceived returns the headers-only response', async () => {
    const crawler = fakeCrawler();
    crawler.events.on('headersReceived', () => {
      throw new StopDownload({ fail: false });
    });
    const response = await handler.download(new Request(`${server.url}/slow`), crawler);
    expect(response.status).toBe(200);
    expect(response.headers.get('x-test')).toBe('yes');
    expect(response.body.byteLength).toBe(0);
    expect(response.flags).toEqual(['download_stopped']);
  });

  it('StopDownload from bytesReceived keeps what arrived, including that chunk', async () => {
    const crawler = fakeCrawler();
    crawler.events.on('bytesReceived', () => {
      throw new StopDownload({ fail: false });
    });
    const response = await handler.download(new Request(`${server.url}/slow`), crawler);
    expect(response.text).toBe('chunk0|');
    expect(response.flags).toEqual(['download_stopped']);
  });

  it('StopDownload(fail) from bytesReceived rejects with the partial response', async () => {
    const crawler = fakeCrawler();
    let seen = 0;
    crawler.events.on('bytesReceived', () => {
      if (++seen === 2) throw new StopDownload({ fail: true });
    });
    const error = (await rejection(handler.download(new Request(`${server.url}/slow`), crawler))) as StopDownloadWithResponse;
    expect(error).toBeInstanceOf(StopDownload);
    expect(error.response?.text).toBe('chunk0|chunk1|');
    expect(error.response?.flags).toEqual(['download_stopped']);
  });

  it('logs other listener errors and finishes the download', async () => {
    const crawler = fakeCrawler();
    crawler.events.on('headersReceived', () => {
      throw new Error('listener bug');
    });
    const response = await handler.download(new Request(`${server.url}/`), crawler);
    expect(response.text).toBe('hello world');
    expect(crawler.lines.some((l) => l.level === 'error' && l.message.includes('listener bug') && l.message.includes(server.url))).toBe(true);
  });

  it('the handler keeps working after stopped downloads', async () => {
    const response = await handler.download(new Request(`${server.url}/`), fakeCrawler());
    expect(response.text).toBe('hello world');
  });
});
