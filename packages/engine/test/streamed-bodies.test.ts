import { Readable } from 'node:stream';
import { Request, Response, type Crawler, type DownloadHandler, type DownloaderMiddleware } from '@crawl/core';
import { describe, expect, it } from 'vitest';
import { crawl } from '../src/index.js';
import { memoryLogger } from './support/logger.js';

const base = { builtinSpiderMiddlewares: false, builtinDownloaderMiddlewares: false, settings: { logStatsInterval: 0, logLevel: 'debug' } } as const;

/** A body stream that records whether it was destroyed and whether it was read to the end. */
function trackedStream(parts: string[]): Readable & { wasDestroyed: () => boolean } {
  const stream = Readable.from(parts.map((p) => Buffer.from(p)), { objectMode: false }) as Readable & { wasDestroyed: () => boolean };
  stream.wasDestroyed = () => stream.destroyed;
  return stream;
}

/** A handler answering every request with a streamed body, keeping each stream for the test to inspect. */
function streamingHandler(): DownloadHandler & { streams: Map<string, ReturnType<typeof trackedStream>> } {
  const streams = new Map<string, ReturnType<typeof trackedStream>>();
  return {
    name: 'test/streaming',
    schemes: ['http'],
    streams,
    async download(request) {
      const stream = trackedStream(['one ', 'two ', 'three']);
      streams.set(request.url, stream);
      return new Response(request.url, { status: 200, request, bodyStream: stream });
    },
  };
}

describe('streamed bodies in the engine', () => {
  it('hands the stream to the callback, and destroys one the callback did not read', async () => {
    const handler = streamingHandler();
    const read: string[] = [];
    await crawl(
      {
        name: 's',
        startUrls: ['http://site.test/read', 'http://site.test/ignore'],
        async parse(response) {
          if (!response.url.endsWith('/read')) return;
          let text = '';
          for await (const chunk of response.bodyStream!) text += Buffer.from(chunk).toString();
          read.push(text);
        },
      },
      { ...base, downloadHandlers: [handler], logger: memoryLogger() },
    );
    expect(read).toEqual(['one two three']);
    expect(handler.streams.get('http://site.test/ignore')!.wasDestroyed()).toBe(true);
  });

  it('destroys the stream when a downloader middleware answers with a Request or a buffered Response instead', async () => {
    const handler = streamingHandler();
    const swap: DownloaderMiddleware = {
      name: 'swap',
      order: 500,
      processResponse(request, response) {
        if (request.url.endsWith('/again')) return new Request('http://site.test/other', { dontFilter: true });
        if (request.url.endsWith('/buffered')) return new Response(response.url, { status: 200, request, body: 'replaced' });
        return response;
      },
    };
    const bodies: string[] = [];
    await crawl(
      { name: 's', startUrls: ['http://site.test/again', 'http://site.test/buffered'], parse: (r) => void bodies.push(`${r.url} ${r.bodyStream === undefined}`) },
      { ...base, downloadHandlers: [handler], downloaderMiddlewares: [swap], logger: memoryLogger() },
    );
    expect(handler.streams.get('http://site.test/again')!.wasDestroyed()).toBe(true);
    expect(handler.streams.get('http://site.test/buffered')!.wasDestroyed()).toBe(true);
    expect(bodies.sort()).toEqual(['http://site.test/buffered true', 'http://site.test/other false']);
  });

  it('keeps the transfer in its downloader slot until the stream closes', async () => {
    const handler = streamingHandler();
    let crawler: Crawler | undefined;
    const active: number[] = [];
    const slotActive = (): number => crawler!.downloader.slot('site.test').active;
    await crawl(
      {
        name: 's',
        startUrls: ['http://site.test/slot'],
        open(c: Crawler) {
          crawler = c;
        },
        async parse(response: Response) {
          active.push(slotActive());
          for await (const _ of response.bodyStream!) void _;
          await new Promise((r) => setImmediate(r));
          active.push(slotActive());
        },
      },
      { ...base, downloadHandlers: [handler], logger: memoryLogger() },
    );
    expect(active).toEqual([1, 0]);
  });
});
