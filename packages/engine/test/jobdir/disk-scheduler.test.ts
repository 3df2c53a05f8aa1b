import { ConfigError, Request, type Response } from '@crawl/core';
import { mkdtemp, readFile, readdir, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { diskScheduler, type DiskScheduler } from '../../src/index.js';
import { jobCrawler } from './support/job-crawler.js';

const calls: string[] = [];
const spider = {
  name: 'job',
  parse(_response: Response) {
    calls.push('parse');
  },
  parseItem(_response: Response) {
    calls.push('parseItem');
  },
  onError() {
    calls.push('onError');
  },
};

let dir = '';
const open: DiskScheduler[] = [];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'crawl-jobdir-'));
  calls.length = 0;
});

afterEach(async () => {
  for (const s of open.splice(0)) s.close();
  await rm(dir, { recursive: true, force: true });
});

function start(options: Partial<Parameters<typeof diskScheduler>[0]> = {}, settings: Record<string, unknown> = {}): { s: DiskScheduler; crawler: ReturnType<typeof jobCrawler> } {
  const crawler = jobCrawler(spider, settings);
  const s = diskScheduler({ dir, window: 4, ...options });
  s.open(crawler);
  open.push(s);
  return { s, crawler };
}

function close(s: DiskScheduler): void {
  open.splice(open.indexOf(s), 1);
  s.close();
}

/** What SIGKILL leaves: files as written so far, nothing closed; the dead owner's lock is stale. */
async function crash(s: DiskScheduler): Promise<void> {
  open.splice(open.indexOf(s), 1);
  await new Promise((r) => setImmediate(r));
  await unlink(join(dir, 'lock'));
}

function drain(s: DiskScheduler): Request[] {
  const out: Request[] = [];
  for (let r = s.next(); r; r = s.next()) out.push(r);
  return out;
}

// The conformance cases of @crawl/testing's testScheduler, replicated: the engine cannot depend on
// @crawl/testing, and its field test uses a closure callback, which a job directory refuses.
for (const order of ['lifo', 'fifo'] as const) {
  describe(`diskScheduler conformance (${order}, window 4)`, () => {
    it('is empty at first', () => {
      const { s } = start({ order });
      expect(s.size()).toBe(0);
      expect(s.next()).toBeUndefined();
    });

    it('returns higher priorities first', () => {
      const { s } = start({ order });
      for (const [i, p] of [0, 10, -5, 3].entries()) s.enqueue(new Request(`http://a.test/${i}`, { priority: p }));
      expect(s.size()).toBe(4);
      expect(drain(s).map((r) => r.url)).toEqual(['http://a.test/1', 'http://a.test/3', 'http://a.test/0', 'http://a.test/2']);
      expect(s.size()).toBe(0);
    });

    it(`keeps ${order} order within a priority, across spilled segments`, () => {
      const { s } = start({ order });
      for (let i = 0; i < 25; i++) s.enqueue(new Request(`http://a.test/${i}`));
      const expected = Array.from({ length: 25 }, (_, i) => `http://a.test/${i}`);
      expect(drain(s).map((r) => r.url)).toEqual(order === 'fifo' ? expected : expected.reverse());
    });

    it('filters duplicates by fingerprint unless dontFilter', () => {
      const { s, crawler } = start({ order });
      expect(s.enqueue(new Request('http://a.test/x?b=1&a=2'))).toBe(true);
      expect(s.enqueue(new Request('http://a.test/x?a=2&b=1'))).toBe(false);
      expect(s.enqueue(new Request('http://a.test/x?a=2&b=1', { dontFilter: true }))).toBe(true);
      expect(s.enqueue(new Request('http://a.test/x?a=2&b=1', { method: 'POST' }))).toBe(true);
      expect(s.size()).toBe(3);
      drain(s);
      expect(s.enqueue(new Request('http://a.test/x?b=1&a=2'))).toBe(false);
      expect(crawler.stats.get('dupefilter/filtered')).toBe(2);
    });

    it('returns requests with their fields intact', () => {
      const { s } = start({ order });
      s.enqueue(
        new Request('http://a.test/p', {
          method: 'POST',
          headers: { 'X-One': '1', 'X-Many': ['a', 'b'] },
          body: 'payload',
          meta: { depth: 2, note: 'x', nested: { list: [1, 'two', null, true] } },
          cbKwargs: { id: 7 },
          priority: 4,
          callback: spider.parseItem,
          errback: spider.onError,
          flags: ['cached'],
          cookies: { session: 'abc' },
          internal: { retryTimes: 1 },
          dontFilter: true,
        }),
      );
      const got = s.next()!;
      expect(got.url).toBe('http://a.test/p');
      expect(got.method).toBe('POST');
      expect(got.headers.getAll('x-many')).toEqual(['a', 'b']);
      expect(got.headers.get('X-One')).toBe('1');
      expect(new TextDecoder().decode(got.body)).toBe('payload');
      expect(got.meta).toEqual({ depth: 2, note: 'x', nested: { list: [1, 'two', null, true] } });
      expect(got.cbKwargs).toEqual({ id: 7 });
      expect(got.priority).toBe(4);
      expect(got.callback).toBe(spider.parseItem);
      expect(got.errback).toBe(spider.onError);
      expect(got.flags).toEqual(['cached']);
      expect(got.cookies).toEqual({ session: 'abc' });
      expect(got.internal).toEqual({ retryTimes: 1 });
      expect(got.dontFilter).toBe(true);
    });

    it('interleaves enqueue and next', () => {
      const { s } = start({ order });
      s.enqueue(new Request('http://a.test/1'));
      expect(s.next()?.url).toBe('http://a.test/1');
      s.enqueue(new Request('http://a.test/2'));
      s.enqueue(new Request('http://a.test/3', { priority: 1 }));
      expect(s.next()?.url).toBe('http://a.test/3');
      expect(s.next()?.url).toBe('http://a.test/2');
      expect(s.next()).toBeUndefined();
    });

    it('holds many requests', () => {
      const { s, crawler } = start({ order });
      for (let i = 0; i < 2000; i++) s.enqueue(new Request(`http://a.test/${i}`, { priority: i % 3 }));
      expect(s.size()).toBe(2000);
      const got = drain(s);
      expect(got).toHaveLength(2000);
      const priorities = got.map((r) => r.priority);
      expect(priorities).toEqual([...priorities].sort((a, b) => b - a));
      expect(crawler.stats.get('scheduler/enqueued/disk')).toBe(2000);
      expect(crawler.stats.get('scheduler/dequeued/disk')).toBe(2000);
    });
  });
}

describe('diskScheduler: what cannot be stored', () => {
  it('refuses a closure callback at scheduling time, naming the URL and why', () => {
    const { s } = start();
    const closure = (_r: Response) => undefined;
    expect(() => s.enqueue(new Request('http://a.test/c', { callback: closure }))).toThrow(ConfigError);
    expect(() => s.enqueue(new Request('http://a.test/c', { callback: closure }))).toThrow(/<GET http:\/\/a\.test\/c>.*callback closure\(\) is not a method of spider job/);
    expect(() => s.enqueue(new Request('http://a.test/c', { callback: spider.parse.bind(spider) }))).toThrow(/not a method of spider job/);
    // Nothing was recorded: the same URL with a method callback is not a duplicate.
    expect(s.enqueue(new Request('http://a.test/c', { callback: spider.parse }))).toBe(true);
  });

  it('refuses meta that is not plain JSON data', () => {
    const { s } = start();
    expect(() => s.enqueue(new Request('http://a.test/d', { meta: { when: new Date() } }))).toThrow(/meta\.when \(a Date, not a plain object\)/);
    expect(() => s.enqueue(new Request('http://a.test/d', { cbKwargs: { n: Number.NaN } }))).toThrow(/cbKwargs\.n/);
  });

  it('validates its options', () => {
    expect(() => diskScheduler({ dir, windw: 3 } as never)).toThrow(/unknown option windw/);
    expect(() => diskScheduler({ dir: '' })).toThrow(/dir must be/);
    expect(() => diskScheduler({ dir, window: 0 })).toThrow(/window/);
  });
});

describe('diskScheduler: resuming', () => {
  it('keeps pending requests and seen fingerprints across a close and reopen', () => {
    const a = start().s;
    for (let i = 0; i < 30; i++) a.enqueue(new Request(`http://a.test/${i}`, { priority: i % 2, callback: spider.parseItem }));
    const first = a.next()!;
    a.ack(first);
    close(a);
    const { s, crawler } = start();
    expect(s.size()).toBe(29);
    expect(s.enqueue(new Request('http://a.test/3'))).toBe(false);
    expect(s.enqueue(new Request(first.url))).toBe(false);
    const rest = drain(s);
    expect(new Set(rest.map((r) => r.url)).size).toBe(29);
    expect(rest.every((r) => r.callback === spider.parseItem)).toBe(true);
    expect(crawler.logger.find('info', 'Resuming crawl (29 requests scheduled)')).toHaveLength(1);
  });

  it('after a crash, requests handed out but not acknowledged are pending again', async () => {
    for (const checkpointEvery of [100_000, 7]) {
      await rm(dir, { recursive: true, force: true });
      const a = start({ checkpointEvery }).s;
      for (let i = 0; i < 50; i++) a.enqueue(new Request(`http://a.test/${i}`));
      const taken = [a.next()!, a.next()!, a.next()!, a.next()!, a.next()!];
      a.ack(taken[0]!);
      a.ack(taken[3]!);
      // Enqueued by a callback that has not finished: its parent is not acknowledged either.
      a.enqueue(new Request('http://a.test/child'));
      await crash(a);
      const { s } = start({ checkpointEvery });
      const urls = drain(s).map((r) => r.url);
      expect(urls).toHaveLength(49);
      expect(new Set(urls)).toEqual(new Set([...Array.from({ length: 50 }, (_, i) => `http://a.test/${i}`), 'http://a.test/child'].filter((u) => u !== taken[0]!.url && u !== taken[3]!.url)));
      expect(s.enqueue(new Request(taken[0]!.url))).toBe(false);
      close(s);
    }
  });

  it('survives repeated crashes with checkpoints in between and loses nothing', async () => {
    const all = new Set<string>();
    const done = new Set<string>();
    let n = 0;
    for (let round = 0; round < 4; round++) {
      const { s } = start({ checkpointEvery: 5 });
      for (let i = 0; i < 40; i++) {
        const url = `http://a.test/${n++}`;
        all.add(url);
        s.enqueue(new Request(url, { priority: i % 4 }));
      }
      for (let i = 0; i < 25; i++) {
        const r = s.next();
        if (!r) break;
        if (i % 5 !== 4) {
          s.ack(r);
          done.add(r.url);
        }
      }
      await crash(s);
    }
    const { s } = start();
    const rest = drain(s).map((r) => r.url);
    expect(new Set(rest).size).toBe(rest.length);
    expect(new Set([...rest, ...done])).toEqual(all);
    for (const url of rest) expect(done.has(url)).toBe(false);
  });

  it('refuses a job directory of another spider and a second open of the same folder', () => {
    close(start().s);
    const other = diskScheduler({ dir });
    expect(() => other.open(jobCrawler({ ...spider, name: 'other' }))).toThrow(/belongs to spider job, not other/);
    start();
    expect(() => diskScheduler({ dir }).open(jobCrawler(spider))).toThrow(/is in use by process/);
  });
});

describe('diskScheduler: tampered job files fail clearly and run nothing', () => {
  async function journalWith(edit: (lines: string[]) => string[]): Promise<string> {
    const a = start().s;
    a.enqueue(new Request('http://a.test/1', { callback: spider.parseItem }));
    a.enqueue(new Request('http://a.test/2'));
    await crash(a);
    const name = (await readdir(dir)).find((f) => f.startsWith('journal-'))!;
    const path = join(dir, name);
    const lines = (await readFile(path, 'utf8')).split('\n').filter(Boolean);
    await writeFile(path, `${edit(lines).join('\n')}\n`);
    return path;
  }

  const cases: [string, (line: string) => string, RegExp][] = [
    ['a callback naming no spider method', (l) => l.replace('"parseItem"', '"launchMissiles"'), /callback "launchMissiles" is not a method of spider job/],
    ['a callback naming an Object.prototype member', (l) => l.replace('"parseItem"', '"constructor"'), /callback "constructor" is not a method/],
    ['broken JSON', (l) => l.slice(0, 20) + '}', /not valid JSON/],
    ['another schema version', (l) => l.replace('"v":1', '"v":2'), /schema version 2 is not 1/],
    ['an unknown field', (l) => l.replace('"t":"enq"', '"t":"enq","code":"process.exit(1)"'), /unknown field "code"/],
    ['a __proto__ key', (l) => l.replace('"r":{', '"r":{"meta":{"__proto__":{"polluted":true}},'), /__proto__/],
    ['a bad URL', (l) => l.replace('http://a.test/1', 'javascript-no-scheme'), /invalid request/],
  ];
  for (const [what, edit, message] of cases) {
    it(what, async () => {
      const path = await journalWith((lines) => [edit(lines[0]!), ...lines.slice(1)]);
      const s = diskScheduler({ dir });
      let error: unknown;
      try {
        s.open(jobCrawler(spider));
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as Error).message).toContain(`Invalid job directory file ${path}:1`);
      expect((error as Error).message).toMatch(message);
      expect(calls).toEqual([]);
      expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
      // The lock was released: fixing the file makes the folder usable again.
      await rm(dir, { recursive: true, force: true });
    });
  }

  it('a manifest naming a file outside the folder', async () => {
    close(start().s);
    const path = join(dir, 'manifest.json');
    const manifest = JSON.parse(await readFile(path, 'utf8')) as { queues: unknown[] };
    manifest.queues = [{ priority: 0, segments: ['../../etc/passwd'] }];
    await writeFile(path, JSON.stringify(manifest));
    expect(() => diskScheduler({ dir }).open(jobCrawler(spider))).toThrow(/manifest\.json: a queue lists something other than segment file names/);
  });

  it('a seen-fingerprints file with a bad line', async () => {
    const a = start().s;
    a.enqueue(new Request('http://a.test/1'));
    close(a);
    await writeFile(join(dir, 'requests.seen'), `${(await readFile(join(dir, 'requests.seen'), 'utf8'))}has space\n`);
    expect(() => diskScheduler({ dir }).open(jobCrawler(spider))).toThrow(/requests\.seen:3: not a fingerprint/);
  });
});
