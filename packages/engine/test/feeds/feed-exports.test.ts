import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ConfigError, NotConfigured, type Plugin } from '@crawl/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { feedExports, loadFeedStore, type FeedsSetting } from '../../src/feeds/index.js';
import { fakeCrawler, type FakeCrawler } from '../spidermw/support.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'crawl-feeds-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function run(
  feeds: FeedsSetting | undefined,
  items: unknown[],
  options: { crawler?: FakeCrawler; await?: boolean } = {},
): Promise<{ crawler: FakeCrawler; plugin: Plugin }> {
  const crawler = options.crawler ?? fakeCrawler({ spider: { name: 'books' } });
  const plugin = feedExports(feeds);
  await plugin.open!(crawler);
  for (const item of items) {
    if (options.await === false) crawler.events.emit('itemScraped', item, undefined);
    else await crawler.events.emitAsync('itemScraped', item, undefined);
  }
  await plugin.close!(crawler, 'finished');
  return { crawler, plugin };
}

/** The error an open() rejected with, or undefined. */
async function failure(result: unknown): Promise<unknown> {
  try {
    await result;
    return undefined;
  } catch (error) {
    return error;
  }
}

const read = (name: string) => readFile(join(dir, name), 'utf8');

describe('feedExports: formats', () => {
  it('writes JSON lines, one item per line', async () => {
    const path = join(dir, 'items.jsonl');
    const { crawler } = await run({ [path]: { format: 'jsonl' } }, [{ a: 1 }, { b: 'two' }, [3], 'four']);
    expect(await read('items.jsonl')).toBe('{"a":1}\n{"b":"two"}\n[3]\n"four"\n');
    expect(crawler.stats.get('feedexport/success_count/FileFeedStorage')).toBe(1);
    expect(crawler.messages('info')).toEqual([`Stored jsonl feed (4 items) in: ${path}`]);
  });

  it('writes a JSON array closed properly, with optional indentation', async () => {
    await run({ [join(dir, 'a.json')]: { format: 'json' } }, [{ a: 1 }, { a: 2 }]);
    const text = await read('a.json');
    expect(text).toBe('[\n{"a":1},\n{"a":2}\n]');
    expect(JSON.parse(text)).toEqual([{ a: 1 }, { a: 2 }]);

    await run({ [join(dir, 'b.json')]: { format: 'json', indent: 2 } }, [{ a: 1, b: [1] }]);
    const indented = await read('b.json');
    expect(indented).toBe('[\n{\n  "a": 1,\n  "b": [\n    1\n  ]\n}\n]');
    expect(JSON.parse(indented)).toEqual([{ a: 1, b: [1] }]);
  });

  it('writes CSV with a header from the first item, RFC 4180 quoting and CRLF', async () => {
    await run({ [join(dir, 'a.csv')]: { format: 'csv' } }, [
      { name: 'plain', note: 'a, b', quote: 'say "hi"' },
      { name: 'multi\nline', note: 'cr\rhere', quote: '' },
      { name: 'Zoë — 東京 🚀', note: null, quote: undefined },
    ]);
    expect(await read('a.csv')).toBe(
      'name,note,quote\r\n' +
        'plain,"a, b","say ""hi"""\r\n' +
        '"multi\nline","cr\rhere",\r\n' +
        'Zoë — 東京 🚀,,\r\n',
    );
  });

  it('CSV: nested values as JSON, Dates as ISO, extra keys of later items left out with one warning', async () => {
    const { crawler } = await run({ [join(dir, 'a.csv')]: { format: 'csv' } }, [
      { id: 1, tags: ['x', 'y'], meta: { k: 'v' }, at: new Date(Date.UTC(2024, 0, 2, 3, 4, 5)), big: 12n },
      { id: 2, extra: 'dropped', tags: [], other: 1 },
      { id: 3, extra: 'again' },
    ]);
    expect(await read('a.csv')).toBe(
      'id,tags,meta,at,big\r\n' +
        '1,"[""x"",""y""]","{""k"":""v""}",2024-01-02T03:04:05.000Z,12\r\n' +
        '2,[],,,\r\n' +
        '3,,,,\r\n',
    );
    const warnings = crawler.messages('warn');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('(extra, other)');
  });

  it('fields orders CSV columns and filters JSON keys', async () => {
    const items = [{ b: 2, a: 1, c: 3 }, { a: 'x' }];
    await run(
      {
        [join(dir, 'f.csv')]: { format: 'csv', fields: ['c', 'a'] },
        [join(dir, 'f.jsonl')]: { format: 'jsonl', fields: ['c', 'a'] },
        [join(dir, 'f.json')]: { format: 'json', fields: ['a'] },
      },
      items,
    );
    expect(await read('f.csv')).toBe('c,a\r\n3,1\r\n,x\r\n');
    expect(await read('f.jsonl')).toBe('{"c":3,"a":1}\n{"a":"x"}\n');
    expect(JSON.parse(await read('f.json'))).toEqual([{ a: 1 }, { a: 'x' }]);
  });

  it('serialises Dates, BigInt, Maps, Sets and typed item classes', async () => {
    class Book {
      title = 'Dune';
      price = 9.5;
      #secret = 'hidden';
      get upper(): string {
        return this.title.toUpperCase() + this.#secret.length;
      }
    }
    class Priced {
      constructor(private readonly cents: number) {}
      toJSON() {
        return { price: this.cents / 100 };
      }
    }
    await run({ [join(dir, 'x.jsonl')]: { format: 'jsonl' } }, [
      new Book(),
      new Priced(1250),
      { when: new Date(Date.UTC(2020, 1, 3)), big: 2n ** 70n, map: new Map([['k', 1]]), set: new Set(['a', 'b']) },
    ]);
    const lines = (await read('x.jsonl')).trimEnd().split('\n').map((l) => JSON.parse(l));
    expect(lines).toEqual([
      { title: 'Dune', price: 9.5 },
      { price: 12.5 },
      { when: '2020-02-03T00:00:00.000Z', big: '1180591620717411303424', map: { k: 1 }, set: ['a', 'b'] },
    ]);
  });

  it('skips an item it cannot serialise, logs why, and goes on', async () => {
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic['self'] = cyclic;
    const { crawler } = await run(
      { [join(dir, 'x.jsonl')]: { format: 'jsonl' }, [join(dir, 'x.csv')]: { format: 'csv' } },
      [{ a: 0 }, cyclic, 'not an object', { a: 2 }],
    );
    expect(await read('x.jsonl')).toBe('{"a":0}\n"not an object"\n{"a":2}\n');
    // CSV only writes column a, so the cycle under 'self' is an extra key that is left out.
    expect(await read('x.csv')).toBe('a\r\n0\r\n1\r\n2\r\n');
    const errors = crawler.messages('error');
    expect(errors).toHaveLength(2);
    expect(errors[0]).toMatch(/x\.jsonl: cannot export item \(.*circular/i);
    expect(errors[1]).toMatch(/x\.csv: cannot export item \(CSV rows need object items; got string\)/);
    expect(crawler.messages('info')).toContain(`Stored jsonl feed (3 items) in: ${join(dir, 'x.jsonl')}`);
  });
});

describe('feedExports: files', () => {
  it('appends to jsonl and csv by default, and overwrites with overwrite: true', async () => {
    const jsonl = join(dir, 'a.jsonl');
    const csv = join(dir, 'a.csv');
    await run({ [jsonl]: { format: 'jsonl' }, [csv]: { format: 'csv' } }, [{ n: 1, s: 'a' }]);
    await run({ [jsonl]: { format: 'jsonl' }, [csv]: { format: 'csv' } }, [{ n: 2, s: 'b' }]);
    expect(await read('a.jsonl')).toBe('{"n":1,"s":"a"}\n{"n":2,"s":"b"}\n');
    // The header is written once; appended rows follow the file's columns.
    expect(await read('a.csv')).toBe('n,s\r\n1,a\r\n2,b\r\n');
    await run({ [jsonl]: { format: 'jsonl', overwrite: true }, [csv]: { format: 'csv', overwrite: true } }, [{ n: 3, s: 'c' }]);
    expect(await read('a.jsonl')).toBe('{"n":3,"s":"c"}\n');
    expect(await read('a.csv')).toBe('n,s\r\n3,c\r\n');
  });

  it('continues an appended file that lacks a final newline, and CSV columns from its quoted header', async () => {
    await writeFile(join(dir, 'a.jsonl'), '{"n":0}');
    await writeFile(join(dir, 'a.csv'), '"s, text",n\r\n"x, y",0');
    await run({ [join(dir, 'a.jsonl')]: { format: 'jsonl' }, [join(dir, 'a.csv')]: { format: 'csv' } }, [{ n: 1, 's, text': 'z' }]);
    expect(await read('a.jsonl')).toBe('{"n":0}\n{"n":1,"s, text":"z"}\n');
    expect(await read('a.csv')).toBe('"s, text",n\r\n"x, y",0\r\nz,1\r\n');
  });

  it('refuses to append to a non-empty JSON file, clearly and before writing anything', async () => {
    const path = join(dir, 'a.json');
    await writeFile(path, '[\n{"a":1}\n]');
    const crawler = fakeCrawler();
    const plugin = feedExports({ [path]: { format: 'json' } });
    await expect(plugin.open!(crawler)).rejects.toThrow(ConfigError);
    await expect(plugin.open!(crawler)).rejects.toThrow(/appending a second JSON array would make it invalid JSON.*overwrite: true/);
    expect(await read('a.json')).toBe('[\n{"a":1}\n]');
    // An empty existing file is fine, and overwrite replaces a full one.
    await writeFile(join(dir, 'empty.json'), '');
    await run({ [join(dir, 'empty.json')]: { format: 'json' }, [path]: { format: 'json', overwrite: true } }, [{ b: 2 }]);
    expect(JSON.parse(await read('empty.json'))).toEqual([{ b: 2 }]);
    expect(JSON.parse(await read('a.json'))).toEqual([{ b: 2 }]);
  });

  it('creates empty feeds (FEED_STORE_EMPTY) as valid files', async () => {
    const { crawler } = await run(
      { [join(dir, 'e.json')]: { format: 'json' }, [join(dir, 'e.jsonl')]: { format: 'jsonl' }, [join(dir, 'e.csv')]: { format: 'csv' } },
      [],
    );
    expect(JSON.parse(await read('e.json'))).toEqual([]);
    expect(await read('e.jsonl')).toBe('');
    expect(await read('e.csv')).toBe('');
    expect(crawler.stats.get('feedexport/success_count/FileFeedStorage')).toBe(3);
    expect(crawler.messages('info')).toContain(`Stored json feed (0 items) in: ${join(dir, 'e.json')}`);
  });

  it('fills %(name)s and %(time)s, creates directories, and accepts file:// URIs', async () => {
    const uri = join(dir, 'out', '%(name)s', '%(time)s.jsonl');
    const fileUri = `${pathToFileURL(join(dir, 'deep', 'x')).href}/%(name)s.csv`;
    const { crawler } = await run({ [uri]: { format: 'jsonl' }, [fileUri]: { format: 'csv' } }, [{ a: 1 }]);
    const info = crawler.messages('info');
    const stored = info.find((m) => m.startsWith('Stored jsonl'))!;
    expect(stored).toMatch(new RegExp(`out/books/\\d{4}-\\d{2}-\\d{2}T\\d{2}-\\d{2}-\\d{2}\\.jsonl$`));
    const path = stored.slice(stored.indexOf('in: ') + 4);
    expect(await readFile(path, 'utf8')).toBe('{"a":1}\n');
    expect(await read('deep/x/books.csv')).toBe('a\r\n1\r\n');
  });

  it('resolves relative paths against the working directory', async () => {
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      await run({ 'rel/items.jsonl': { format: 'jsonl' } }, [{ a: 1 }]);
    } finally {
      process.chdir(cwd);
    }
    expect(await read('rel/items.jsonl')).toBe('{"a":1}\n');
  });

  it('writes 10k items through backpressure, in order, whether the emitter waits or not', async () => {
    const items = Array.from({ length: 10_000 }, (_, i) => ({ i, text: `item ${i} ${'x'.repeat(i % 97)}`, 'ünï': 'çødé ✓' }));
    await run({ [join(dir, 'big.jsonl')]: { format: 'jsonl' }, [join(dir, 'big.json')]: { format: 'json' } }, items);
    await run({ [join(dir, 'big2.csv')]: { format: 'csv' } }, items, { await: false });
    const lines = (await read('big.jsonl')).trimEnd().split('\n');
    expect(lines).toHaveLength(10_000);
    expect(lines.map((l) => JSON.parse(l))).toEqual(items);
    expect(JSON.parse(await read('big.json'))).toEqual(items);
    const rows = (await read('big2.csv')).split('\r\n');
    expect(rows).toHaveLength(10_002);
    expect(rows[0]).toBe('i,text,ünï');
    expect(rows[10_000]).toBe(`9999,item 9999 ${'x'.repeat(9999 % 97)},çødé ✓`);
  });

  it('reports an unwritable path at open with the path, and opens nothing', async () => {
    await writeFile(join(dir, 'file'), 'x');
    const bad = join(dir, 'file', 'sub', 'items.jsonl');
    const good = join(dir, 'good.jsonl');
    const crawler = fakeCrawler();
    const error = await failure(feedExports({ [good]: { format: 'jsonl' }, [bad]: { format: 'jsonl' } }).open!(crawler));
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toContain(bad);
    expect((error as Error).message).toMatch(/ENOTDIR|EEXIST/);
    expect(crawler.events.listenerCount('itemScraped')).toBe(0);

    await mkdir(join(dir, 'adir'));
    const dirError = await failure(feedExports({ [join(dir, 'adir')]: { format: 'jsonl', overwrite: true } }).open!(fakeCrawler()));
    expect(dirError).toBeInstanceOf(ConfigError);
    expect((dirError as Error).message).toContain(join(dir, 'adir'));
  });

  it('names the package a remote scheme needs when it is not installed, and refuses unknown schemes', async () => {
    const notInstalled = async (): Promise<undefined> => undefined;
    for (const [uri, pkg] of [
      ['s3://bucket/items.jsonl', '@crawl/store-s3'],
      ['gs://bucket/items.jsonl', '@crawl/store-gcs'],
      ['ftp://user:hunter2@host/items.jsonl', '@crawl/store-ftp'],
    ] as const) {
      const scheme = uri.split(':')[0];
      const plugin = feedExports({ [uri]: { format: 'jsonl' } }, { resolveStore: (u) => loadFeedStore(u, notInstalled) });
      const error = await failure(plugin.open!(fakeCrawler()));
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as Error).message).toContain(`${scheme}:// feeds need ${pkg} (pnpm add ${pkg})`);
      expect((error as Error).message).not.toContain('hunter2');
    }
    const wrongExport = await failure(loadFeedStore(new URL('ftp://h/'), async () => ({ other: 1 })));
    expect((wrongExport as Error).message).toMatch(/@crawl\/store-ftp does not export createFilesStore/);
    await expect(feedExports({ 'gopher://host/items.jsonl': { format: 'jsonl' } }).open!(fakeCrawler())).rejects.toThrow(
      /no feed storage for gopher:\/\//,
    );
  });

  it('takes other stores through the storages option', async () => {
    const { Writable } = await import('node:stream');
    const received: string[] = [];
    let closed = 0;
    const crawler = fakeCrawler();
    const plugin = feedExports(
      { 'mem://bucket/items.jsonl': { format: 'jsonl' } },
      {
        storages: {
          mem: (uri) => ({
            name: 'MemoryFeedStorage',
            target: uri,
            open: async () =>
              new Writable({
                write(chunk: Buffer, _e, cb) {
                  received.push(chunk.toString());
                  cb();
                },
              }),
            close: async () => {
              closed++;
            },
          }),
        },
      },
    );
    await plugin.open!(crawler);
    await crawler.events.emitAsync('itemScraped', { a: 1 }, undefined);
    await plugin.close!(crawler, 'finished');
    expect(received.join('')).toBe('{"a":1}\n');
    expect(closed).toBe(1);
    expect(crawler.stats.get('feedexport/success_count/MemoryFeedStorage')).toBe(1);
  });

  it('counts a feed whose storage fails at close as failed, without throwing', async () => {
    const { Writable } = await import('node:stream');
    const crawler = fakeCrawler();
    const plugin = feedExports(
      { 'mem://x.jsonl': { format: 'jsonl' } },
      {
        storages: {
          mem: (uri) => ({
            name: 'MemoryFeedStorage',
            target: uri,
            open: async () => new Writable({ write: (_c, _e, cb) => cb() }),
            close: async () => {
              throw new Error('upload refused');
            },
          }),
        },
      },
    );
    await plugin.open!(crawler);
    await crawler.events.emitAsync('itemScraped', { a: 1 }, undefined);
    await expect(plugin.close!(crawler, 'finished')).resolves.toBeUndefined();
    expect(crawler.stats.get('feedexport/failed_count/MemoryFeedStorage')).toBe(1);
    expect(crawler.messages('error')).toEqual(['Error storing jsonl feed (1 items) in: mem://x.jsonl']);
  });

  it('a stream error mid-crawl is logged once, later items are skipped, and the feed counts as failed', async () => {
    const { Writable } = await import('node:stream');
    const crawler = fakeCrawler();
    let writes = 0;
    const plugin = feedExports(
      { 'mem://x.jsonl': { format: 'jsonl' } },
      {
        storages: {
          mem: (uri) => ({
            name: 'MemoryFeedStorage',
            target: uri,
            open: async () =>
              new Writable({
                write: (_c, _e, cb) => {
                  writes++;
                  cb(writes === 2 ? new Error('ENOSPC') : null);
                },
              }),
            close: async () => undefined,
          }),
        },
      },
    );
    await plugin.open!(crawler);
    for (let i = 0; i < 5; i++) {
      await crawler.events.emitAsync('itemScraped', { i }, undefined);
      await new Promise((r) => setImmediate(r));
    }
    await plugin.close!(crawler, 'finished');
    expect(crawler.stats.get('feedexport/failed_count/MemoryFeedStorage')).toBe(1);
    const errors = crawler.messages('error');
    expect(errors.filter((e) => e.includes('write failed'))).toHaveLength(1);
    expect(errors.at(-1)).toMatch(/^Error storing jsonl feed/);
  });
});

describe('feedExports: configuration', () => {
  it('reads the feeds setting when given no argument', async () => {
    const path = join(dir, 'from-settings.jsonl');
    const crawler = fakeCrawler({ settings: { feeds: { [path]: { format: 'jsonl' } } } });
    await run(undefined, [{ ok: true }], { crawler });
    expect(await read('from-settings.jsonl')).toBe('{"ok":true}\n');
  });

  it('is NotConfigured without feeds', async () => {
    await expect(feedExports().open!(fakeCrawler())).rejects.toThrow(NotConfigured);
    await expect(feedExports({}).open!(fakeCrawler())).rejects.toThrow(NotConfigured);
  });

  it('validates every feed before creating any file', async () => {
    const good = join(dir, 'good.jsonl');
    await expect(
      feedExports({ [good]: { format: 'jsonl' }, [join(dir, 'bad.xml')]: { format: 'xml' as never } }).open!(fakeCrawler()),
    ).rejects.toThrow(/bad\.xml: unsupported format "xml"/);
    await expect(readFile(good)).rejects.toThrow(/ENOENT/);
  });

  it('refuses two feeds that write to the same file', async () => {
    const crawler = fakeCrawler({ spider: { name: 'books' } });
    await expect(
      feedExports({
        [join(dir, 'books.jsonl')]: { format: 'jsonl' },
        [join(dir, '%(name)s.jsonl')]: { format: 'jsonl' },
      }).open!(crawler),
    ).rejects.toThrow(/another feed already writes to/);
  });

  it('checks every existing JSON target before opening any feed', async () => {
    await writeFile(join(dir, 'full.json'), '[1]');
    const other = join(dir, 'other.jsonl');
    await expect(
      feedExports({ [other]: { format: 'jsonl' }, [join(dir, 'full.json')]: { format: 'json' } }).open!(fakeCrawler()),
    ).rejects.toThrow(/invalid JSON/);
    await expect(readFile(other)).rejects.toThrow(/ENOENT/);
  });

  it('stops listening at close', async () => {
    const crawler = fakeCrawler();
    const plugin = feedExports({ [join(dir, 'a.jsonl')]: { format: 'jsonl' } });
    await plugin.open!(crawler);
    expect(crawler.events.listenerCount('itemScraped')).toBe(1);
    await plugin.close!(crawler, 'finished');
    expect(crawler.events.listenerCount('itemScraped')).toBe(0);
    crawler.events.emit('itemScraped', { late: true }, undefined);
    expect(await read('a.jsonl')).toBe('');
  });
});
