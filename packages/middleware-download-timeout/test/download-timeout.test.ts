import { ConfigError, DownloadTimeoutError, Request, defineSpider, type Failure, type Response } from '@crawl/core';
import { handlers, startTestServer, type TestServer } from '@crawl/test-servers';
import { fakeCrawler, testDownloaderMiddleware } from '@crawl/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { DOWNLOAD_TIMEOUT_DEFAULTS, downloadTimeout } from '../src/index.js';
import { loopbackCrawler } from './support.js';

testDownloaderMiddleware('downloadTimeout', () => downloadTimeout());

async function timeoutFor(
  mw = downloadTimeout(),
  crawlerOptions: Parameters<typeof fakeCrawler>[0] = {},
  meta?: Record<string, unknown>,
): Promise<number | undefined> {
  const crawler = fakeCrawler(crawlerOptions);
  await mw.open?.(crawler);
  const request = new Request('http://a.test/', meta ? { meta } : {});
  expect(await mw.processRequest!(request, crawler)).toBeUndefined();
  return request.meta.downloadTimeout;
}

describe('downloadTimeout()', () => {
  it('copies the downloadTimeout setting into meta by default, at order 350', async () => {
    expect(DOWNLOAD_TIMEOUT_DEFAULTS.order).toBe(350);
    expect(downloadTimeout().order).toBe(350);
    expect(await timeoutFor()).toBe(180);
    expect(await timeoutFor(downloadTimeout(), { settings: { downloadTimeout: 7 } })).toBe(7);
  });

  it('prefers the option over the setting and the spider attribute over both', async () => {
    expect(await timeoutFor(downloadTimeout({ timeout: 12 }), { settings: { downloadTimeout: 7 } })).toBe(12);
    expect(await timeoutFor(downloadTimeout({ timeout: 12 }), { spider: { downloadTimeout: 3 } })).toBe(3);
    expect(await timeoutFor(downloadTimeout({ timeout: 0 }))).toBe(0);
  });

  it('never overrides meta.downloadTimeout already on the request', async () => {
    expect(await timeoutFor(downloadTimeout({ timeout: 12 }), { spider: { downloadTimeout: 3 } }, { downloadTimeout: 60 })).toBe(60);
    expect(await timeoutFor(downloadTimeout({ timeout: 12 }), {}, { downloadTimeout: 0 })).toBe(0);
  });

  it('rejects bad options and spider attributes with a ConfigError', async () => {
    expect(() => downloadTimeout({ timeout: -1 })).toThrow(/option "timeout" must be a finite number of seconds >= 0, got -1/);
    expect(() => downloadTimeout({ timeout: '5' as never })).toThrow(/got "5"/);
    expect(() => downloadTimeout({ timeout: Infinity })).toThrow(ConfigError);
    expect(() => downloadTimeout({ seconds: 5 } as never)).toThrow(/unknown option "seconds"/);
    await expect(async () => downloadTimeout().open!(fakeCrawler({ spider: { downloadTimeout: 'soon' as never } }))).rejects.toThrow(
      /spider test: attribute "downloadTimeout" must be a finite number/,
    );
  });
});

describe('downloadTimeout() in a real crawl', () => {
  let server: TestServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it("times out with the spider's value and lets a request's own meta value win", async () => {
    server = await startTestServer({
      routes: { '/stall': handlers.stall(), '/slow': handlers.delay(400, handlers.text('late but fine')) },
    });
    const base = `http://a.test:${server.port}`;
    const failures: Failure[] = [];
    const bodies: string[] = [];
    const spider = defineSpider({
      name: 'timeouts',
      downloadTimeout: 0.2,
      *start() {
        yield new Request(`${base}/stall`, { errback: (f) => void failures.push(f) });
        yield new Request(`${base}/slow`, { meta: { downloadTimeout: 5 }, errback: (f) => void failures.push(f) });
      },
      parse(response: Response) {
        bodies.push(response.text);
      },
    });
    await loopbackCrawler(spider, [downloadTimeout({ timeout: 30 })]).crawl();
    expect(bodies).toEqual(['late but fine']);
    expect(failures).toHaveLength(1);
    expect(failures[0]!.request.url).toBe(`${base}/stall`);
    expect(failures[0]!.error).toBeInstanceOf(DownloadTimeoutError);
    expect((failures[0]!.error as DownloadTimeoutError).timeoutMs).toBe(200);
    expect(failures[0]!.request.meta.downloadTimeout).toBe(0.2);
  });
});
