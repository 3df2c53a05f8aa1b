import { readFile, readdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { ServerResponse } from 'node:http';
import { fileURLToPath } from 'node:url';
import { defineSpider, type ItemPipeline, type StatValue } from '@crawl/core';
import { Crawler, parseFeedUri } from '@crawl/engine';
import { httpHandler } from '@crawl/http';
import type { FileInfo } from '@crawl/pipeline-files';
import { imagesPipeline } from '@crawl/pipeline-images';
import { startFtpServer, startTestServer, type FtpTestServer, type TestServer } from '@crawl/test-servers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ftpStore } from '../src/index.js';

// sharp comes with @crawl/pipeline-images; reach it through that package rather than depending on it.
interface SharpImage {
  png(): SharpImage;
  jpeg(): SharpImage;
  toBuffer(): Promise<Buffer>;
  metadata(): Promise<{ format?: string; width?: number; height?: number }>;
}
type Sharp = (input: Buffer | { create: { width: number; height: number; channels: 3; background: object } }) => SharpImage;
const require = createRequire(import.meta.url);
const sharp = createRequire(require.resolve('@crawl/pipeline-images'))('sharp') as Sharp;

let ftp: FtpTestServer;
let http: TestServer;
const paths = ['/img/a.png', '/img/b.jpg', '/img/c.png'];

function bytes(body: Buffer, type: string) {
  return (_req: unknown, res: ServerResponse) => {
    res.writeHead(200, { 'Content-Type': type, 'Content-Length': body.length });
    res.end(body);
  };
}

beforeAll(async () => {
  ftp = await startFtpServer({ user: 'media', password: 'Pw-9f3k' });
  const colours = [{ r: 200, g: 10, b: 10 }, { r: 10, g: 200, b: 10 }, { r: 10, g: 10, b: 200 }];
  const routes: Record<string, ReturnType<typeof bytes>> = {};
  for (let i = 0; i < paths.length; i++) {
    const img = sharp({ create: { width: 120 + i * 10, height: 100, channels: 3, background: colours[i]! } });
    routes[`GET ${paths[i]}`] = paths[i]!.endsWith('.jpg') ? bytes(await img.jpeg().toBuffer(), 'image/jpeg') : bytes(await img.png().toBuffer(), 'image/png');
  }
  routes['GET /items'] = bytes(Buffer.from('<html><body>items</body></html>'), 'text/html');
  http = await startTestServer({ routes });
});
afterAll(async () => {
  await http?.close();
  await ftp?.close();
});

interface Run {
  stats: Record<string, StatValue>;
  items: { image_urls: string[]; images?: FileInfo[] }[];
  logs: string[];
}

async function crawl(options: { itemPipelines?: ItemPipeline<any, any>[]; settings?: Record<string, unknown>; items?: () => object[] }): Promise<Run> {
  const spider = defineSpider({
    name: 'ftp-test',
    startUrls: [`${http.url}/items`],
    parse: options.items ?? (() => [{ image_urls: paths.map((p) => `${http.url}${p}`) }]),
  });
  const logs: string[] = [];
  const log = (level: string) => (message: string, fields?: Record<string, unknown>) => {
    const error = fields?.['error'];
    logs.push(`${level} ${message}${error instanceof Error ? ` ${error.message} ${String(error.cause ?? '')}` : ''}`);
  };
  const crawler = new Crawler(spider, {
    downloadHandlers: [httpHandler()],
    itemPipelines: options.itemPipelines ?? [],
    settings: { logStatsInterval: 0, logLevel: 'debug', ...options.settings } as never,
    logger: { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') },
  });
  const items: Run['items'] = [];
  crawler.events.on('itemScraped', (item) => void items.push(item as Run['items'][number]));
  const { stats } = await crawler.crawl();
  return { stats, items, logs };
}

describe('the images pipeline into an FTP store, end to end', () => {
  it('stores full images and thumbnails on the server, then reports them uptodate on a second run', async () => {
    const loginsBefore = ftp.logins();
    const store = ftpStore({ host: '127.0.0.1', port: ftp.port, user: ftp.user, password: ftp.password, basePath: '/images' });
    const first = await crawl({ itemPipelines: [imagesPipeline({ store, thumbs: { small: [50, 50] } })] });
    const images = first.items[0]!.images!;
    expect(images.map((i) => i.url)).toEqual(paths.map((p) => `${http.url}${p}`));
    expect(images.map((i) => i.status)).toEqual(['downloaded', 'downloaded', 'downloaded']);
    for (const info of images) {
      expect(info.path).toMatch(/^full\/[0-9a-f]{40}\.jpg$/);
      const full = await readFile(join(ftp.root, 'images', info.path));
      expect((await sharp(full).metadata()).format).toBe('jpeg');
      const thumb = await sharp(await readFile(join(ftp.root, 'images', info.path.replace('full/', 'thumbs/small/')))).metadata();
      expect(Math.max(thumb.width!, thumb.height!)).toBe(50);
    }
    expect((await readdir(join(ftp.root, 'images', 'full'))).sort()).toEqual(images.map((i) => i.path.slice(5)).sort());
    expect(first.stats['file_status_count/downloaded']).toBe(3);
    // Every stat and upload (3 stats, 6 uploads) went over the one connection.
    expect(ftp.logins() - loginsBefore).toBe(1);

    const again = ftpStore({ host: '127.0.0.1', port: ftp.port, user: ftp.user, password: ftp.password, basePath: '/images' });
    const second = await crawl({ itemPipelines: [imagesPipeline({ store: again, thumbs: { small: [50, 50] } })] });
    expect(second.items[0]!.images!.map((i) => i.status)).toEqual(['uptodate', 'uptodate', 'uptodate']);
    expect(second.items[0]!.images!.map((i) => i.path)).toEqual(images.map((i) => i.path));
    expect(second.stats['file_status_count/uptodate']).toBe(3);
    expect(http.requests.filter((r) => r.url.startsWith('/img/'))).toHaveLength(3);
  });

  it('a wrong password fails the media, not the crawl, and the password never reaches the logs', async () => {
    const store = ftpStore({ host: '127.0.0.1', port: ftp.port, user: ftp.user, password: 'not-the-Pw-123', basePath: '/denied' });
    const run = await crawl({ itemPipelines: [imagesPipeline({ store })] });
    expect(run.stats['finish_reason']).toBe('finished');
    expect(run.items).toHaveLength(1);
    expect(run.items[0]!.images).toEqual([]);
    const text = run.logs.join('\n');
    expect(text).toContain(`FTP login to 127.0.0.1:${ftp.port} as "media" was refused`);
    expect(text).not.toContain('not-the-Pw-123');
    expect(text).not.toContain(ftp.password);
  });
});

describe('a feed written to FTP by a real crawl', () => {
  it('-o ftp://…/items.csv uploads the feed to the server at close, password masked in the logs', async () => {
    const uri = `${ftp.url}/feeds/%(name)s.csv`;
    const feeds = Object.fromEntries([parseFeedUri(uri, false)]);
    const items = () => [{ title: 'One', price: 1 }, { title: 'Two, too', price: 2 }];
    // The engine loads @crawl/store-ftp on demand, from where the crawl runs: this package's directory.
    const previous = process.cwd();
    process.chdir(dirname(dirname(fileURLToPath(import.meta.url))));
    let run: Run;
    try {
      run = await crawl({ settings: { feeds }, items });
    } finally {
      process.chdir(previous);
    }
    expect(await readFile(join(ftp.root, 'feeds', 'ftp-test.csv'), 'utf8')).toBe('title,price\r\nOne,1\r\n"Two, too",2\r\n');
    expect(run.stats['feedexport/success_count/FTPFeedStorage']).toBe(1);
    const text = run.logs.join('\n');
    expect(text).toContain(`Stored csv feed (2 items) in: ftp://media:***@127.0.0.1:${ftp.port}/feeds/ftp-test.csv`);
    expect(text).not.toContain(ftp.password);

    // -o again: remote feeds are overwritten, as in Scrapy.
    process.chdir(dirname(dirname(fileURLToPath(import.meta.url))));
    try {
      await crawl({ settings: { feeds }, items: () => [{ title: 'Three', price: 3 }] });
    } finally {
      process.chdir(previous);
    }
    expect(await readFile(join(ftp.root, 'feeds', 'ftp-test.csv'), 'utf8')).toBe('title,price\r\nThree,3\r\n');
  });
});
