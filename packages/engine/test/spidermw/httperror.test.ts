import { ConfigError, HttpError, IgnoreRequest, Request, type Response } from '@crawl/core';
import { describe, expect, it } from 'vitest';
import { httpErrorMiddleware } from '../../src/spidermw/index.js';
import { fakeCrawler, page, responseTo, type FakeCrawlerOptions } from './support.js';

function setup(options: FakeCrawlerOptions = {}) {
  const crawler = fakeCrawler(options);
  const mw = httpErrorMiddleware();
  mw.open!(crawler);
  const input = (response: Response): unknown => {
    try {
      mw.processSpiderInput!(response, crawler);
      return 'passed';
    } catch (error) {
      return error;
    }
  };
  return { crawler, mw, input };
}

describe('httpErrorMiddleware', () => {
  it("has Scrapy's order and accepts another", () => {
    expect(httpErrorMiddleware().order).toBe(50);
    expect(httpErrorMiddleware({ order: 42 }).order).toBe(42);
  });

  it('passes 2xx responses and refuses others with an HttpError', () => {
    const { input } = setup();
    expect(input(page('http://a.test/', { status: 200 }))).toBe('passed');
    expect(input(page('http://a.test/', { status: 299 }))).toBe('passed');
    for (const status of [199, 300, 301, 404, 500]) {
      const error = input(page('http://a.test/x', { status }));
      expect(error).toBeInstanceOf(HttpError);
      expect(error).toBeInstanceOf(IgnoreRequest);
      expect((error as HttpError).response.status).toBe(status);
      expect((error as HttpError).message).toContain(`(${status})`);
      expect((error as HttpError).message).toContain('http://a.test/x');
    }
  });

  it('lets through statuses in meta.handleHttpstatusList', () => {
    const { input } = setup();
    expect(input(page('http://a.test/', { status: 404, meta: { handleHttpstatusList: [404, 410] } }))).toBe('passed');
    expect(input(page('http://a.test/', { status: 500, meta: { handleHttpstatusList: [404, 410] } }))).toBeInstanceOf(HttpError);
  });

  it('lets through any status with meta.handleHttpstatusAll', () => {
    const { input } = setup();
    expect(input(page('http://a.test/', { status: 503, meta: { handleHttpstatusAll: true } }))).toBe('passed');
    expect(input(page('http://a.test/', { status: 503, meta: { handleHttpstatusAll: false } }))).toBeInstanceOf(HttpError);
  });

  it('meta.handleHttpstatusList takes precedence over httpErrorAllowAll and httpErrorAllowedCodes', () => {
    const { input } = setup({ settings: { httpErrorAllowAll: true, httpErrorAllowedCodes: [500] } });
    expect(input(page('http://a.test/', { status: 500, meta: { handleHttpstatusList: [404] } }))).toBeInstanceOf(HttpError);
    expect(input(page('http://a.test/', { status: 500, meta: { handleHttpstatusList: [] } }))).toBeInstanceOf(HttpError);
    expect(input(page('http://a.test/', { status: 404, meta: { handleHttpstatusList: [404] } }))).toBe('passed');
    // Without the meta list, allow-all applies.
    expect(input(page('http://a.test/', { status: 500 }))).toBe('passed');
  });

  it('httpErrorAllowAll lets every status through', () => {
    const { input } = setup({ settings: { httpErrorAllowAll: true } });
    expect(input(page('http://a.test/', { status: 404 }))).toBe('passed');
    expect(input(page('http://a.test/', { status: 599 }))).toBe('passed');
  });

  it('uses httpErrorAllowedCodes, unless the spider has its own handleHttpstatusList', () => {
    const fromSettings = setup({ settings: { httpErrorAllowedCodes: [404] } });
    expect(fromSettings.input(page('http://a.test/', { status: 404 }))).toBe('passed');
    expect(fromSettings.input(page('http://a.test/', { status: 500 }))).toBeInstanceOf(HttpError);

    const fromSpider = setup({ settings: { httpErrorAllowedCodes: [404] }, spider: { handleHttpstatusList: [500] } });
    expect(fromSpider.input(page('http://a.test/', { status: 500 }))).toBe('passed');
    expect(fromSpider.input(page('http://a.test/', { status: 404 }))).toBeInstanceOf(HttpError);
  });

  it('works for a response not tied to a request', async () => {
    const { HtmlResponse } = await import('@crawl/core');
    const { input } = setup({ settings: { httpErrorAllowedCodes: [404] } });
    expect(input(new HtmlResponse('http://a.test/', { status: 404 }))).toBe('passed');
    expect(input(new HtmlResponse('http://a.test/', { status: 500 }))).toBeInstanceOf(HttpError);
  });

  it('warns about a malformed meta list and treats it as empty', () => {
    const { input, crawler } = setup({ settings: { httpErrorAllowedCodes: [404] } });
    expect(input(page('http://a.test/', { status: 404, meta: { handleHttpstatusList: 404 } }))).toBeInstanceOf(HttpError);
    expect(crawler.messages('warn')[0]).toContain('handleHttpstatusList');
  });

  it('processSpiderException counts, logs and swallows an HttpError', () => {
    const { crawler, mw, input } = setup();
    const response = page('http://a.test/missing', { status: 404 });
    const error = input(response);
    expect(mw.processSpiderException!(response, error, crawler)).toEqual([]);
    expect(crawler.stats.get('httperror/response_ignored_count')).toBe(1);
    expect(crawler.stats.get('httperror/response_ignored_status_count/404')).toBe(1);
    expect(crawler.messages('info')).toEqual([
      'Ignoring response <404 http://a.test/missing>: HTTP status code is not handled or not allowed',
    ]);
    const second = page('http://a.test/gone', { status: 410 });
    mw.processSpiderException!(second, input(second), crawler);
    expect(crawler.stats.get('httperror/response_ignored_count')).toBe(2);
    expect(crawler.stats.get('httperror/response_ignored_status_count/410')).toBe(1);
  });

  it('leaves other exceptions to the next middleware', () => {
    const { crawler, mw } = setup();
    const response = responseTo(new Request('http://a.test/'));
    expect(mw.processSpiderException!(response, new Error('boom'), crawler)).toBeUndefined();
    expect(mw.processSpiderException!(response, new IgnoreRequest('no'), crawler)).toBeUndefined();
    expect(crawler.stats.all()).toEqual({});
  });

  it('rejects malformed settings at open', () => {
    const mw = httpErrorMiddleware();
    expect(() => mw.open!(fakeCrawler({ settings: { httpErrorAllowedCodes: ['404'] as never } }))).toThrow(ConfigError);
    expect(() => mw.open!(fakeCrawler({ settings: { httpErrorAllowAll: 'yes' as never } }))).toThrow(/httpErrorAllowAll/);
  });
});
