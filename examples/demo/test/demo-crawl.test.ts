import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Crawler } from '@crawl/engine';
import { httpHandler } from '@crawl/http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveStatic } from '../src/serve-static.js';
import spider, { type Book } from '../src/spider.js';

const here = dirname(fileURLToPath(import.meta.url));
interface ManifestItem {
  url: string;
  title: string;
  priceValue: number;
  rating: string;
  stock: number;
  upc: string;
  category: string;
  image: string | null;
}
const manifest = JSON.parse(readFileSync(join(here, '../site/manifest.json'), 'utf8')) as { books: number; items: ManifestItem[]; brokenLinkUrls: string[] };
const RATINGS: Record<string, number> = { One: 1, Two: 2, Three: 3, Four: 4, Five: 5 };

let site: Awaited<ReturnType<typeof serveStatic>>;
beforeAll(async () => {
  site = await serveStatic(join(here, '../site'));
});
afterAll(() => site.close());

describe('the demo crawl, end to end over loopback', () => {
  it('scrapes every book exactly once with the right fields, and counts the broken links', async () => {
    const items: Book[] = [];
    const crawler = new Crawler(Object.assign(Object.create(spider) as typeof spider, { baseUrl: site.url }), {
      downloadHandlers: [httpHandler()],
      settings: { logLevel: 'warn', logStatsInterval: 0 },
    });
    crawler.events.on('itemScraped', (item) => void items.push(item as Book));
    const { reason, stats } = await crawler.crawl();

    expect(reason).toBe('finished');
    expect(items).toHaveLength(manifest.books);
    const byPath = new Map(items.map((i) => [new URL(i.url).pathname, i]));
    expect(byPath.size).toBe(manifest.books);
    for (const expected of manifest.items) {
      const got = byPath.get(expected.url);
      expect(got, expected.url).toBeDefined();
      expect(got).toMatchObject({
        title: expected.title,
        price: expected.priceValue,
        currency: '£',
        rating: RATINGS[expected.rating],
        stock: expected.stock,
        upc: expected.upc,
        category: expected.category,
      });
      if (expected.image) expect(got!.image_urls).toEqual([`${site.url}${expected.image}`]);
    }
    expect(stats['httperror/response_ignored_status_count/404']).toBe(manifest.brokenLinkUrls.length);
    expect(stats['log_count/ERROR'] ?? 0).toBe(0);
  });
});
