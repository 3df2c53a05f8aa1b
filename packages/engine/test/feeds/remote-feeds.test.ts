import { ConfigError, type FileStat, type FilesStore } from '@crawl/core';
import type { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { feedExports, parseFeedUri, type FeedsSetting } from '../../src/feeds/index.js';
import { fakeCrawler } from '../spidermw/support.js';

interface FakeStore extends FilesStore {
  readonly files: Map<string, string>;
  readonly calls: string[];
  uris: string[];
}

/** An in-memory store; `streaming`/`appending` add persistStream/appendStream like store-fs/store-ftp. */
function fakeStore(opts: { streaming?: boolean; appending?: boolean; failWith?: Error } = {}): FakeStore {
  const files = new Map<string, string>();
  const calls: string[] = [];
  const text = async (source: Readable): Promise<string> => {
    let out = '';
    for await (const chunk of source) out += Buffer.from(chunk as Uint8Array).toString('utf8');
    return out;
  };
  const store: FakeStore = {
    name: 'fake',
    scheme: 'ftp',
    files,
    calls,
    uris: [],
    open: () => void calls.push('open'),
    close: () => void calls.push('close'),
    async persist(path, body) {
      calls.push(`persist ${path}`);
      if (opts.failWith) throw opts.failWith;
      files.set(path, Buffer.from(body).toString('utf8'));
    },
    async stat(): Promise<FileStat | undefined> {
      return undefined;
    },
  };
  if (opts.streaming) {
    (store as unknown as Record<string, unknown>)['persistStream'] = async (path: string, source: Readable) => {
      calls.push(`persistStream ${path}`);
      files.set(path, await text(source));
    };
  }
  if (opts.appending) {
    (store as unknown as Record<string, unknown>)['appendStream'] = async (path: string, source: Readable) => {
      calls.push(`appendStream ${path}`);
      files.set(path, (files.get(path) ?? '') + (await text(source)));
    };
  }
  return store;
}

async function run(feeds: FeedsSetting, store: FakeStore, items: unknown[]) {
  const crawler = fakeCrawler({ spider: { name: 'books' } });
  const plugin = feedExports(feeds, {
    resolveStore: (uri) => {
      store.uris.push(uri.href);
      return store;
    },
  });
  await plugin.open!(crawler);
  for (const item of items) await crawler.events.emitAsync('itemScraped', item, undefined);
  await plugin.close!(crawler, 'finished');
  return crawler;
}

describe('feeds written through a FilesStore (s3://, gs://, ftp://)', () => {
  it('serialises to a temp file and uploads it at close to the store of the feed directory', async () => {
    const store = fakeStore();
    const crawler = await run(Object.fromEntries([parseFeedUri('ftp://user:s3cret@127.0.0.1:2121/feeds/%(name)s.csv', false)]), store, [
      { a: 1, b: 'x' },
      { a: 2, b: 'y, z' },
    ]);
    expect(store.uris).toEqual(['ftp://user:s3cret@127.0.0.1:2121/feeds/']);
    expect(store.files.get('books.csv')).toBe('a,b\r\n1,x\r\n2,"y, z"\r\n');
    expect(store.calls).toEqual(['open', 'persist books.csv', 'close']);
    expect(crawler.stats.get('feedexport/success_count/FTPFeedStorage')).toBe(1);
    const logs = crawler.messages('info').join('\n');
    expect(logs).toContain('Stored csv feed (2 items) in: ftp://user:***@127.0.0.1:2121/feeds/books.csv');
    expect(logs).not.toContain('s3cret');
  });

  it('streams the file to stores that can (persistStream), and names S3/GCS storages as Scrapy does', async () => {
    const store = fakeStore({ streaming: true });
    const crawler = await run({ 's3://bucket/a/items.jsonl': { format: 'jsonl' }, 'gs://bucket/items.json': { format: 'json' } }, store, [{ n: 1 }]);
    expect(store.files.get('items.jsonl')).toBe('{"n":1}\n');
    expect(store.files.get('items.json')).toBe('[\n{"n":1}\n]');
    // The two feeds close (and upload) concurrently: the order of the uploads is not fixed.
    expect(store.calls.filter((c) => c.startsWith('persist')).sort()).toEqual(['persistStream items.json', 'persistStream items.jsonl']);
    expect(store.uris.sort()).toEqual(['gs://bucket/', 's3://bucket/a/']);
    expect(crawler.stats.get('feedexport/success_count/S3FeedStorage')).toBe(1);
    expect(crawler.stats.get('feedexport/success_count/GCSFeedStorage')).toBe(1);
  });

  it('overwrites by default (-o and -O alike, as Scrapy does for remote feeds)', async () => {
    const store = fakeStore({ appending: true, streaming: true });
    await run(Object.fromEntries([parseFeedUri('ftp://h/items.jsonl', false)]), store, [{ n: 1 }]);
    await run(Object.fromEntries([parseFeedUri('ftp://h/items.jsonl', true)]), store, [{ n: 2 }]);
    expect(store.files.get('items.jsonl')).toBe('{"n":2}\n');
    expect(store.calls.some((c) => c.startsWith('appendStream'))).toBe(false);
  });

  it('appends with an explicit overwrite: false only where the store can append, and only jsonl', async () => {
    const appending = fakeStore({ appending: true });
    await run({ 'ftp://h/items.jsonl': { format: 'jsonl', overwrite: false } }, appending, [{ n: 1 }]);
    await run({ 'ftp://h/items.jsonl': { format: 'jsonl', overwrite: false } }, appending, [{ n: 2 }]);
    expect(appending.files.get('items.jsonl')).toBe('{"n":1}\n{"n":2}\n');

    const plain = fakeStore();
    const open = (feeds: FeedsSetting, store: FakeStore) => feedExports(feeds, { resolveStore: () => store }).open!(fakeCrawler());
    await expect(open({ 's3://b/items.jsonl': { format: 'jsonl', overwrite: false } }, plain)).rejects.toThrow(ConfigError);
    await expect(open({ 's3://b/items.jsonl': { format: 'jsonl', overwrite: false } }, plain)).rejects.toThrow(/s3:\/\/ stores cannot append/);
    await expect(open({ 'ftp://h/items.csv': { format: 'csv', overwrite: false } }, appending)).rejects.toThrow(/use jsonl or overwrite: true/);
  });

  it('refuses a URI that names a directory', async () => {
    await expect(feedExports({ 'ftp://h/feeds/': { format: 'jsonl' } }, { resolveStore: () => fakeStore() }).open!(fakeCrawler())).rejects.toThrow(
      /names a directory/,
    );
  });

  it('counts a refused upload as a failed feed, logs it without the password, and does not throw', async () => {
    const store = fakeStore({ failWith: new Error('530 Login incorrect') });
    const crawler = await run({ 'ftp://u:pw-XYZ@h/items.jsonl': { format: 'jsonl' } }, store, [{ n: 1 }]);
    expect(crawler.stats.get('feedexport/failed_count/FTPFeedStorage')).toBe(1);
    expect(crawler.messages('error')).toEqual(['Error storing jsonl feed (1 items) in: ftp://u:***@h/items.jsonl']);
    expect(store.calls).toEqual(['open', 'persist items.jsonl', 'close']);
  });
});
