import type { Response, Spider } from '@crawl/core';
import { describe, expect, it } from 'vitest';
import { crawl } from '../src/index.js';
import { fakeHandler } from './support/fake-handler.js';
import { memoryLogger } from './support/logger.js';

// Items can wait in a slow pipeline long after their callback returned, and the scraper keeps the
// response they came from until they are through; the document parsed from it is released once
// the callback's output is consumed (and parsed again for whoever queries the response later:
// here, items that carry their response).
describe('parsed documents after the callback', () => {
  it('are released once the output is consumed; a pipeline that queries the response gets a fresh parse', async () => {
    const seen: { sameNode: boolean; title: string | undefined; items: number }[] = [];
    const heads = new WeakMap<Response, unknown>();
    const spider: Spider = {
      name: 'release',
      startUrls: ['http://release.test/a', 'http://release.test/b'],
      *parse(response) {
        heads.set(response, response.css('h1').nodes()[0]);
        yield { url: response.url, response };
        yield { url: `${response.url}#2`, response };
      },
    };
    const logger = memoryLogger();
    await crawl(spider, {
      downloadHandlers: [fakeHandler()],
      logger,
      settings: { logStatsInterval: 0 },
      itemPipelines: [
        {
          name: 'late-reader',
          async processItem(item: { url: string; response: Response }) {
            await new Promise((resolve) => setTimeout(resolve, 5));
            const { response } = item;
            if (item.url.endsWith('#2')) return item;
            seen.push({
              sameNode: response.css('h1').nodes()[0] === heads.get(response),
              title: response.css('h1::text').get(),
              items: 1,
            });
            return item;
          },
        },
      ],
    });
    expect(logger.lines.filter((l) => l.level === 'error')).toEqual([]);
    expect(seen).toHaveLength(2);
    for (const s of seen) {
      expect(s.sameNode).toBe(false);
      expect(s.title).toMatch(/^http:\/\/release\.test\/[ab]$/);
    }
  });

  it('keeps a document the callback reached through response.$ (it may have changed it)', async () => {
    const results: (string | undefined)[] = [];
    const spider: Spider = {
      name: 'keep',
      startUrls: ['http://keep.test/'],
      *parse(response) {
        response.$('h1').text('changed in the callback');
        yield { url: response.url, response };
      },
    };
    await crawl(spider, {
      downloadHandlers: [fakeHandler()],
      logger: memoryLogger(),
      settings: { logStatsInterval: 0 },
      itemPipelines: [
        {
          name: 'late-reader',
          processItem(item: { response: Response }) {
            results.push(item.response.css('h1::text').get());
            return item;
          },
        },
      ],
    });
    expect(results).toEqual(['changed in the callback']);
  });
});
