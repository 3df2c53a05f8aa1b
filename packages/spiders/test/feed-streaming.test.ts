import type { ServerResponse } from 'node:http';
import { Readable, pipeline } from 'node:stream';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { createGzip } from 'node:zlib';
import { Request, ResponseTooLargeError, type Response, type SpiderMiddleware } from '@crawl/core';
import { compression } from '@crawl/middleware-compression';
import { startTestServer, type TestServer } from '@crawl/test-servers';
import { peakGrowthDuring } from '@crawl/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { streamTextChunks } from '../src/body-text.js';
import { csvFeedSpider, iterCsvRecords, iterCsvRecordsAsync, iterXmlNodes, iterXmlNodesAsync, xmlFeedSpider } from '../src/index.js';
import { run } from './support.js';

// Own file (vitest runs each test file in its own process): the RSS measured here is this crawl's.

const MiB = 1024 * 1024;

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

/**
 * Serves the pieces a generator makes, pulled only as the socket drains (Readable.from + pipeline
 * wait for the client): the server never holds the body whole, so it cannot hide the client's memory.
 */
function serveGenerated(res: ServerResponse, headers: Record<string, string | number>, pieces: () => Generator<Buffer>, gzip = false): void {
  res.writeHead(200, headers);
  const source = Readable.from(pieces(), { objectMode: false, highWaterMark: 64 * 1024 });
  // A client that stops reading (max size, a failed callback) closes the socket: not a test failure.
  const done = (): void => undefined;
  if (gzip) pipeline(source, createGzip(), res, done);
  else pipeline(source, res, done);
}

/** `count` fixed-length lines, made by `line(i)`, in ~64 KiB buffers. */
function* lines(count: number, line: (i: number) => string, head = '', tail = ''): Generator<Buffer> {
  let text = head;
  for (let i = 0; i < count; i++) {
    text += line(i);
    if (text.length >= 64 * 1024) {
      yield Buffer.from(text);
      text = '';
    }
  }
  text += tail;
  if (text !== '') yield Buffer.from(text);
}

/** A full garbage collection on demand (vitest's workers do not run with --expose-gc). */
function exposedGc(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

/**
 * Runs `fn` while measuring what stays reachable: every `everyMs` a full GC, then heap in use plus
 * external memory (Buffers, the stream's and the sockets' buffers). Garbage is not counted, so the
 * figure says what the crawl holds, whatever the GC's timing.
 */
function retainedGrowthDuring<T>(fn: () => Promise<T>, everyMs = 250): Promise<{ growth: number; result: T }> {
  const gc = exposedGc();
  return peakGrowthDuring(fn, () => {
    gc();
    const m = process.memoryUsage();
    return m.heapUsed + m.external;
  }, everyMs);
}

const id8 = (i: number): string => String(i).padStart(8, '0');
/** Fixed length, so the row count of 100 MB is known; quoted fields with a delimiter and doubled quotes. */
const csvLine = (i: number): string => `${id8(i)},"Product ${id8(i)}, with ""quotes""",${String(i % 1000).padStart(3, '0')},some words to make a longer row\n`;
const csvRow = (i: number): Record<string, string> => ({ id: id8(i), name: `Product ${id8(i)}, with "quotes"`, price: String(i % 1000).padStart(3, '0'), note: 'some words to make a longer row' });
const CSV_HEAD = 'id,name,price,note\n';

describe('csvFeedSpider() on a streamed body', () => {
  it('crawls a 100 MB CSV generated on the fly in bounded memory: every row, in order', { timeout: 180_000 }, async () => {
    const rows = Math.ceil((100 * MiB) / csvLine(0).length);
    const size = CSV_HEAD.length + rows * csvLine(0).length;
    server.route('GET', '/100mb.csv', (_req, res) => serveGenerated(res, { 'content-type': 'text/csv', 'content-length': size }, () => lines(rows, csvLine, CSV_HEAD)));
    // A first, small crawl of the same kind: what any first crawl costs (code compiled, the heap's
    // young generation grown: ~55 MiB of RSS in a cold process) is not what this test measures.
    server.route('GET', '/warm-up.csv', (_req, res) => serveGenerated(res, { 'content-type': 'text/csv' }, () => lines(100_000, csvLine, CSV_HEAD)));
    let warmed = 0;
    await run(csvFeedSpider({ name: 'warm-up', startUrls: [`${server.url}/warm-up.csv`], parseRow: () => void warmed++ }));
    expect(warmed).toBe(100_000);
    let count = 0;
    let outOfOrder = 0;
    let last: Record<string, string> | undefined;
    let streamed = 0;
    exposedGc()(); // the warm-up's garbage goes, so the baseline is where this crawl starts
    // Retained memory (after a forced GC), not RSS: RSS also counts garbage not yet collected, which
    // on a busy CI machine reached 90 MiB once while the crawl itself held a few MiB.
    const { growth, result } = await retainedGrowthDuring(() =>
      run(
        csvFeedSpider({
          name: 'csv-100mb',
          startUrls: [`${server.url}/100mb.csv`],
          parseRow(response, row) {
            if (count === 0 && response.bodyStream !== undefined && response.body.byteLength === 0) streamed++;
            if (row.id !== id8(count)) outOfOrder++;
            count++;
            last = row;
            // Some output flows through the engine while the body is still downloading.
            return count % 100_000 === 0 ? { at: row.id } : undefined;
          },
        }),
      ),
    );
    console.info(`100 MB CSV (${rows} rows): peak retained growth ${(growth / MiB).toFixed(1)} MiB`);
    expect(result.logs.filter((l) => l.level === 'error')).toEqual([]);
    expect(size).toBeGreaterThanOrEqual(100 * MiB);
    expect(streamed).toBe(1);
    expect(count).toBe(rows);
    expect(outOfOrder).toBe(0);
    expect(last).toEqual(csvRow(rows - 1));
    expect(result.items).toHaveLength(Math.floor(rows / 100_000));
    expect(result.stats['response_received_count']).toBe(1);
    // With the body held whole (a start() without streamBody) the body alone is 100 MiB of external memory.
    expect(growth).toBeLessThan(64 * MiB);
  });

  it('decodes a gzip-encoded CSV stream through the compression middleware as it is read', { timeout: 60_000 }, async () => {
    const rows = 400_000; // ~32 MB decoded, several MiB compressed: past the 1 MiB the handler buffers
    server.route('GET', '/rows.csv.gz', (_req, res) =>
      serveGenerated(res, { 'content-type': 'text/csv; charset=utf-8', 'content-encoding': 'gzip' }, () => lines(rows, csvLine, CSV_HEAD), true),
    );
    let count = 0;
    let last: Record<string, string> | undefined;
    let streamed = false;
    const result = await run(
      csvFeedSpider({
        name: 'csv-gzip',
        startUrls: [`${server.url}/rows.csv.gz`],
        parseRow(response, row) {
          if (count++ === 0) streamed = response.bodyStream !== undefined && !response.headers.has('content-encoding');
          last = row;
          return undefined;
        },
      }),
      { downloaderMiddlewares: [compression()] },
    );
    expect(result.logs.filter((l) => l.level === 'error')).toEqual([]);
    expect(streamed).toBe(true);
    expect(count).toBe(rows);
    expect(last).toEqual(csvRow(rows - 1));
    expect(result.stats['httpcompression/response_count']).toBe(1);
    expect(result.stats['httpcompression/response_bytes']).toBe(CSV_HEAD.length + rows * csvLine(0).length);
  });

  it('decodes multi-byte UTF-8 split across chunk boundaries', { timeout: 60_000 }, async () => {
    // 2-, 3- and 4-byte characters on every row: socket reads and 64 KiB decode steps cut through them.
    const line = (i: number): string => `${id8(i)},"é€𝄞 ${i % 7 === 0 ? 'ß, 漢字' : '日本語'}",ü\n`;
    const rows = 150_000;
    server.route('GET', '/utf8.csv', (_req, res) => serveGenerated(res, { 'content-type': 'text/csv' }, () => lines(rows, line, 'id,text,x\n')));
    let bad = 0;
    let count = 0;
    let streamed = false;
    const { logs } = await run(
      csvFeedSpider({
        name: 'csv-utf8',
        startUrls: [`${server.url}/utf8.csv`],
        parseRow(response, row) {
          if (count === 0) streamed = response.bodyStream !== undefined;
          const want = `é€𝄞 ${count % 7 === 0 ? 'ß, 漢字' : '日本語'}`;
          if (row.id !== id8(count) || row.text !== want || row.x !== 'ü') bad++;
          count++;
          return undefined;
        },
      }),
    );
    expect(logs.filter((l) => l.level === 'error')).toEqual([]);
    expect(streamed).toBe(true);
    expect(count).toBe(rows);
    expect(bad).toBe(0);
  });

  it('splits no character when bytes arrive one at a time (the decoder on its own)', async () => {
    const text = 'a,b\n"é€𝄞",漢\nx,"y\nz"\n';
    const bytes = Buffer.from(text);
    async function* oneByOne(): AsyncGenerator<Uint8Array> {
      for (let i = 0; i < bytes.length; i++) yield bytes.subarray(i, i + 1);
    }
    const decoded = [];
    for await (const chunk of streamTextChunks(oneByOne(), undefined, 2)) decoded.push(chunk);
    expect(decoded.join('')).toBe(text);
    const records = [];
    for await (const record of iterCsvRecordsAsync(streamTextChunks(oneByOne(), undefined, 1))) records.push(record);
    expect(records).toEqual([...iterCsvRecords([text])]);
    expect(records).toEqual([['a', 'b'], ['é€𝄞', '漢'], ['x', 'y\nz']]);
  });

  it('decodes Latin-1 named by the Content-Type charset', { timeout: 60_000 }, async () => {
    const line = (i: number): string => `${id8(i)},café,Ærøskøbing ½ ${i % 10}\n`;
    const rows = 60_000; // ~2 MB: streamed
    server.route('GET', '/latin1.csv', (_req, res) =>
      serveGenerated(res, { 'content-type': 'text/csv; charset=ISO-8859-1' }, function* () {
        for (const piece of lines(rows, line, 'id,name,town\n')) yield Buffer.from(piece.toString(), 'latin1');
      }),
    );
    let count = 0;
    let bad = 0;
    let streamed = false;
    await run(
      csvFeedSpider({
        name: 'csv-latin1',
        startUrls: [`${server.url}/latin1.csv`],
        parseRow(response, row) {
          if (count === 0) streamed = response.bodyStream !== undefined;
          if (row.name !== 'café' || row.town !== `Ærøskøbing ½ ${count % 10}`) bad++;
          count++;
          return undefined;
        },
      }),
    );
    expect(streamed).toBe(true);
    expect(count).toBe(rows);
    expect(bad).toBe(0);
  });

  it('fails the callback with ResponseTooLargeError past downloadMaxSize, after the rows before it', { timeout: 60_000 }, async () => {
    const rows = 200_000; // ~16 MB, chunked (no Content-Length): the limit is only found while reading
    server.route('GET', '/too-large.csv', (_req, res) => serveGenerated(res, { 'content-type': 'text/csv' }, () => lines(rows, csvLine, CSV_HEAD)));
    const caught: unknown[] = [];
    const catcher: SpiderMiddleware = {
      name: 'catch',
      order: 500,
      processSpiderException(_response, error) {
        caught.push(error);
        return [{ failed: true }];
      },
    };
    let count = 0;
    let last: Record<string, string> | undefined;
    const { items } = await run(
      csvFeedSpider({
        name: 'csv-too-large',
        startUrls: [`${server.url}/too-large.csv`],
        parseRow(_response, row) {
          count++;
          last = row;
          return row.id!.endsWith('000') ? { id: row.id } : undefined;
        },
      }),
      { spiderMiddlewares: [catcher], settings: { downloadMaxSize: 4 * MiB } },
    );
    expect(caught).toHaveLength(1);
    expect(caught[0]).toBeInstanceOf(ResponseTooLargeError);
    // Every row that arrived whole within the limit, and none cut by it.
    const perRow = csvLine(0).length;
    expect(count).toBeGreaterThan(Math.floor((3 * MiB) / perRow));
    expect(count).toBeLessThanOrEqual(Math.floor((4 * MiB - CSV_HEAD.length) / perRow));
    expect(last).toEqual(csvRow(count - 1));
    // Output yielded before the error stays (callbackOutput 'stream'), then the middleware's answer.
    expect(items).toHaveLength(Math.floor((count - 1) / 1000) + 1 + 1);
    expect(items.at(-1)).toEqual({ failed: true });
  });

  it('streams only the start requests it makes: a start() of your own chooses with meta.streamBody', { timeout: 60_000 }, async () => {
    const rows = 30_000; // ~2.6 MB
    server.route('GET', '/own.csv', (_req, res) => serveGenerated(res, { 'content-type': 'text/csv' }, () => lines(rows, csvLine, CSV_HEAD)));
    const seen: Record<string, { streamed: boolean; rows: number }> = {};
    const spider = csvFeedSpider({
      name: 'csv-own-start',
      *start() {
        yield new Request(`${server.url}/own.csv?whole`, { dontFilter: true });
        yield new Request(`${server.url}/own.csv?streamed`, { dontFilter: true, meta: { streamBody: true } });
      },
      adaptResponse(response) {
        // adaptResponse sees the response as delivered: the stream not yet read.
        const key = new URL(response.url).search;
        seen[key] = { streamed: response.bodyStream !== undefined, rows: 0 };
        return response;
      },
      parseRow(response) {
        seen[new URL(response.url).search]!.rows++;
        return undefined;
      },
    });
    await run(spider);
    expect(seen).toEqual({ '?whole': { streamed: false, rows }, '?streamed': { streamed: true, rows } });
  });

  it('gives the default start requests meta.streamBody, and skips a bad start URL with an error line', async () => {
    const good = xmlFeedSpider({ name: 'xml-starts', startUrls: [`${server.url}/a.xml`, `${server.url}/b.xml`], parseNode: () => undefined });
    const requests = [...(good.start!() as Iterable<Request>)];
    expect(requests.map((r) => [r.url, r.method, r.meta.streamBody, r.dontFilter, r.callback])).toEqual([
      [`${server.url}/a.xml`, 'GET', true, true, undefined],
      [`${server.url}/b.xml`, 'GET', true, true, undefined],
    ]);
    const spider = csvFeedSpider({ name: 'csv-starts', startUrls: [`${server.url}/a.csv`, 'not a url', `${server.url}/b.csv`], parseRow: () => undefined });
    // Outside a crawl there is no logger to report a bad URL to: the error is thrown.
    expect(() => [...(spider.start!() as Iterable<Request>)]).toThrow(/not a url/);
    server.route('GET', '/a.csv', (_req, res) => void res.end('x\n1\n'));
    server.route('GET', '/b.csv', (_req, res) => void res.end('x\n2\n'));
    const { logs, stats } = await run(spider);
    expect(logs.filter((l) => l.level === 'error').map((l) => l.message)).toEqual([expect.stringMatching(/^Skipping start URL of spider csv-starts: .*not a url/)]);
    expect(stats['response_received_count']).toBe(2);
    const own = csvFeedSpider({ name: 'own', start: () => [], parseRow: () => undefined });
    expect(own.start).toBeDefined();
    expect([...(own.start!() as Iterable<unknown>)]).toEqual([]);
  });
});

const FEED_NS = 'urn:example:feed';
const DC = 'http://purl.org/dc/elements/1.1/';
const xmlEntry = (i: number): string =>
  `<entry><id>${id8(i)}</id><title>Caf\u00e9 n\u00b0 ${id8(i)}</title><dc:creator>Author ${i % 97}</dc:creator>` +
  `<link href="http://a.test/${id8(i)}"/><summary><![CDATA[<p>Summary of ${id8(i)} & more</p>]]></summary>` +
  `<content>${'Lorem ipsum dolor sit amet, consectetur adipiscing elit. '.repeat(8)}</content></entry>\n`;

describe('xmlFeedSpider() on a streamed body', () => {
  it('crawls a 32 MB namespaced Latin-1 XML feed in bounded memory: every node, in order', { timeout: 180_000 }, async () => {
    const nodes = Math.ceil((32 * MiB) / xmlEntry(0).length);
    // The encoding is only in the XML declaration: sniffed from the head of the stream.
    const head = `<?xml version="1.0" encoding="ISO-8859-1"?>\n<feed xmlns="${FEED_NS}" xmlns:dc="${DC}"><title>Big feed</title>\n`;
    server.route('GET', '/feed.xml', (_req, res) =>
      serveGenerated(res, { 'content-type': 'application/atom+xml' }, function* () {
        for (const piece of lines(nodes, xmlEntry, head, '</feed>\n')) yield Buffer.from(piece.toString(), 'latin1');
      }),
    );
    let count = 0;
    let bad = 0;
    let streamed = false;
    let last: Record<string, unknown> | undefined;
    // Not the RSS: every node is parsed into its own cheerio document, garbage the GC collects late
    // (its old generation grew to 100-400 MiB here between major collections, the same with the
    // body held whole); what the crawl keeps reachable is the measure of streaming.
    const { growth, result } = await retainedGrowthDuring(() =>
      run(
        xmlFeedSpider({
          name: 'xml-32mb',
          startUrls: [`${server.url}/feed.xml`],
          itertag: 'f:entry',
          namespaces: { f: FEED_NS },
          parseNode(response, node) {
            if (count === 0) streamed = response.bodyStream !== undefined;
            const i = count++;
            if (node.css('id::text').get() !== id8(i)) bad++;
            // Every field of one node in 100 and of the last (all of them would double the test's time).
            if (i % 100 === 0 || i === nodes - 1) {
              const got = {
                id: node.css('id::text').get(),
                title: node.css('title::text').get(),
                creator: node.xpath('dc:creator/text()').get(),
                href: node.css('link::attr(href)').get(),
                summary: node.css('summary::text').get(),
              };
              if (got.title !== `Caf\u00e9 n\u00b0 ${id8(i)}` || got.creator !== `Author ${i % 97}` || got.href !== `http://a.test/${id8(i)}`) bad++;
              last = got;
            }
            return undefined;
          },
        }),
      ),
    );
    console.info(`32 MB XML (${nodes} nodes): peak retained growth ${(growth / MiB).toFixed(1)} MiB`);
    expect(result.logs.filter((l) => l.level === 'error')).toEqual([]);
    expect(streamed).toBe(true);
    expect(count).toBe(nodes);
    expect(bad).toBe(0);
    const n = id8(nodes - 1);
    expect(last).toEqual({ id: n, title: `Caf\u00e9 n\u00b0 ${n}`, creator: `Author ${(nodes - 1) % 97}`, href: `http://a.test/${n}`, summary: `<p>Summary of ${n} & more</p>` });
    // With the body held whole this measure gave 26 MiB (the samples cannot run while a whole body
    // is parsed synchronously, so it sees less than the 32 MiB).
    expect(growth).toBeLessThan(16 * MiB);
  });

  it('yields the same nodes from async chunks as from sync ones, whatever the chunking', async () => {
    const doc = `<r xmlns:a="urn:a"><s xmlns:b="urn:b"><item><a:x>1</a:x><b:y/></item></s><a:item>2</a:item><item><![CDATA[3 <]]></item></r>`;
    const want = [...iterXmlNodes([doc], 'item')];
    expect(want).toHaveLength(3);
    for (const size of [1, 3, 7, doc.length]) {
      async function* pieces(): AsyncGenerator<string> {
        for (let i = 0; i < doc.length; i += size) yield doc.slice(i, i + size);
      }
      const got = [];
      for await (const node of iterXmlNodesAsync(pieces(), 'item')) got.push(node);
      expect(got).toEqual(want);
    }
  });

  it('fails the callback with the stream error after the nodes before it', { timeout: 60_000 }, async () => {
    const nodes = 10_000; // ~7 MB, chunked
    server.route('GET', '/big.xml', (_req, res) =>
      serveGenerated(res, { 'content-type': 'application/xml' }, () => lines(nodes, xmlEntry, `<feed xmlns:dc="${DC}">`, '</feed>')),
    );
    const caught: unknown[] = [];
    let count = 0;
    const { stats } = await run(
      xmlFeedSpider({
        name: 'xml-too-large',
        startUrls: [`${server.url}/big.xml`],
        itertag: 'entry',
        parseNode: () => void count++,
      }),
      {
        settings: { downloadMaxSize: 3 * MiB },
        spiderMiddlewares: [{ name: 'catch', order: 500, processSpiderException: (_r: Response, error: unknown) => void caught.push(error) }],
      },
    );
    expect(caught).toHaveLength(1);
    expect(caught[0]).toBeInstanceOf(ResponseTooLargeError);
    // Unhandled by the middleware (it returned nothing): the engine logs and counts it.
    expect(stats['spider_exceptions/ResponseTooLargeError']).toBe(1);
    expect(count).toBeGreaterThan(Math.floor((2 * MiB) / xmlEntry(0).length));
    expect(count).toBeLessThan(Math.ceil((3 * MiB) / xmlEntry(0).length));
  });
});
