/**
 * The demo spider: crawls the bundled book shop from its home page, follows the catalogue's
 * pagination and categories, and scrapes one item per book page. Run it with
 *   crawl runspider src/spider.ts -a baseUrl=http://127.0.0.1:PORT -O out/items.jsonl
 * (`pnpm demo` serves the site and does exactly that).
 */
import { defineSpider, Request, type Response } from '@crawl/core';

export interface Book {
  url: string;
  title: string;
  price: number;
  currency: string;
  rating: number;
  stock: number;
  upc: string;
  category: string;
  description: string;
  image_urls: string[];
}

const RATINGS: Record<string, number> = { One: 1, Two: 2, Three: 3, Four: 4, Five: 5 };

export function parseBook(response: Response): Book {
  const product = response.css('article.product_page');
  const table = Object.fromEntries(
    [...product.css('table tr')].map((row) => [row.css('th::text').get('').trim(), row.css('td::text').get('').trim()]),
  );
  const priceText = product.css('p.price_color::text').get('');
  const ratingClass = product.css('p.star-rating').attrib['class'] ?? '';
  return {
    url: response.url,
    title: product.css('h1::text').get('').trim(),
    price: Number(priceText.replace(/[^\d.]/g, '')),
    currency: priceText.replace(/[\d.\s]/g, ''),
    rating: RATINGS[ratingClass.replace('star-rating', '').trim()] ?? 0,
    stock: Number(/\((\d+) available\)/.exec(product.css('p.availability::text').get(''))?.[1] ?? 0),
    upc: table['UPC'] ?? '',
    category: response.css('ul.breadcrumb li:nth-last-child(2) a::text').get('').trim(),
    description: product.css('p.description::text').get('').trim(),
    image_urls: product.css('img::attr(src)').getall().map((src) => response.urljoin(src)),
  };
}

export default defineSpider({
  name: 'demo-books',
  /** Overridden with `-a baseUrl=…`; the demo runner passes the address it serves the site on. */
  baseUrl: 'http://127.0.0.1:8080',
  allowedDomains: ['127.0.0.1'],

  *start() {
    yield new Request(`${this.baseUrl}/`);
  },

  *parse(response: Response) {
    // Home, catalogue and category pages: follow every listing and book.
    yield* response.followAll({ css: 'a[href*="catalogue/page-"], .side_categories a, li.next a' });
    yield* response.followAll({ css: 'article.product_pod h3 a' }, { callback: parseBook });
    // Notices link to pages that no longer exist: the crawl counts the 404s and goes on.
    yield* response.followAll({ css: 'section.notices a' });
  },
});
