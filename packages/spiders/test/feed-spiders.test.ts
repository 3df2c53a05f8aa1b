import { ConfigError, Request, type Response } from '@crawl/core';
import { handlers, startTestServer, type RouteHandler, type TestServer } from '@crawl/test-servers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { csvFeedSpider, iterCsvRecords, iterXmlNodes, xmlFeedSpider } from '../src/index.js';
import { textChunks } from '../src/body-text.js';
import { run } from './support.js';

const RSS = `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel><title>Feed</title>
<item><title>First &amp; best</title><link>http://a.test/1</link><dc:creator>Ann</dc:creator><media:content url="http://a.test/1.jpg"/></item>
<item><title><![CDATA[Second <b>bold</b>]]></title><link>http://a.test/2</link><dc:creator>Bob</dc:creator></item>
</channel></rss>`;

const ATOM = `<?xml version="1.0" encoding="ISO-8859-1"?>
<feed xmlns="http://www.w3.org/2005/Atom" xmlns:x="urn:x"><entry><title>caf\u00e9</title><x:id>1</x:id></entry><x:entry><title>namespaced</title></x:entry></feed>`;

const CSV = 'id;name;note\r\n1;Ann;"has ; semicolon"\r\n2;Bob;"multi\nline ""quoted"""\n3;bad row\n\n4;Dan;\n';

let server: TestServer;
const csvHandler = (body: string): RouteHandler => handlers.text(body, 200, { 'content-type': 'text/csv; charset=utf-8' });

beforeAll(async () => {
  server = await startTestServer({
    routes: {
      'GET /rss.xml': handlers.text(RSS, 200, { 'content-type': 'application/rss+xml' }),
      'GET /atom.xml': (_req, res) => {
        const body = Buffer.from(ATOM, 'latin1');
        res.writeHead(200, { 'content-type': 'application/atom+xml', 'content-length': body.byteLength });
        res.end(body);
      },
      'GET /data.csv': csvHandler(CSV),
      'GET /noheader.csv': csvHandler('a,b\nc,d\n'),
    },
  });
});
afterAll(() => server.close());

describe('xmlFeedSpider()', () => {
  it('streams itertag nodes to parseNode with css/xpath selectors, namespaces and CDATA', async () => {
    const spider = xmlFeedSpider({
      name: 'rss',
      startUrls: [`${server.url}/rss.xml`],
      itertag: 'item',
      parseNode(response: Response, node) {
        return {
          title: node.xpath('title/text()').get(),
          link: node.css('link::text').get(),
          creator: node.xpath('dc:creator/text()').get(),
          media: node.xpath('media:content/@url').get() ?? null,
          from: new URL(response.url).pathname,
        };
      },
    });
    const { items, logs } = await run(spider);
    expect(logs.filter((l) => l.level === 'error')).toEqual([]);
    expect(items).toEqual([
      { title: 'First & best', link: 'http://a.test/1', creator: 'Ann', media: 'http://a.test/1.jpg', from: '/rss.xml' },
      { title: 'Second <b>bold</b>', link: 'http://a.test/2', creator: 'Bob', media: null, from: '/rss.xml' },
    ]);
  });

  it('matches a prefixed itertag through namespaces, decodes the declared encoding, and yields requests too', async () => {
    const seen: string[] = [];
    const spider = xmlFeedSpider({
      name: 'atom',
      startUrls: [`${server.url}/atom.xml`],
      itertag: 'y:entry',
      namespaces: [['y', 'urn:x']],
      parseNode(_response, node) {
        seen.push(node.css('title::text').get() ?? '');
        return [{ ok: true }];
      },
    });
    const { items } = await run(spider);
    expect(seen).toEqual(['namespaced']);
    expect(items).toEqual([{ ok: true }]);
    const plain: string[] = [];
    await run(xmlFeedSpider({ name: 'atom2', startUrls: [`${server.url}/atom.xml`], itertag: 'entry', parseNode: (_r, n) => void plain.push(n.css('title::text').get() ?? '') }));
    expect(plain).toEqual(['caf\u00e9', 'namespaced']);
  });

  it("resolves the spider's namespaces in each node's xpath(), also for a prefix the document never declares", async () => {
    const ids: (string | undefined)[] = [];
    await run(
      xmlFeedSpider({
        name: 'atom-ns',
        startUrls: [`${server.url}/atom.xml`],
        itertag: 'entry',
        namespaces: { y: 'urn:x' },
        parseNode: (_r, node) => void ids.push(node.xpath('y:id/text()').get()),
      }),
    );
    // 'entry' matches both entries by local name; only the first has an x:id.
    expect(ids).toEqual(['1', undefined]);
  });

  it('parses pathological input in linear time (no backtracking regex: S11)', () => {
    const evil = `<rss>${'<item'.repeat(100_000)}${'<![CDATA['.repeat(10_000)}`;
    expect([...iterXmlNodes([evil], 'item')]).toEqual([]);
    const many = `<r>${'<item><t>x</t></item>'.repeat(20_000)}</r>`;
    expect([...iterXmlNodes(textChunks(Buffer.from(many), 'utf-8', 0, 1000), 'item')]).toHaveLength(20_000);
  });

  it('validates options', () => {
    expect(() => xmlFeedSpider({ name: 'x', parseNode: () => undefined, iterator: 'html' as never })).toThrow(/iterator/);
    expect(() => xmlFeedSpider({ name: 'x' } as never)).toThrow(/parseNode/);
    expect(() => xmlFeedSpider({ name: 'x', parseNode: () => undefined, itertg: 'a' } as never)).toThrow(ConfigError);
  });
});

describe('csvFeedSpider()', () => {
  it('streams rows keyed by the header line, with quoting, delimiter, and bad rows reported', async () => {
    const bad: [readonly string[], number][] = [];
    const spider = csvFeedSpider({
      name: 'csv',
      startUrls: [`${server.url}/data.csv`],
      delimiter: ';',
      parseRow: (_response, row) => row,
      onBadRow: (_r, record, n) => void bad.push([record, n]),
    });
    const { items } = await run(spider);
    expect(items).toEqual([
      { id: '1', name: 'Ann', note: 'has ; semicolon' },
      { id: '2', name: 'Bob', note: 'multi\nline "quoted"' },
      { id: '4', name: 'Dan', note: '' },
    ]);
    expect(bad).toEqual([[['3', 'bad row'], 3]]);
  });

  it('uses given headers, and parseRow may return requests and async output', async () => {
    const spider = csvFeedSpider({
      name: 'csv-headers',
      startUrls: [`${server.url}/noheader.csv`],
      headers: ['x', 'y'],
      async parseRow(response, row) {
        return row.x === 'a' ? [row, new Request(`${server.url}/data.csv?from=${row.y}`, { callback: () => undefined })] : row;
      },
    });
    const { items } = await run(spider);
    expect(items).toEqual([{ x: 'a', y: 'b' }, { x: 'c', y: 'd' }]);
    expect(server.requests.some((r) => r.url === '/data.csv?from=b')).toBe(true);
  });

  it('reads a large CSV body through a real crawl', async () => {
    const rows = 200_000;
    const lines = ['id,name,price'];
    for (let i = 0; i < rows; i++) lines.push(`${i},"Product ${i}, large",${(i % 1000) / 10}`);
    server.route('GET', '/large.csv', csvHandler(`${lines.join('\n')}\n`));
    let count = 0;
    let last: Record<string, string> | undefined;
    const { items } = await run(
      csvFeedSpider({
        name: 'large',
        startUrls: [`${server.url}/large.csv`],
        parseRow(_r, row) {
          count++;
          last = row;
          return undefined;
        },
      }),
    );
    expect(items).toEqual([]);
    expect(count).toBe(rows);
    expect(last).toEqual({ id: String(rows - 1), name: `Product ${rows - 1}, large`, price: String(((rows - 1) % 1000) / 10) });
  });

  it('parses 100 MB of CSV in bounded memory (streamed chunks, one record at a time)', () => {
    const line = '12345,"a quoted, field with ""quotes""",some more text to make the line longer\n';
    const total = 100 * 1024 * 1024;
    const chunk = line.repeat(Math.floor((64 * 1024) / line.length));
    function* chunks(): Generator<string> {
      for (let sent = 0; sent < total; sent += chunk.length) yield chunk;
    }
    const before = process.memoryUsage().heapUsed;
    let peak = before;
    let n = 0;
    for (const record of iterCsvRecords(chunks())) {
      n++;
      if (record.length !== 3) throw new Error(`bad record ${n}`);
      if ((n & 0xffff) === 0) peak = Math.max(peak, process.memoryUsage().heapUsed);
    }
    expect(n).toBeGreaterThan(1_000_000);
    // Holding the records or the text would take hundreds of MB; streaming stays far below.
    expect(peak - before).toBeLessThan(64 * 1024 * 1024);
  });

  it('validates options', () => {
    expect(() => csvFeedSpider({ name: 'c', parseRow: () => undefined, delimiter: ';;' })).toThrow(/delimiter/);
    expect(() => csvFeedSpider({ name: 'c', parseRow: () => undefined, delimiter: '"' })).toThrow(/differ/);
    expect(() => csvFeedSpider({ name: 'c', parseRow: () => undefined, headers: [] })).toThrow(/headers/);
    expect(() => csvFeedSpider({ name: 'c', parseRow: () => undefined, header: ['a'] } as never)).toThrow(/header/);
  });
});

describe('iterXmlNodes()', () => {
  it('adds only the namespace declarations in scope of each node', () => {
    const doc = '<r xmlns:a="urn:a"><s xmlns:b="urn:b"><item><a:x/><b:y/></item></s><item><a:x/></item></r>';
    expect([...iterXmlNodes([doc], 'item')]).toEqual(['<item xmlns:b="urn:b" xmlns:a="urn:a"><a:x></a:x><b:y></b:y></item>', '<item xmlns:a="urn:a"><a:x></a:x></item>']);
  });
});
