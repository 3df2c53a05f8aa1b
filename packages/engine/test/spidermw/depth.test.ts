import { ConfigError, Request } from '@crawl/core';
import { describe, expect, it } from 'vitest';
import { depthMiddleware } from '../../src/spidermw/index.js';
import { fakeCrawler, responseTo, type FakeCrawlerOptions } from './support.js';

function setup(settings: FakeCrawlerOptions['settings'] = {}) {
  const crawler = fakeCrawler({ settings });
  const mw = depthMiddleware();
  mw.open!(crawler);
  /** One page visit: input, then each yielded request through output. */
  const visit = (request: Request<any>, children: Request<any>[]): (Request<any> | null)[] => {
    const response = responseTo(request);
    mw.processSpiderInput!(response, crawler);
    return children.map((child) => mw.processSpiderOutput!(child, response, crawler) as Request<any> | null);
  };
  return { crawler, mw, visit };
}

describe('depthMiddleware', () => {
  it("has Scrapy's order", () => {
    expect(depthMiddleware().order).toBe(900);
  });

  it('leaves start requests alone and gives start responses depth 0', () => {
    const { crawler, mw } = setup({ depthStatsVerbose: true });
    const start = new Request('http://a.test/');
    expect(mw.processSpiderOutput!(start, undefined, crawler)).toBe(start);
    expect(start.meta.depth).toBeUndefined();
    mw.processSpiderInput!(responseTo(start), crawler);
    expect(start.meta.depth).toBe(0);
    expect(crawler.stats.get('request_depth_count/0')).toBe(1);
    // Initialised once per response, even when output is processed after input.
    mw.processSpiderOutput!(new Request('http://a.test/1'), responseTo(start), crawler);
    expect(crawler.stats.get('request_depth_count/0')).toBe(1);
  });

  it('sets depth = parent depth + 1 down the tree and tracks request_depth_max', () => {
    const { crawler, visit } = setup();
    const [child] = visit(new Request('http://a.test/'), [new Request('http://a.test/1')]);
    expect(child!.meta.depth).toBe(1);
    const [grandchild, sibling] = visit(child!, [new Request('http://a.test/1/1'), new Request('http://a.test/1/2')]);
    expect(grandchild!.meta.depth).toBe(2);
    expect(sibling!.meta.depth).toBe(2);
    expect(crawler.stats.get('request_depth_max')).toBe(2);
    expect(crawler.stats.get('request_depth_count/1')).toBeUndefined();
  });

  it('initialises depth from output alone when input was not seen (errback output)', () => {
    const { crawler, mw } = setup();
    const parent = new Request('http://a.test/');
    const out = mw.processSpiderOutput!(new Request('http://a.test/x'), responseTo(parent), crawler) as Request;
    expect(parent.meta.depth).toBe(0);
    expect(out.meta.depth).toBe(1);
  });

  it('drops requests deeper than depthLimit, with a debug line and no depth stats', () => {
    const { crawler, visit } = setup({ depthLimit: 2, depthStatsVerbose: true });
    const parent = new Request('http://a.test/p', { meta: { depth: 1 } });
    const [atLimit] = visit(parent, [new Request('http://a.test/2')]);
    expect(atLimit!.meta.depth).toBe(2);
    const [tooDeep] = visit(atLimit!, [new Request('http://a.test/3')]);
    expect(tooDeep).toBeNull();
    expect(crawler.messages('debug')).toEqual(['Ignoring link (depth > 2): http://a.test/3']);
    expect(crawler.stats.get('request_depth_max')).toBe(2);
    expect(crawler.stats.get('request_depth_count/3')).toBeUndefined();
    expect(crawler.stats.get('request_depth_count/2')).toBe(1);
  });

  it('depthLimit 0 means unlimited', () => {
    const { visit } = setup({ depthLimit: 0 });
    const [deep] = visit(new Request('http://a.test/', { meta: { depth: 500 } }), [new Request('http://a.test/x')]);
    expect(deep!.meta.depth).toBe(501);
  });

  it('adjusts priority by -depth * depthPriority on a replaced request', () => {
    const { visit } = setup({ depthPriority: 1 });
    const callback = () => undefined;
    const original = new Request('http://a.test/x', { priority: 5, callback, meta: { keep: 'me' }, cbKwargs: { k: 1 } });
    const [out] = visit(new Request('http://a.test/', { meta: { depth: 2 } }), [original]);
    expect(out).not.toBe(original);
    expect(out!.priority).toBe(5 - 3 * 1);
    expect(out!.meta).toMatchObject({ keep: 'me', depth: 3 });
    expect(out!.callback).toBe(callback);
    expect(out!.cbKwargs).toEqual({ k: 1 });
    expect(original.priority).toBe(5);
  });

  it('a negative depthPriority raises priority with depth (depth-first)', () => {
    const { visit } = setup({ depthPriority: -2 });
    const [out] = visit(new Request('http://a.test/', { meta: { depth: 1 } }), [new Request('http://a.test/x', { priority: 1 })]);
    expect(out!.priority).toBe(1 + 2 * 2);
  });

  it('keeps the same request object when depthPriority is 0', () => {
    const { visit } = setup();
    const child = new Request('http://a.test/x', { priority: 7 });
    const [out] = visit(new Request('http://a.test/'), [child]);
    expect(out).toBe(child);
    expect(out!.priority).toBe(7);
  });

  it('counts requests per depth with depthStatsVerbose', () => {
    const { crawler, visit } = setup({ depthStatsVerbose: true });
    const root = new Request('http://a.test/');
    const kids = visit(root, [new Request('http://a.test/1'), new Request('http://a.test/2')]);
    visit(kids[0]!, [new Request('http://a.test/1/1')]);
    expect(crawler.stats.get('request_depth_count/0')).toBe(1);
    expect(crawler.stats.get('request_depth_count/1')).toBe(2);
    expect(crawler.stats.get('request_depth_count/2')).toBe(1);
    expect(crawler.stats.get('request_depth_max')).toBe(2);
  });

  it('passes items untouched', () => {
    const { crawler, mw } = setup();
    const item = { depth: 'n/a' };
    expect(mw.processSpiderOutput!(item, responseTo(new Request('http://a.test/')), crawler)).toBe(item);
  });

  it('rejects malformed settings at open', () => {
    for (const settings of [{ depthLimit: -1 }, { depthLimit: 1.5 }, { depthPriority: Number.NaN }, { depthStatsVerbose: 1 as never }]) {
      expect(() => depthMiddleware().open!(fakeCrawler({ settings })), JSON.stringify(settings)).toThrow(ConfigError);
    }
  });
});
