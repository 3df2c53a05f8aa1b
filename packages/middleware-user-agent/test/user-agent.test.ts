import { readFileSync } from 'node:fs';
import { ConfigError, Request, defineSpider } from '@crawl/core';
import { handlers, startTestServer, type TestServer } from '@crawl/test-servers';
import { fakeCrawler, testDownloaderMiddleware } from '@crawl/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { USER_AGENT_DEFAULTS, USER_AGENT_SETTING_DEFAULTS, userAgent } from '../src/index.js';
import { loopbackCrawler } from './support.js';

testDownloaderMiddleware('userAgent', () => userAgent());

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };

async function uaFor(mw = userAgent(), spider: Record<string, unknown> = {}, init?: ConstructorParameters<typeof Request>[1]): Promise<string | undefined> {
  const crawler = fakeCrawler({ spider });
  await mw.open?.(crawler);
  const request = new Request('http://a.test/', init);
  expect(await mw.processRequest!(request, crawler)).toBeUndefined();
  return request.headers.get('user-agent');
}

describe('userAgent()', () => {
  it("defaults to a Scrapy-shaped 'Crawl/<version> (+…)' string at order 500", async () => {
    expect(USER_AGENT_DEFAULTS.userAgent).toBe(`Crawl/${version} (+TypeScript crawler)`);
    expect(userAgent().order).toBe(500);
    expect(await uaFor()).toBe(USER_AGENT_DEFAULTS.userAgent);
  });

  it('uses the option, and the spider attribute over the option', async () => {
    expect(await uaFor(userAgent({ userAgent: 'opt/1' }))).toBe('opt/1');
    expect(await uaFor(userAgent({ userAgent: 'opt/1' }), { userAgent: 'spider/2' })).toBe('spider/2');
    expect(await uaFor(userAgent(), { userAgent: 'spider/2' })).toBe('spider/2');
  });

  it('reads the userAgent setting below the option and the spider attribute', async () => {
    const settings = { settingDefaults: USER_AGENT_SETTING_DEFAULTS, settings: { userAgent: 'setting/1' } };
    const run = async (mw: ReturnType<typeof userAgent>, spider: Record<string, unknown> = {}) => {
      const crawler = fakeCrawler({ ...settings, spider });
      await mw.open!(crawler);
      const request = new Request('http://a.test/');
      await mw.processRequest!(request, crawler);
      return request.headers.get('user-agent');
    };
    expect(await run(userAgent())).toBe('setting/1');
    expect(await run(userAgent({ userAgent: 'opt/1' }))).toBe('opt/1');
    expect(await run(userAgent({ userAgent: 'opt/1' }), { userAgent: 'spider/2' })).toBe('spider/2');
    const bad = fakeCrawler({ settingDefaults: USER_AGENT_SETTING_DEFAULTS, settings: { userAgent: 'a\rb' } });
    await expect(async () => userAgent().open!(bad)).rejects.toThrow(/Setting userAgent must not contain CR/);
  });

  it('never overrides a User-Agent set on the request', async () => {
    expect(await uaFor(userAgent({ userAgent: 'opt/1' }), { userAgent: 'spider/2' }, { headers: { 'user-agent': 'mine/3' } })).toBe('mine/3');
  });

  it('sends no User-Agent when the chosen value is empty', async () => {
    expect(await uaFor(userAgent({ userAgent: '' }))).toBeUndefined();
    expect(await uaFor(userAgent({ userAgent: 'opt/1' }), { userAgent: '' })).toBeUndefined();
  });

  it('rejects bad options and spider attributes with a ConfigError naming them', async () => {
    expect(() => userAgent({ ua: 'x' } as never)).toThrow(/unknown option "ua"/);
    expect(() => userAgent({ userAgent: 'a\nb' })).toThrow(/option "userAgent" must not contain CR, LF or NUL/);
    expect(() => userAgent({ userAgent: 5 as never })).toThrow(ConfigError);
    expect(() => userAgent({ order: Infinity })).toThrow(/"order" must be a finite number/);
    const mw = userAgent();
    await expect(async () => mw.open!(fakeCrawler({ spider: { userAgent: 'x\r\nEvil: 1' } }))).rejects.toThrow(/spider test: attribute "userAgent" must not contain/);
    await expect(async () => userAgent().open!(fakeCrawler({ spider: { userAgent: 42 as never } }))).rejects.toThrow(ConfigError);
  });

  it('keeps each crawler’s spider value when one middleware object serves two crawlers', async () => {
    const mw = userAgent();
    const one = fakeCrawler({ spider: { userAgent: 'one' } });
    const two = fakeCrawler({ spider: { userAgent: 'two' } });
    await mw.open!(one);
    await mw.open!(two);
    const r1 = new Request('http://a.test/1');
    const r2 = new Request('http://a.test/2');
    await mw.processRequest!(r1, one);
    await mw.processRequest!(r2, two);
    expect([r1.headers.get('user-agent'), r2.headers.get('user-agent')]).toEqual(['one', 'two']);
  });
});

describe('userAgent() in a real crawl', () => {
  let server: TestServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('puts the spider attribute on the wire and leaves explicit headers alone', async () => {
    server = await startTestServer({ fallback: handlers.text('ok') });
    const base = `http://a.test:${server.port}`;
    const spider = defineSpider({
      name: 'ua',
      userAgent: 'SpiderBot/1.0',
      *start() {
        yield new Request(`${base}/default`);
        yield new Request(`${base}/explicit`, { headers: { 'User-Agent': 'Explicit/2.0' } });
      },
      parse() {},
    });
    const { stats } = await loopbackCrawler(spider, [userAgent({ userAgent: 'Option/0.1' })]).crawl();
    expect(stats['response_received_count']).toBe(2);
    expect(server.requests.find((r) => r.url === '/default')!.headers['user-agent']).toBe('SpiderBot/1.0');
    expect(server.requests.find((r) => r.url === '/explicit')!.headers['user-agent']).toBe('Explicit/2.0');
  });
});
