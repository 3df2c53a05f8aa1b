import { ConfigError, type Response } from '@crawl/core';
import { linkExtractor } from '@crawl/link-extractor';
import { handlers, startTestServer, type TestServer } from '@crawl/test-servers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crawlSpider, csvFeedSpider, itemSchemas, rule, ValidationError, type StandardSchemaV1 } from '../src/index.js';
import { run } from './support.js';

interface Product {
  name: string;
  price: number;
}

/** A hand-written Standard Schema: name a non-empty string, price a number (coerced from a numeric string). */
function productSchema(opts: { async?: boolean } = {}): StandardSchemaV1<unknown, Product> {
  const validate = (value: unknown) => {
    const v = value as Record<string, unknown>;
    const issues: { message: string; path: string[] }[] = [];
    if (typeof v.name !== 'string' || v.name === '') issues.push({ message: 'expected a non-empty string', path: ['name'] });
    const price = typeof v.price === 'string' ? Number(v.price) : v.price;
    if (typeof price !== 'number' || Number.isNaN(price)) issues.push({ message: 'expected a number', path: ['price'] });
    return issues.length > 0 ? { issues } : { value: { name: v.name as string, price: price as number } };
  };
  return { '~standard': { version: 1, vendor: 'test', validate: opts.async ? async (v: unknown) => validate(v) : validate } };
}

const titleOnly: StandardSchemaV1<unknown, { title: string }> = {
  '~standard': {
    version: 1,
    vendor: 'test',
    validate: (v) => (typeof (v as { title?: unknown }).title === 'string' ? { value: v as { title: string } } : { issues: [{ message: 'title required' }] }),
  },
};

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({
    routes: {
      'GET /products.csv': handlers.text('name,price\nLamp,12.5\n,3\nChair,abc\nDesk,99\n', 200, { 'content-type': 'text/csv' }),
      'GET /': handlers.html('<a href="/p/1">1</a><a href="/p/2">2</a><a href="/about">about</a>'),
      'GET /p/1': handlers.html('<h1>Lamp</h1><span>12</span>'),
      'GET /p/2': handlers.html('<h1></h1><span>x</span>'),
      'GET /about': handlers.html('<h1>About</h1>'),
    },
  });
});
afterAll(() => server.close());

describe('itemSchemas() spider middleware', () => {
  for (const async of [false, true]) {
    it(`validates a spider's items (${async ? 'async' : 'sync'} schema): valid ones continue as the schema output, invalid ones are dropped, logged and counted`, async () => {
      const dropped: unknown[] = [];
      const spider = csvFeedSpider({ name: 'products', startUrls: [`${server.url}/products.csv`], schema: productSchema({ async }), parseRow: (_r, row) => row });
      const { items, stats, logs } = await run(spider, {
        spiderMiddlewares: [itemSchemas(), { name: 'watch', order: 1, open: (c) => void c.events.on('itemDropped', (item, error) => void dropped.push([item, error])) }],
      });
      expect(items).toEqual([
        { name: 'Lamp', price: 12.5 },
        { name: 'Desk', price: 99 },
      ]);
      expect(stats['item_dropped_count']).toBe(2);
      expect(stats['item_dropped_reasons_count/ValidationError']).toBe(2);
      expect(stats['item_scraped_count']).toBe(2);
      const warnings = logs.filter((l) => l.level === 'warn').map((l) => l.message);
      expect(warnings).toEqual(['Dropped: ValidationError: name: expected a non-empty string', 'Dropped: ValidationError: price: expected a number']);
      // This test's logger has no child(): the engine adapts it and the component arrives as a field.
      expect(logs.filter((l) => l.level === 'warn').map((l) => l.fields?.['component'])).toEqual(['@crawl/spiders:item-schemas', '@crawl/spiders:item-schemas']);
      expect(dropped).toHaveLength(2);
      expect((dropped[0] as [unknown, unknown])[1]).toBeInstanceOf(ValidationError);
    });
  }

  it('uses a rule schema for its callback, the spider schema elsewhere, and callbacks registered on the middleware first', async () => {
    const parseProduct = (response: Response) => ({ name: response.css('h1::text').get() ?? '', price: response.css('span::text').get() });
    const spider = crawlSpider({
      name: 'rules',
      startUrls: [`${server.url}/`],
      schema: titleOnly,
      parseStartUrl: () => [{ title: 'home' }, { nope: true }],
      rules: [rule({ linkExtractor: linkExtractor({ allow: '/p/' }), callback: parseProduct, schema: productSchema() })],
    });
    const { items, stats } = await run(spider, { spiderMiddlewares: [itemSchemas()] });
    expect(items).toEqual(expect.arrayContaining([{ title: 'home' }, { name: 'Lamp', price: 12 }]));
    expect(items).toHaveLength(2);
    expect(stats['item_dropped_reasons_count/ValidationError']).toBe(2);

    const plain = { name: 'plain', startUrls: [`${server.url}/about`], parse: (r: Response) => ({ title: r.css('h1::text').get(), extra: 1 }) };
    const accept: StandardSchemaV1 = { '~standard': { version: 1, vendor: 't', validate: (v) => ({ value: { ...(v as object), checked: true } }) } };
    const res = await run(plain as never, { spiderMiddlewares: [itemSchemas({ schema: productSchema(), callbacks: [[plain.parse, accept]] })] });
    expect(res.items).toEqual([{ title: 'About', extra: 1, checked: true }]);
  });

  it("a spider's schema options work without wiring itemSchemas(): the spider brings it", async () => {
    const spider = csvFeedSpider({ name: 'products-auto', startUrls: [`${server.url}/products.csv`], schema: productSchema(), parseRow: (_r, row) => row });
    expect(spider.spiderMiddlewares?.map((m) => m.name)).toEqual(['@crawl/spiders:item-schemas']);
    const { items, stats } = await run(spider);
    expect(items).toEqual([
      { name: 'Lamp', price: 12.5 },
      { name: 'Desk', price: 99 },
    ]);
    expect(stats['item_dropped_reasons_count/ValidationError']).toBe(2);

    const parseProduct = (response: Response) => ({ name: response.css('h1::text').get() ?? '', price: response.css('span::text').get() });
    const rulesOnly = crawlSpider({
      name: 'rules-auto',
      startUrls: [`${server.url}/`],
      rules: [rule({ linkExtractor: linkExtractor({ allow: '/p/' }), callback: parseProduct, schema: productSchema() })],
    });
    const res = await run(rulesOnly);
    expect(res.items).toEqual([{ name: 'Lamp', price: 12 }]);
    expect(res.stats['item_dropped_reasons_count/ValidationError']).toBe(1);

    expect(crawlSpider({ name: 'no-schema', rules: [] }).spiderMiddlewares).toBeUndefined();
  });

  it('with itemSchemas() also wired by the user, each item is validated once (the user one takes over)', async () => {
    let calls = 0;
    const counting: StandardSchemaV1 = {
      '~standard': {
        version: 1,
        vendor: 't',
        validate: (v) => {
          calls++;
          // A transform that would fail on its own output: validating twice drops every item.
          const row = v as { price?: unknown };
          return typeof row.price === 'string' ? { value: { ...(v as object), price: Number(row.price) } } : { issues: [{ message: 'price must be a string' }] };
        },
      },
    };
    const mine: unknown[] = [];
    const spider = csvFeedSpider({
      name: 'products-both',
      startUrls: [`${server.url}/products.csv`],
      schema: counting,
      parseRow: (_r, row) => row,
      spiderMiddlewares: [{ name: 'mine', order: 500, processSpiderOutput: (r) => (mine.push(r), r) }],
    });
    const { items, stats } = await run(spider, { spiderMiddlewares: [itemSchemas()] });
    expect(items).toHaveLength(4);
    expect(calls).toBe(4);
    expect(stats['item_dropped_count']).toBeUndefined();
    expect(mine).toHaveLength(5);
  });

  it('validates options', () => {
    expect(() => itemSchemas({ schema: {} as never })).toThrow(ConfigError);
    expect(() => itemSchemas({ shema: productSchema() } as never)).toThrow(/shema/);
    expect(() => itemSchemas({ callbacks: [[() => undefined, {} as never]] })).toThrow(/Standard Schema/);
    expect(() => csvFeedSpider({ name: 'x', parseRow: () => undefined, schema: { validate: () => ({}) } as never })).toThrow(/schema/);
    expect(() => csvFeedSpider({ name: 'x', parseRow: () => undefined, spiderMiddlewares: {} as never })).toThrow(/spiderMiddlewares must be an array/);
    expect(() => csvFeedSpider({ name: 'x', parseRow: () => undefined, open: 'no' as never })).toThrow(/open/);
  });
});
