import {
  ConfigError,
  ConnectionRefusedError,
  DnsLookupError,
  DownloadError,
  DownloadTimeoutError,
  Request,
  ResponseTooLargeError,
  TlsError,
  createResponse,
  isRequest,
  type Response,
} from '@crawl/core';
import { fakeCrawler, testDownloaderMiddleware, type FakeCrawler } from '@crawl/testing';
import { describe, expect, it } from 'vitest';
import { RETRY_DEFAULTS, RETRY_EXCEPTIONS, RETRY_SETTING_DEFAULTS, getRetryRequest, retry, type RetryOptions } from '../src/index.js';

testDownloaderMiddleware('retry', () => retry());

const URL_A = 'http://a.test/page';

function reply(request: Request<any>, status: number, headers: Record<string, string> = {}): Response {
  return createResponse(request.url, { status, headers: { 'Content-Type': 'text/plain', ...headers }, body: 'x', request });
}

async function opened(options?: RetryOptions, crawler: FakeCrawler = fakeCrawler()) {
  const mw = retry(options);
  await mw.open?.(crawler);
  return { mw, crawler };
}

describe('retry() defaults', () => {
  it("are Scrapy's, with Retry-After on and backoff off", () => {
    expect(RETRY_DEFAULTS.times).toBe(2);
    expect(RETRY_DEFAULTS.httpCodes).toEqual([500, 502, 503, 504, 522, 524, 408, 429]);
    expect(RETRY_DEFAULTS.priorityAdjust).toBe(-1);
    expect(RETRY_DEFAULTS.order).toBe(550);
    expect(RETRY_DEFAULTS.retryAfter).toEqual({ enabled: true, maxDelay: 60 });
    expect(RETRY_DEFAULTS.exceptions).toBe(RETRY_EXCEPTIONS);
    expect(retry().order).toBe(550);
  });
});

describe('retry() on responses', () => {
  it('retries a retryable status with a copy: dontFilter, lower priority, counter in internal', async () => {
    const { mw, crawler } = await opened();
    const request = new Request(URL_A, { priority: 5, meta: { keep: 1 } });
    const out = await mw.processResponse!(request, reply(request, 503), crawler);
    expect(isRequest(out)).toBe(true);
    const retried = out as Request;
    expect(retried).not.toBe(request);
    expect(retried.url).toBe(URL_A);
    expect(retried.dontFilter).toBe(true);
    expect(retried.priority).toBe(4);
    expect(retried.internal.retryTimes).toBe(1);
    expect(retried.meta).toEqual({ keep: 1 });
    expect(crawler.stats.get('retry/count')).toBe(1);
    expect(crawler.stats.get('retry/reason_count/503 Service Unavailable')).toBe(1);
    expect(crawler.messages('debug')).toContain(`Retrying <GET ${URL_A}> (failed 1 times): 503 Service Unavailable`);
  });

  it('names statuses like Scrapy, Unknown Status included', async () => {
    const { mw, crawler } = await opened({ httpCodes: [522, 408] });
    for (const status of [522, 408]) {
      const request = new Request(URL_A);
      await mw.processResponse!(request, reply(request, status), crawler);
    }
    expect(crawler.stats.get('retry/reason_count/522 Unknown Status')).toBe(1);
    expect(crawler.stats.get('retry/reason_count/408 Request Timeout')).toBe(1);
  });

  it('passes other statuses and dontRetry requests through untouched', async () => {
    const { mw, crawler } = await opened();
    const request = new Request(URL_A);
    const notFound = reply(request, 404);
    expect(await mw.processResponse!(request, notFound, crawler)).toBe(notFound);
    const dont = new Request(URL_A, { meta: { dontRetry: true } });
    const unavailable = reply(dont, 503);
    expect(await mw.processResponse!(dont, unavailable, crawler)).toBe(unavailable);
    expect(crawler.stats.get('retry/count')).toBeUndefined();
  });

  it('gives up after `times` retries, returning the response and counting retry/max_reached', async () => {
    const { mw, crawler } = await opened({ times: 1 });
    const first = new Request(URL_A);
    const second = (await mw.processResponse!(first, reply(first, 500), crawler)) as Request;
    expect(second.internal.retryTimes).toBe(1);
    const last = reply(second, 500);
    expect(await mw.processResponse!(second, last, crawler)).toBe(last);
    expect(crawler.stats.get('retry/max_reached')).toBe(1);
    expect(crawler.messages('error')).toEqual([`Gave up retrying <GET ${URL_A}> (failed 2 times): 500 Internal Server Error`]);
  });

  it('reads meta.maxRetryTimes before the option, and rejects a bad one', async () => {
    const { mw, crawler } = await opened({ times: 5 });
    const none = new Request(URL_A, { meta: { maxRetryTimes: 0 } });
    const response = reply(none, 503);
    expect(await mw.processResponse!(none, response, crawler)).toBe(response);
    expect(crawler.stats.get('retry/max_reached')).toBe(1);
    const bad = new Request(URL_A, { meta: { maxRetryTimes: -1 } });
    await expect(async () => mw.processResponse!(bad, reply(bad, 503), crawler)).rejects.toThrow(ConfigError);
    await expect(async () => mw.processResponse!(bad, reply(bad, 503), crawler)).rejects.toThrow(/meta\.maxRetryTimes of <GET http:\/\/a\.test\/page> must be an integer >= 0, got -1/);
  });

  it('keeps the counter out of meta: a request built from response.meta starts afresh', async () => {
    const { mw, crawler } = await opened();
    const request = new Request(URL_A, { meta: { page: 2 } });
    const retried = (await mw.processResponse!(request, reply(request, 503), crawler)) as Request;
    const response = reply(retried, 200);
    const next = new Request('http://a.test/next', { meta: response.meta });
    expect(next.meta).toEqual({ page: 2 });
    expect(next.internal.retryTimes).toBeUndefined();
  });
});

describe('retry() on download errors', () => {
  it("retries Scrapy's network errors and names the reason after the error class", async () => {
    const { mw, crawler } = await opened({ times: 10 });
    const errors = [
      new DownloadTimeoutError(URL_A, 1000),
      new DnsLookupError(URL_A, 'no such host'),
      new ConnectionRefusedError(URL_A, 'refused'),
      new TlsError(URL_A, 'handshake failed'),
    ];
    for (const error of errors) {
      const out = await mw.processException!(new Request(URL_A), error, crawler);
      expect(isRequest(out), error.name).toBe(true);
    }
    expect(crawler.stats.get('retry/reason_count/DownloadTimeoutError')).toBe(1);
    expect(crawler.stats.get('retry/reason_count/DnsLookupError')).toBe(1);
    expect(crawler.stats.get('retry/reason_count/ConnectionRefusedError')).toBe(1);
    expect(crawler.stats.get('retry/reason_count/TlsError')).toBe(1);
    expect(crawler.messages('debug')[1]).toBe(`Retrying <GET ${URL_A}> (failed 1 times): DnsLookupError: no such host`);
  });

  it('leaves other errors, dontRetry requests and aborted crawls to the errback', async () => {
    const { mw, crawler } = await opened();
    for (const error of [new TypeError('bug'), new ResponseTooLargeError(URL_A, 10, 5), new DownloadError(URL_A, 'refused by client'), 'string']) {
      expect(await mw.processException!(new Request(URL_A), error, crawler)).toBeUndefined();
    }
    expect(await mw.processException!(new Request(URL_A, { meta: { dontRetry: true } }), new DnsLookupError(URL_A, 'x'), crawler)).toBeUndefined();
    crawler.abortController.abort();
    expect(await mw.processException!(new Request(URL_A), new DnsLookupError(URL_A, 'x'), crawler)).toBeUndefined();
    expect(crawler.stats.get('retry/count')).toBeUndefined();
  });

  it('retries the error classes it is given instead', async () => {
    class Flaky extends Error {
      override name = 'Flaky';
    }
    const { mw, crawler } = await opened({ exceptions: [Flaky] });
    expect(isRequest(await mw.processException!(new Request(URL_A), new Flaky('again'), crawler))).toBe(true);
    expect(await mw.processException!(new Request(URL_A), new DnsLookupError(URL_A, 'x'), crawler)).toBeUndefined();
    expect(crawler.stats.get('retry/reason_count/Flaky')).toBe(1);
  });

  it('gives up on errors too, letting the error reach the errback', async () => {
    const { mw, crawler } = await opened({ times: 0 });
    expect(await mw.processException!(new Request(URL_A), new ConnectionRefusedError(URL_A, 'refused'), crawler)).toBeUndefined();
    expect(crawler.stats.get('retry/max_reached')).toBe(1);
    expect(crawler.messages('error')[0]).toMatch(/^Gave up retrying <GET http:\/\/a\.test\/page> \(failed 1 times\): ConnectionRefusedError: refused$/);
  });
});

describe('retry() waits through the slot, never inside the middleware', () => {
  it('defers the slot by Retry-After delay-seconds on 429 and 503', async () => {
    const { mw, crawler } = await opened();
    for (const status of [429, 503]) {
      const request = new Request(`http://s${status}.test/`);
      const before = Date.now();
      const out = await mw.processResponse!(request, reply(request, status, { 'Retry-After': '3' }), crawler);
      expect(isRequest(out)).toBe(true);
      const slot = crawler.downloader.slot(request);
      expect(slot.nextAllowedAt).toBeGreaterThanOrEqual(before + 3000);
      expect(slot.nextAllowedAt).toBeLessThanOrEqual(Date.now() + 3000);
    }
    expect(crawler.downloader.slot('other.test').nextAllowedAt).toBe(0);
  });

  it('reads an HTTP-date Retry-After', async () => {
    const { mw, crawler } = await opened();
    const request = new Request(URL_A);
    const at = Math.floor(Date.now() / 1000) * 1000 + 10_000;
    await mw.processResponse!(request, reply(request, 503, { 'Retry-After': new Date(at).toUTCString() }), crawler);
    expect(crawler.downloader.slot(request).nextAllowedAt).toBe(at);
  });

  it('ignores Retry-After on other statuses, when disabled, and when malformed', async () => {
    const cases: [RetryOptions | undefined, number, string][] = [
      [undefined, 500, '5'],
      [{ retryAfter: { enabled: false } }, 429, '5'],
      [undefined, 429, 'tomorrow'],
    ];
    for (const [options, status, value] of cases) {
      const { mw, crawler } = await opened(options);
      const request = new Request(URL_A);
      expect(isRequest(await mw.processResponse!(request, reply(request, status, { 'Retry-After': value }), crawler))).toBe(true);
      expect(crawler.downloader.slot(request).nextAllowedAt).toBe(0);
    }
  });

  it('gives up on a Retry-After above maxDelay after deferring the slot by maxDelay', async () => {
    const { mw, crawler } = await opened({ retryAfter: { maxDelay: 10 } });
    const request = new Request(URL_A);
    const response = reply(request, 429, { 'Retry-After': '3600' });
    const before = Date.now();
    expect(await mw.processResponse!(request, response, crawler)).toBe(response);
    const slot = crawler.downloader.slot(request);
    expect(slot.nextAllowedAt).toBeGreaterThanOrEqual(before + 10_000);
    expect(slot.nextAllowedAt).toBeLessThan(before + 11_000);
    expect(crawler.stats.get('retry/retry_after_too_long')).toBe(1);
    expect(crawler.stats.get('retry/count')).toBeUndefined();
    expect(crawler.messages('error')[0]).toMatch(/Gave up retrying <GET http:\/\/a\.test\/page> \(failed 1 times\): 429 Too Many Requests; Retry-After asks for 3600 s, more than retryAfter\.maxDelay \(10 s\)/);
  });

  it('still paces the slot by Retry-After when the retries are used up', async () => {
    const { mw, crawler } = await opened({ times: 0 });
    const request = new Request(URL_A);
    const before = Date.now();
    await mw.processResponse!(request, reply(request, 503, { 'Retry-After': '2' }), crawler);
    expect(crawler.stats.get('retry/max_reached')).toBe(1);
    expect(crawler.downloader.slot(request).nextAllowedAt).toBeGreaterThanOrEqual(before + 2000);
  });

  it('backs off exponentially when enabled, for statuses and errors alike', async () => {
    const { mw, crawler } = await opened({ times: 3, backoff: { enabled: true, base: 2, jitter: false } });
    let request = new Request(URL_A);
    const waits: number[] = [];
    for (let i = 0; i < 3; i++) {
      const slot = crawler.downloader.slot(request) as { nextAllowedAt: number };
      slot.nextAllowedAt = 0;
      const before = Date.now();
      const out = i === 1
        ? await mw.processException!(request, new DownloadTimeoutError(URL_A, 5), crawler)
        : await mw.processResponse!(request, reply(request, 502), crawler);
      request = out as Request;
      waits.push(Math.round((slot.nextAllowedAt - before) / 1000));
    }
    expect(waits).toEqual([2, 4, 8]);
  });

  it('uses the longer of Retry-After and backoff', async () => {
    const { mw, crawler } = await opened({ backoff: { enabled: true, base: 30, jitter: false } });
    const request = new Request(URL_A);
    const before = Date.now();
    await mw.processResponse!(request, reply(request, 429, { 'Retry-After': '1' }), crawler);
    expect(crawler.downloader.slot(request).nextAllowedAt).toBeGreaterThanOrEqual(before + 30_000);
  });
});

describe('getRetryRequest()', () => {
  it("follows Scrapy's get_retry_request, defaulting to the installed middleware's options", async () => {
    const crawler = fakeCrawler();
    const request = new Request(URL_A, { priority: 10 });
    const plain = getRetryRequest(request, { crawler, reason: 'empty' })!;
    // Without the middleware in the crawl, lines still carry its component.
    expect(crawler.logs.at(-1)).toMatchObject({ level: 'debug', component: '@crawl/middleware-retry', message: `Retrying <GET ${URL_A}> (failed 1 times): empty` });
    expect(plain.internal.retryTimes).toBe(1);
    expect(plain.priority).toBe(9);
    expect(plain.dontFilter).toBe(true);
    expect(crawler.stats.get('retry/reason_count/empty')).toBe(1);

    await retry({ times: 5, priorityAdjust: 3 }).open!(crawler);
    let current: Request | undefined = request;
    let tries = 0;
    while ((current = getRetryRequest(current, { crawler, reason: TlsError }))) tries++;
    expect(tries).toBe(5);
    expect(crawler.stats.get('retry/reason_count/TlsError')).toBe(5);
    expect(getRetryRequest(request, { crawler, maxRetryTimes: 0 })).toBeUndefined();
    expect(crawler.messages('error', '@crawl/middleware-retry').at(-1)).toBe(`Gave up retrying <GET ${URL_A}> (failed 1 times): unspecified`);
    expect(getRetryRequest(request, { crawler, priorityAdjust: -10 })!.priority).toBe(0);
    expect(getRetryRequest(request, { crawler })!.priority).toBe(13);
  });

  it('takes meta.maxRetryTimes, a stats base key and a logger', () => {
    const crawler = fakeCrawler();
    const lines: string[] = [];
    const logger = { debug: (m: string) => void lines.push(m), info() {}, warn() {}, error: (m: string) => void lines.push(m) };
    const request = new Request(URL_A, { meta: { maxRetryTimes: 1 } });
    const once = getRetryRequest(request, { crawler, reason: new Error('odd'), statsBaseKey: 'custom', logger })!;
    expect(getRetryRequest(once, { crawler, statsBaseKey: 'custom', logger })).toBeUndefined();
    expect(crawler.stats.get('custom/count')).toBe(1);
    expect(crawler.stats.get('custom/reason_count/Error')).toBe(1);
    expect(crawler.stats.get('custom/max_reached')).toBe(1);
    expect(lines).toEqual([`Retrying <GET ${URL_A}> (failed 1 times): Error: odd`, `Gave up retrying <GET ${URL_A}> (failed 2 times): unspecified`]);
    expect(() => getRetryRequest(request, { crawler, maxRetryTimes: 1.5 })).toThrow(ConfigError);
  });
});

describe('retry() settings', () => {
  const withSettings = (settings: Record<string, unknown>): FakeCrawler => fakeCrawler({ settingDefaults: RETRY_SETTING_DEFAULTS, settings });

  it('reads retryTimes, retryHttpCodes and retryPriorityAdjust; options win over them', async () => {
    const crawler = withSettings({ retryTimes: 1, retryHttpCodes: [418], retryPriorityAdjust: 7 });
    const { mw } = await opened(undefined, crawler);
    const request = new Request(URL_A);
    const teapot = reply(request, 418);
    const retried = (await mw.processResponse!(request, teapot, crawler)) as Request;
    expect(retried.priority).toBe(7);
    const unavailable = reply(request, 503);
    expect(await mw.processResponse!(request, unavailable, crawler)).toBe(unavailable);
    const again = reply(retried, 418);
    expect(await mw.processResponse!(retried, again, crawler)).toBe(again);
    expect(crawler.stats.get('retry/max_reached')).toBe(1);

    const other = withSettings({ retryTimes: 1, retryHttpCodes: [418], retryPriorityAdjust: 7 });
    const { mw: optioned } = await opened({ times: 3, httpCodes: [503], priorityAdjust: 0 }, other);
    const out = (await optioned.processResponse!(request, reply(request, 503), other)) as Request;
    expect(out.priority).toBe(0);
    expect(getRetryRequest(out, { crawler: other })!.priority).toBe(0);
    expect(await optioned.processResponse!(request, teapot, other)).toBe(teapot);
  });

  it('gives getRetryRequest() the settings when no retry middleware is installed', () => {
    const crawler = withSettings({ retryTimes: 0, retryPriorityAdjust: 2 });
    expect(getRetryRequest(new Request(URL_A), { crawler })).toBeUndefined();
    expect(getRetryRequest(new Request(URL_A), { crawler, maxRetryTimes: 1 })!.priority).toBe(2);
  });

  it('rejects bad settings at open with a ConfigError naming the setting', async () => {
    await expect(async () => retry().open!(withSettings({ retryTimes: 1.5 }))).rejects.toThrow(/Setting retryTimes must be an integer >= 0, got 1.5/);
    await expect(async () => retry().open!(withSettings({ retryHttpCodes: [1000] }))).rejects.toThrow(/Setting retryHttpCodes must be an array of HTTP status codes/);
  });
});

describe('retry() options', () => {
  it('rejects bad options with a ConfigError naming them', () => {
    expect(() => retry({ retries: 3 } as never)).toThrow(/retry\(\) options: unknown option "retries"/);
    expect(() => retry({ times: -1 })).toThrow(/option "times" must be an integer >= 0, got -1/);
    expect(() => retry({ times: 1.5 })).toThrow(ConfigError);
    expect(() => retry({ httpCodes: [503, 99] })).toThrow(/"httpCodes" must be an array of HTTP status codes/);
    expect(() => retry({ httpCodes: '503' as never })).toThrow(ConfigError);
    expect(() => retry({ exceptions: ['DnsLookupError' as never] })).toThrow(/"exceptions" must contain error classes, got "DnsLookupError"/);
    expect(() => retry({ priorityAdjust: Number.NaN })).toThrow(/"priorityAdjust" must be a finite number/);
    expect(() => retry({ retryAfter: { max: 5 } as never })).toThrow(/option "retryAfter": unknown option "max"/);
    expect(() => retry({ retryAfter: { maxDelay: -1 } })).toThrow(/"retryAfter\.maxDelay" must be a finite number >= 0/);
    expect(() => retry({ retryAfter: { enabled: 'yes' as never } })).toThrow(/"retryAfter\.enabled" must be true or false/);
    expect(() => retry({ backoff: { base: -1 } })).toThrow(/"backoff\.base"/);
    expect(() => retry({ backoff: null as never })).toThrow(/"backoff" must be an object, got null/);
    expect(() => retry({ order: Infinity })).toThrow(/"order" must be a finite number/);
  });
});
